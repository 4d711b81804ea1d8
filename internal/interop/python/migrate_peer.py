"""Python hexkit's MongoDB migration manager for hexkit-go's interop tests.

  migrate TARGET   run MigrationManager.migrate_or_wait to TARGET with
                   steps 2 and 3, each inserting {"step": N, "by": "python"}
                   into the collection "effects"
  check TARGET     run check_db_version(TARGET); exit 3 and print the error
                   on DbVersionMismatchError
  version          print the version Python hexkit reads from the records

Settings come from the environment: PEER_MONGO_URI, PEER_DB and
PEER_VERSION_COLLECTION.
"""

import asyncio
import os
import sys

from hexkit.providers.mongodb.migrations import (
    DbVersionMismatchError,
    MigrationConfig,
    MigrationDefinition,
    MigrationManager,
    check_db_version,
)
from hexkit.providers.mongodb.migrations._utils import (
    _fetch_version_docs,
    _get_db_version_from_records,
)
from pymongo import AsyncMongoClient


def config() -> MigrationConfig:
    return MigrationConfig(
        mongo_dsn=os.environ["PEER_MONGO_URI"],
        db_name=os.environ["PEER_DB"],
        db_version_collection=os.environ["PEER_VERSION_COLLECTION"],
        migration_wait_sec=1,
        migration_max_wait_sec=60,
    )


def step(n: int) -> type[MigrationDefinition]:
    class Step(MigrationDefinition):
        version = n

        async def apply(self):
            await self._db["effects"].insert_one({"step": n, "by": "python"})

    Step.__name__ = f"V{n}Migration"
    return Step


async def main(cmd: str, args: list[str]) -> int:
    cfg = config()
    if cmd == "migrate":
        async with MigrationManager(cfg, int(args[0]), {2: step(2), 3: step(3)}) as mm:
            await mm.migrate_or_wait()
        return 0
    if cmd == "check":
        try:
            await check_db_version(config=cfg, target_version=int(args[0]))
        except DbVersionMismatchError as err:
            print(err)
            return 3
        return 0
    if cmd == "version":
        client = AsyncMongoClient(os.environ["PEER_MONGO_URI"])
        try:
            coll = client[cfg.db_name][cfg.db_version_collection]
            print(_get_db_version_from_records(await _fetch_version_docs(coll)))
        finally:
            await client.close()
        return 0
    print(f"unknown command {cmd}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1], sys.argv[2:])))
