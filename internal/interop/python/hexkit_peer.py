"""A small Python hexkit peer for hexkit-go's interop tests and benchmark.

It speaks only through Python hexkit's own Kafka provider, so what it sends
and accepts is what every Python hexkit service sends and accepts.

  publish  TOPIC                 read events as JSON lines on stdin
                                 ({"type", "key", "payload", "correlation_id"?})
                                 and publish each with KafkaEventPublisher
  collect  TOPIC N TYPE [TYPE..] consume N events of the given types with
                                 KafkaEventSubscriber and print each as a JSON
                                 line: type, key, topic, payload, event_id,
                                 correlation_id
  fail     TOPIC N TYPE [TYPE..] consume N events with the DLQ enabled
                                 (PEER_DLQ_TOPIC, no retries) and a translator
                                 that raises ValueError("python refuses KEY"),
                                 so each lands in the DLQ
  collect-dlq DLQTOPIC N         consume N dead letters with a
                                 DLQSubscriberProtocol translator and print
                                 each as a JSON line, headers and timestamp
                                 included
  bench-publish TOPIC N SIZE     publish N events with a SIZE-byte payload and
                                 print {"seconds": ...}
  bench-consume TOPIC N TYPE     consume N events and print {"seconds": ...}

Common settings come from the environment: PEER_BROKERS (comma separated),
PEER_SERVICE (service name = consumer group), PEER_INSTANCE.
"""

import asyncio
import json
import os
import sys
import time
from uuid import UUID

from hexkit.correlation import get_correlation_id, set_correlation_id, set_new_correlation_id
from hexkit.protocols.eventsub import DLQSubscriberProtocol, EventSubscriberProtocol
from hexkit.providers.akafka import KafkaConfig, KafkaEventPublisher, KafkaEventSubscriber


def config(**extra) -> KafkaConfig:
    return KafkaConfig(
        service_name=os.environ.get("PEER_SERVICE", "python-peer"),
        service_instance_id=os.environ.get("PEER_INSTANCE", "1"),
        kafka_servers=os.environ["PEER_BROKERS"].split(","),
        **extra,
    )


async def publish(topic: str) -> None:
    async with KafkaEventPublisher.construct(config=config()) as pub:
        for line in sys.stdin:
            if not line.strip():
                continue
            event = json.loads(line)
            cid = event.get("correlation_id")
            scope = set_correlation_id(UUID(cid)) if cid else set_new_correlation_id()
            async with scope:
                await pub.publish(
                    payload=event["payload"],
                    type_=event["type"],
                    key=event["key"],
                    topic=topic,
                    headers=event.get("headers") or {},
                )


class Recorder(EventSubscriberProtocol):
    """Prints every event it consumes as one JSON line."""

    def __init__(self, topic: str, types: list[str], quiet: bool = False):
        self.topics_of_interest = [topic]
        self.types_of_interest = types
        self.quiet = quiet

    async def _consume_validated(self, *, payload, type_, topic, key, event_id) -> None:
        if self.quiet:
            return
        record = {
            "type": type_,
            "key": key,
            "topic": topic,
            "payload": payload,
            "event_id": str(event_id),
            "correlation_id": str(get_correlation_id()),
        }
        print(json.dumps(record), flush=True)


async def collect(topic: str, n: int, types: list[str], quiet: bool = False) -> None:
    recorder = Recorder(topic, types, quiet)
    async with KafkaEventSubscriber.construct(config=config(), translator=recorder) as sub:
        for _ in range(n):
            await sub.run(forever=False)


class Refuser(EventSubscriberProtocol):
    """Fails every event, so the subscriber hands it to the DLQ."""

    def __init__(self, topic: str, types: list[str]):
        self.topics_of_interest = [topic]
        self.types_of_interest = types

    async def _consume_validated(self, *, payload, type_, topic, key, event_id) -> None:
        raise ValueError(f"python refuses {key}")


async def fail(topic: str, n: int, types: list[str]) -> None:
    cfg = config(
        kafka_enable_dlq=True,
        kafka_dlq_topic=os.environ["PEER_DLQ_TOPIC"],
        kafka_max_retries=0,
    )
    async with KafkaEventPublisher.construct(config=cfg) as dlq_publisher:
        async with KafkaEventSubscriber.construct(
            config=cfg, translator=Refuser(topic, types), dlq_publisher=dlq_publisher
        ) as sub:
            for _ in range(n):
                await sub.run(forever=False)


class DeadLetterPrinter(DLQSubscriberProtocol):
    """Prints every dead letter it consumes as one JSON line."""

    async def _consume_validated(self, *, payload, type_, topic, key, event_id, timestamp, headers) -> None:
        record = {
            "type": type_,
            "key": key,
            "topic": topic,
            "payload": payload,
            "event_id": str(event_id),
            "timestamp": timestamp.isoformat(),
            "headers": dict(headers),
        }
        print(json.dumps(record), flush=True)


async def collect_dlq(dlq_topic: str, n: int) -> None:
    cfg = config(kafka_dlq_topic=dlq_topic)
    async with KafkaEventSubscriber.construct(config=cfg, translator=DeadLetterPrinter()) as sub:
        for _ in range(n):
            await sub.run(forever=False)


async def bench_publish(topic: str, n: int, size: int) -> None:
    payload = {"id": "", "data": "x" * max(size - 20, 0)}
    async with KafkaEventPublisher.construct(config=config()) as pub:
        async with set_new_correlation_id():
            start = time.perf_counter()
            for i in range(n):
                payload["id"] = str(i)
                await pub.publish(payload=payload, type_="bench_event", key=str(i % 64), topic=topic)
            elapsed = time.perf_counter() - start
    print(json.dumps({"seconds": elapsed}), flush=True)


async def bench_consume(topic: str, n: int, type_: str) -> None:
    start = time.perf_counter()
    await collect(topic, n, [type_], quiet=True)
    print(json.dumps({"seconds": time.perf_counter() - start}), flush=True)


def main() -> None:
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "publish":
        asyncio.run(publish(args[0]))
    elif cmd == "collect":
        asyncio.run(collect(args[0], int(args[1]), args[2:]))
    elif cmd == "fail":
        asyncio.run(fail(args[0], int(args[1]), args[2:]))
    elif cmd == "collect-dlq":
        asyncio.run(collect_dlq(args[0], int(args[1])))
    elif cmd == "bench-publish":
        asyncio.run(bench_publish(args[0], int(args[1]), int(args[2])))
    elif cmd == "bench-consume":
        asyncio.run(bench_consume(args[0], int(args[1]), args[2]))
    else:
        sys.exit(f"unknown command {cmd!r}")


if __name__ == "__main__":
    main()
