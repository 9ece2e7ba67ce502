"""Read training text from a tiers topic in the Confluent wire format.

The values must be Avro with a schema id, as the registry value codec
(src/codec/registry.ts) writes them. The schema of each value is fetched from
the registry by that id, so values written with any registered version decode.

Usage:
    python kafka_loader.py --brokers 127.0.0.1:9092 \
        --registry http://127.0.0.1:8081/apis/ccompat/v7 --topic tiers.l1 --from-beginning
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from typing import Any

from confluent_kafka import Consumer, KafkaError, KafkaException
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer
from confluent_kafka.serialization import MessageField, SerializationContext


def iter_records(
    brokers: str,
    registry_url: str,
    topic: str,
    group_id: str,
    from_beginning: bool = False,
    batch_size: int = 500,
    idle_timeout: float | None = 10.0,
    max_records: int | None = None,
) -> Iterator[list[dict[str, Any]]]:
    """Yield lists of up to batch_size decoded tier records from a topic.

    Stops after idle_timeout seconds without a message (None waits forever) or
    after max_records records. Offsets are committed after the caller has taken
    each batch, so a restart with the same group_id resumes after it.
    """
    deserialize = AvroDeserializer(SchemaRegistryClient({"url": registry_url}))
    consumer = Consumer(
        {
            "bootstrap.servers": brokers,
            "group.id": group_id,
            "auto.offset.reset": "earliest" if from_beginning else "latest",
            "enable.auto.commit": False,
            # Only records of committed ingest transactions, as the engine's own stages read.
            "isolation.level": "read_committed",
        }
    )
    consumer.subscribe([topic])
    seen = 0
    try:
        while max_records is None or seen < max_records:
            requested = batch_size if max_records is None else min(batch_size, max_records - seen)
            messages = consumer.consume(num_messages=requested, timeout=idle_timeout if idle_timeout is not None else -1)
            if not messages:
                return
            batch = []
            for message in messages:
                error = message.error()
                if error is not None:
                    if error.code() == KafkaError._PARTITION_EOF:
                        continue
                    raise KafkaException(error)
                context = SerializationContext(message.topic(), MessageField.VALUE)
                batch.append(deserialize(message.value(), context))
            seen += len(batch)
            if batch:
                yield batch
            consumer.commit(asynchronous=False)
    finally:
        consumer.close()


def iter_texts(*args: Any, **kwargs: Any) -> Iterator[list[str]]:
    """Yield lists of training texts; takes the arguments of iter_records."""
    for batch in iter_records(*args, **kwargs):
        yield [record["text"] for record in batch]


def main() -> int:
    parser = argparse.ArgumentParser(description="Print the records of a tiers topic as JSON lines (id, tier, lang, text).")
    parser.add_argument("--brokers", default="127.0.0.1:9092", help="Kafka bootstrap servers, HOST:PORT[,HOST:PORT]")
    parser.add_argument("--registry", default="http://127.0.0.1:8081/apis/ccompat/v7", help="schema registry URL")
    parser.add_argument("--topic", required=True, help="tier topic, such as tiers.l1")
    parser.add_argument("--group", default="tiers-python-loader", help="consumer group id")
    parser.add_argument("--from-beginning", action="store_true", help="start at the oldest offset when the group has none")
    parser.add_argument("--batch-size", type=int, default=500, help="records per batch")
    parser.add_argument("--idle-timeout", type=float, default=10.0, help="seconds without a message before stopping")
    parser.add_argument("--max", type=int, default=None, help="stop after this many records")
    args = parser.parse_args()
    # Texts are printed as UTF-8 whatever the locale, so callers can compare bytes.
    sys.stdout.reconfigure(encoding="utf-8")

    for batch in iter_records(
        args.brokers,
        args.registry,
        args.topic,
        args.group,
        from_beginning=args.from_beginning,
        batch_size=args.batch_size,
        idle_timeout=args.idle_timeout,
        max_records=args.max,
    ):
        for record in batch:
            line = {"id": record["id"], "tier": record["tier"], "lang": record["lang"], "text": record["text"]}
            sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
