"""A stock Confluent client against Tsunagi's topics: no Tsunagi code, only confluent-kafka's own
AvroSerializer / AvroDeserializer and its standard record_subject_name_strategy.

Reads one JSON object on stdin:
  {"kafka": {...librdkafka properties...}, "registry": {"url": ...},
   "consume": [{"topic": ..., "count": N}],
   "produce": {"topic": ..., "key": ..., "schemaFile": ..., "value": {...}}}
and prints one JSON object: {"consumed": {topic: [{key, schemaId, value}]}, "produced": {...}}.
Instants in "value" are epoch milliseconds, as Avro's timestamp-millis stores them.
"""

import base64
import datetime
import decimal
import json
import sys
import time
import uuid

from confluent_kafka import Consumer, Producer
from confluent_kafka.schema_registry import SchemaRegistryClient, record_subject_name_strategy
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.serialization import MessageField, SerializationContext


def plain(value):
    """JSON form of what fastavro decodes: logical types as strings, a record-union branch as [name, value]."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes):
        return base64.b16encode(value).decode().lower()
    return value


def schema_id(framed):
    return int.from_bytes(framed[1:5], "big")


def consume(kafka, registry, topic, count):
    deserializer = AvroDeserializer(registry, return_record_name=True)
    consumer = Consumer({**kafka, "group.id": f"stock-client-{uuid.uuid4()}",
                         "auto.offset.reset": "earliest", "enable.auto.commit": False})
    consumer.subscribe([topic])
    records = []
    deadline = time.monotonic() + 60
    try:
        while len(records) < count and time.monotonic() < deadline:
            message = consumer.poll(1.0)
            if message is None:
                continue
            if message.error():
                raise RuntimeError(f"consuming {topic}: {message.error()}")
            value = deserializer(message.value(), SerializationContext(topic, MessageField.VALUE))
            records.append({"key": message.key().decode(), "schemaId": schema_id(message.value()),
                            "value": plain(value)})
    finally:
        consumer.close()
    return records


def produce(kafka, registry, topic, key, schema_file, value):
    with open(schema_file, encoding="utf-8") as f:
        schema_str = f.read()
    # Producers must not register schemas: write with the latest version of the record's subject.
    serializer = AvroSerializer(registry, schema_str, conf={
        "subject.name.strategy": record_subject_name_strategy,
        "auto.register.schemas": False,
        "use.latest.version": True,
    })
    framed = serializer(value, SerializationContext(topic, MessageField.VALUE))
    producer = Producer(kafka)
    producer.produce(topic, key=key.encode(), value=framed)
    if producer.flush(30) != 0:
        raise RuntimeError(f"producing to {topic}: not acknowledged within 30 s")
    record = json.loads(schema_str)
    return {"subject": record_subject_name_strategy(None, f"{record['namespace']}.{record['name']}"),
            "schemaId": schema_id(framed)}


def main():
    request = json.load(sys.stdin)
    registry = SchemaRegistryClient(request["registry"])
    consumed = {c["topic"]: consume(request["kafka"], registry, c["topic"], c["count"])
                for c in request.get("consume", [])}
    produced = None
    if request.get("produce"):
        p = request["produce"]
        produced = produce(request["kafka"], registry, p["topic"], p["key"], p["schemaFile"], p["value"])
    print(json.dumps({"consumed": consumed, "produced": produced}))


if __name__ == "__main__":
    main()
