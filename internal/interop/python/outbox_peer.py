"""Python hexkit's outbox (MongoDB and Kafka) for hexkit-go's interop tests.

  dao TOPIC COLLECTION [manual]
      run operations on a MongoKafkaDaoPublisher of Doc documents (id field
      "id", dto_to_event = model_dump(mode="json"), autopublish unless
      "manual"); operations come as JSON lines on stdin and each prints one
      JSON result line (see run_ops):
        {"op": "insert"|"update"|"upsert", "doc": {...}}
        {"op": "delete"|"get", "id": "..."}
        {"op": "find"}        every live document, sorted by id
        {"op": "count"}
        {"op": "publish_pending"} | {"op": "republish"}
      A write runs with the operation's "correlation_id", or a new one.
  mirror TOPIC N
      consume N events of TOPIC with a DaoSubscriberProtocol translator run
      by KafkaOutboxSubscriber, then print {"docs": {id: doc}, "events":
      [{"type": "changed"|"deleted", "id", "correlation_id"}]}
  persistent COLLECTION [COMPACTED_TOPIC...]
      run operations on a PersistentKafkaPublisher storing its events in
      COLLECTION:
        {"op": "publish", "event": {"topic", "type", "key", "payload",
                                    "event_id"?, "correlation_id"?}}
        {"op": "publish_failing", "event": {...}}  the same with a broker
            that fails: the event stays stored, unpublished
        {"op": "publish_pending"} | {"op": "republish"}
        {"op": "list"}        the stored events, by created then compaction key

Settings come from the environment: PEER_BROKERS (comma separated),
PEER_SERVICE (service name = consumer group), PEER_MONGO_URI, PEER_MONGO_DB.
"""

import asyncio
import json
import os
import sys
from contextlib import asynccontextmanager
from typing import Any
from uuid import UUID

from pydantic import BaseModel

from hexkit.correlation import get_correlation_id, set_correlation_id, set_new_correlation_id
from hexkit.protocols.daosub import DaoSubscriberProtocol
from hexkit.providers.akafka import KafkaConfig
from hexkit.providers.akafka.provider.daosub import KafkaOutboxSubscriber
from hexkit.providers.mongodb import MongoDbDaoFactory
from hexkit.providers.mongokafka import MongoKafkaConfig, MongoKafkaDaoPublisherFactory, PersistentKafkaPublisher


class Address(BaseModel):
    city: str
    zip: int


class Doc(BaseModel):
    """The document both sides write: one field of each JSON kind."""

    id: str
    name: str
    count: int
    ratio: float
    active: bool
    tags: list[str]
    address: Address
    scores: dict[str, int]


def config() -> MongoKafkaConfig:
    env = os.environ
    return MongoKafkaConfig(
        service_name=env.get("PEER_SERVICE", "python-outbox-peer"),
        service_instance_id="1",
        kafka_servers=env["PEER_BROKERS"].split(","),
        mongo_dsn=env.get("PEER_MONGO_URI", "mongodb://127.0.0.1:27017"),
        db_name=env.get("PEER_MONGO_DB", "unused"),
    )


def dump(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [dump(v) for v in value]
    return value


def correlation(op: dict):
    cid = op.get("correlation_id")
    return set_correlation_id(UUID(cid)) if cid else set_new_correlation_id()


async def run_ops(handle) -> None:
    """Run every operation of stdin with handle(op) and print its result:
    {"op", "value"} or {"op", "error": exception class, "message"}."""
    for line in sys.stdin:
        if not line.strip():
            continue
        op = json.loads(line)
        try:
            value = await handle(op)
            out = {"op": op["op"], "value": dump(value)}
        except Exception as err:  # the Go side asserts which one
            out = {"op": op["op"], "error": type(err).__name__, "message": str(err)}
        print(json.dumps(out), flush=True)


async def dao(topic: str, collection: str, autopublish: bool) -> None:
    async with MongoKafkaDaoPublisherFactory.construct(config=config()) as factory:
        docs = await factory.get_dao(
            name=collection,
            dto_model=Doc,
            id_field="id",
            dto_to_event=lambda d: d.model_dump(mode="json"),
            event_topic=topic,
            autopublish=autopublish,
        )

        async def handle(op: dict) -> Any:
            name = op["op"]
            if name in ("insert", "update", "upsert"):
                async with correlation(op):
                    await getattr(docs, name)(Doc.model_validate(op["doc"]))
                return None
            if name == "delete":
                async with correlation(op):
                    await docs.delete(op["id"])
                return None
            if name == "get":
                return await docs.get_by_id(op["id"])
            if name == "find":
                found = [d async for d in docs.find_all(mapping={})]
                return sorted(found, key=lambda d: d.id)
            if name == "count":
                return await docs.find_all(mapping={}).total_count()
            if name in ("publish_pending", "republish"):
                await getattr(docs, name)()
                return None
            raise ValueError(f"unknown operation {name!r}")

        await run_ops(handle)


class Mirror(DaoSubscriberProtocol[Doc]):
    """Keeps the documents of an outbox topic as its events tell them."""

    dto_model = Doc

    def __init__(self, topic: str):
        self.event_topic = topic
        self.docs: dict[str, Doc] = {}
        self.events: list[dict] = []

    async def changed(self, resource_id: str, update: Doc) -> None:
        self.docs[resource_id] = update
        self.events.append({"type": "changed", "id": resource_id, "correlation_id": str(get_correlation_id())})

    async def deleted(self, resource_id: str) -> None:
        self.docs.pop(resource_id, None)
        self.events.append({"type": "deleted", "id": resource_id, "correlation_id": str(get_correlation_id())})


async def mirror(topic: str, n: int) -> None:
    env = os.environ
    cfg = KafkaConfig(
        service_name=env.get("PEER_SERVICE", "python-outbox-peer"),
        service_instance_id="1",
        kafka_servers=env["PEER_BROKERS"].split(","),
    )
    m = Mirror(topic)
    async with KafkaOutboxSubscriber.construct(config=cfg, translators=[m]) as sub:
        for _ in range(n):
            await sub.run(forever=False)
    docs = {k: v.model_dump(mode="json") for k, v in m.docs.items()}
    print(json.dumps({"docs": docs, "events": m.events}), flush=True)


class FailingBroker:
    """An event publisher whose broker is down."""

    async def publish(self, **_: Any) -> None:
        raise RuntimeError("simulated broker failure")


@asynccontextmanager
async def failing(pub: PersistentKafkaPublisher):
    real = pub._event_publisher
    pub._event_publisher = FailingBroker()
    try:
        yield
    finally:
        pub._event_publisher = real


async def persistent(collection: str, compacted: set[str]) -> None:
    cfg = config()
    async with (
        MongoDbDaoFactory.construct(config=cfg) as dao_factory,
        PersistentKafkaPublisher.construct(
            config=cfg, dao_factory=dao_factory, compacted_topics=compacted, collection_name=collection
        ) as pub,
    ):

        async def publish(op: dict) -> None:
            e = op["event"]
            async with correlation(e):
                await pub.publish(
                    payload=e["payload"],
                    type_=e["type"],
                    key=e["key"],
                    topic=e["topic"],
                    event_id=UUID(e["event_id"]) if e.get("event_id") else None,
                    headers=e.get("headers") or {},
                )

        async def handle(op: dict) -> Any:
            name = op["op"]
            if name == "publish":
                return await publish(op)
            if name == "publish_failing":
                async with failing(pub):
                    return await publish(op)
            if name in ("publish_pending", "republish"):
                return await getattr(pub, name)()
            if name == "list":
                stored = [e async for e in pub._dao.find_all(mapping={})]
                return sorted(stored, key=lambda e: (e.created, e.compaction_key))
            raise ValueError(f"unknown operation {name!r}")

        await run_ops(handle)


def main() -> None:
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "dao":
        asyncio.run(dao(args[0], args[1], autopublish=args[2:] != ["manual"]))
    elif cmd == "mirror":
        asyncio.run(mirror(args[0], int(args[1])))
    elif cmd == "persistent":
        asyncio.run(persistent(args[0], set(args[1:])))
    else:
        sys.exit(f"unknown command {cmd!r}")


if __name__ == "__main__":
    main()
