"""Python side of hexkit's key-value interop tests: reads and writes one
key through Python hexkit's stores, so the Go tests can check that both
use the same layout.

    kv_peer.py BACKEND KIND set KEY VALUE    (bytes values are hex)
    kv_peer.py BACKEND KIND get KEY          prints {"found": ..., "value": ...}

BACKEND is redis, s3 or mongodb; KIND is bytes, str or json. Connection
settings come from PEER_* environment variables.
"""

import asyncio
import json
import os
import sys
from contextlib import asynccontextmanager

KINDS = {"bytes": "Bytes", "str": "Str", "json": "Json"}


@asynccontextmanager
async def store(backend: str, kind: str):
    name = KINDS[kind]
    env = os.environ
    if backend == "redis":
        from hexkit.providers.redis import provider
        from hexkit.providers.redis.config import RedisConfig

        cls = getattr(provider, f"Redis{name}KeyValueStore")
        config = RedisConfig(redis_url=env["PEER_REDIS_URL"])
        async with cls.construct(config=config, key_prefix=env["PEER_PREFIX"]) as s:
            yield s
    elif backend == "s3":
        from hexkit.providers.s3 import provider
        from hexkit.providers.s3.config import S3Config

        cls = getattr(provider, f"S3{name}KeyValueStore")
        config = S3Config(
            s3_endpoint_url=env["PEER_S3_ENDPOINT"],
            s3_access_key_id=env["PEER_S3_ACCESS_KEY"],
            s3_secret_access_key=env["PEER_S3_SECRET_KEY"],
        )
        yield cls(config=config, bucket_id=env["PEER_S3_BUCKET"])
    else:
        from hexkit.providers.mongodb import provider
        from hexkit.providers.mongodb.config import MongoDbConfig

        cls = getattr(provider, f"MongoDb{name}KeyValueStore")
        config = MongoDbConfig(mongo_dsn=env["PEER_MONGO_URI"], db_name=env["PEER_MONGO_DB"])
        async with cls.construct(config=config, collection_name=env["PEER_MONGO_COLLECTION"]) as s:
            yield s


def decode(kind: str, text: str):
    if kind == "bytes":
        return bytes.fromhex(text)
    if kind == "json":
        return json.loads(text)
    return text


def encode(kind: str, value):
    if kind == "bytes":
        return value.hex()
    return value


async def main() -> None:
    backend, kind, op, key = sys.argv[1:5]
    async with store(backend, kind) as s:
        if op == "set":
            await s.set(key, decode(kind, sys.argv[5]))
        else:
            value = await s.get(key)
            out = {"found": value is not None, "value": None if value is None else encode(kind, value)}
            print(json.dumps(out))


if __name__ == "__main__":
    asyncio.run(main())
