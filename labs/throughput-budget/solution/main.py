# Throughput-budget lab, reference solution in Python (confluent-kafka): librdkafka batches per
# partition for up to 100 ms (linger.ms), compresses each batch with lz4, and is idempotent
# (acks=all), so the resend after a lost response is written once.
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
    # Batching: a batch waits up to 100 ms for more pings, well inside the latency budget.
    # batch.num.messages (10000) and batch.size (1 MB) are large enough not to cut it short.
    "linger.ms": 100,
    # Compression works per batch: the fuller the batch, the more it saves.
    "compression.type": "lz4",
    # Idempotence: a resent batch is recognised by producer id and sequence number.
    "enable.idempotence": True,
    "acks": "all",
    # A response is lost mid-run: notice it soon and retry quickly.
    "socket.timeout.ms": 5000,
    "retry.backoff.ms": 100,
    "message.timeout.ms": 30000,
})
topic = env("OUTPUT_TOPIC")
failures = []


def delivered(err, msg):
    if err is not None:
        failures.append(err)


for line in sys.stdin:
    line = line.rstrip("\n")
    if not line.strip():
        continue
    vehicle = json.loads(line)["vehicle"]
    # produce() only queues the ping; librdkafka's background thread sends the batches.
    producer.produce(topic, key=vehicle, value=line, on_delivery=delivered)
    producer.poll(0)  # serve delivery callbacks as we go

left = producer.flush(30)
if left or failures:
    print(f"{left} pings not delivered; errors: {failures}", file=sys.stderr)
    sys.exit(1)
print("published every ping")
