# At-least-once consumer lab: read payments from INPUT_TOPIC and write each one's result (the
# payment plus feeCents) to OUTPUT_TOPIC, so that a crash at any moment loses nothing.
import json
import os

from confluent_kafka import Consumer


def env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise SystemExit(f"Missing environment variable {name}")
    return value


# TODO (commit-after-processing): auto-commit is on, so offsets are committed on a timer.
consumer = Consumer({"bootstrap.servers": env("KAFKA_BROKERS"), "group.id": env("GROUP_ID"), "auto.offset.reset": "earliest"})
consumer.subscribe([env("INPUT_TOPIC")])

while True:
    msg = consumer.poll(0.2)
    if msg is None or msg.error():
        continue
    payment = json.loads(msg.value())
    # TODO (process-every-record): produce the result (the payment plus feeCents) to OUTPUT_TOPIC, keyed by account.
    print(f"received {payment['id']} from partition {msg.partition()} at offset {msg.offset()}", flush=True)
