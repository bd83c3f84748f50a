# At-least-once consumer lab, reference solution in Python (confluent-kafka): auto-commit off; for
# each record do the work, wait until the broker acknowledged the result, then commit offset + 1.
# A crash can repeat work but never skip it.
import json
import os

from confluent_kafka import Consumer, KafkaException, Producer


def env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise SystemExit(f"Missing environment variable {name}")
    return value


producer = Producer({
    "bootstrap.servers": env("KAFKA_BROKERS"),
    "enable.idempotence": True,
    # Keys land where the Java client would put them (librdkafka's default hashes with CRC32).
    "partitioner": "murmur2_random",
})
consumer = Consumer({
    "bootstrap.servers": env("KAFKA_BROKERS"),
    "group.id": env("GROUP_ID"),
    # The program decides when a record is done, not a timer.
    "enable.auto.commit": False,
    "auto.offset.reset": "earliest",
    # A short session lets a restarted instance take over soon after the old one was killed.
    "session.timeout.ms": 3000,
    "heartbeat.interval.ms": 300,
    "fetch.wait.max.ms": 100,
})
consumer.subscribe([env("INPUT_TOPIC")])
output = env("OUTPUT_TOPIC")
failed = []

while True:
    msg = consumer.poll(0.2)
    if msg is None:
        continue
    if msg.error():
        raise KafkaException(msg.error())
    payment = json.loads(msg.value())
    # The work: the fee is 2.9 % of the amount, rounded down, plus 30 cents.
    fee = payment["amountCents"] * 29 // 1000 + 30
    result = {"id": payment["id"], "account": payment["account"], "amountCents": payment["amountCents"], "feeCents": fee}
    producer.produce(output, key=msg.key(), value=json.dumps(result), on_delivery=lambda err, m: err and failed.append(err))
    # Wait for the broker's acknowledgement of the result ...
    if producer.flush(30) > 0 or failed:
        raise SystemExit(f"a result was not delivered: {failed}")
    # ... and only then mark the record done (commit(message=...) commits its offset + 1).
    consumer.commit(message=msg, asynchronous=False)
