# Exactly-once pipeline lab: enrich INPUT_TOPIC into OUTPUT_TOPIC so read_committed readers see
# every order exactly once. This skeleton runs and copies records, but without any transactions.
import json
import os

from confluent_kafka import Consumer, Producer


def env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise SystemExit(f"Missing environment variable {name}")
    return value


# TODO (transactional-output): this producer has no transactional.id.
producer = Producer({"bootstrap.servers": env("KAFKA_BROKERS")})
consumer = Consumer({
    "bootstrap.servers": env("KAFKA_BROKERS"),
    "group.id": env("GROUP_ID"),
    "auto.offset.reset": "earliest",
    # TODO (read-committed-input): reading uncommitted data lets aborted orders in.
    "isolation.level": "read_uncommitted",
    # TODO (offsets-in-transaction): offsets are auto-committed outside any transaction.
})
consumer.subscribe([env("INPUT_TOPIC")])
output = env("OUTPUT_TOPIC")

while True:
    msg = consumer.poll(0.2)
    if msg is None or msg.error():
        continue
    order = json.loads(msg.value())
    producer.produce(output, key=msg.key(), value=json.dumps({**order, "status": "enriched"}))
    producer.poll(0)
