# Keyed producer lab, reference solution in Python (confluent-kafka): every event keyed by its
# account, an idempotent producer (acks=all), Java's partitioner so keys land where Java clients put
# them, and a failed delivery ends the program loudly.
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
    # Idempotence: producer id and sequence numbers, so a resent batch is written once and in order.
    "enable.idempotence": True,
    "acks": "all",
    # librdkafka's default partitioner is CRC32-based; murmur2_random is the Java client's, which the
    # rest of the platform (and the grader) expects for a keyed record.
    "partitioner": "murmur2_random",
    # The connection breaks mid-run: notice it soon and retry quickly.
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
    account = json.loads(line)["account"]
    producer.produce(topic, key=account, value=line, on_delivery=delivered)
    producer.poll(0)  # serve delivery callbacks as we go

left = producer.flush(30)
if left or failures:
    print(f"{left} events not delivered; errors: {failures}", file=sys.stderr)
    sys.exit(1)
print("published every event")
