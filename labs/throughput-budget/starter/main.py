# Throughput-budget lab: publish every vehicle ping that arrives on standard input to OUTPUT_TOPIC,
# keyed by its vehicle. Reading the input is done for you. This version works, but it waits for
# every ping to be delivered before producing the next, uncompressed: one request per ping.
import json
import os
import sys

from confluent_kafka import Producer


def env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise SystemExit(f"Missing environment variable {name}")
    return value


producer = Producer({
    "bootstrap.servers": env("KAFKA_BROKERS"),
    "enable.idempotence": True,
    "acks": "all",
    # TODO: no linger and no compression. Let batches fill for a while and compress them, without
    # letting any ping wait longer than the latency budget.
    "linger.ms": 0,
    "compression.type": "none",
})
topic = env("OUTPUT_TOPIC")

for line in sys.stdin:
    line = line.rstrip("\n")
    if not line.strip():
        continue
    vehicle = json.loads(line)["vehicle"]
    producer.produce(topic, key=vehicle, value=line)
    # TODO: flushing after every ping waits for its delivery, so every ping is its own request.
    producer.flush(10)

producer.flush(30)
