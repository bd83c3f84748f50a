# Exactly-once pipeline lab, reference solution in Python (confluent-kafka): one transaction per
# poll holds the enriched records AND the consumed offsets (send_offsets_to_transaction with the
# consumer's group metadata), so they commit or abort together. A replacement reuses
# TRANSACTIONAL_ID, which fences a killed or frozen instance; a fenced instance stops.
import json
import os
import sys

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition


def env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise SystemExit(f"Missing environment variable {name}")
    return value


producer = Producer({
    "bootstrap.servers": env("KAFKA_BROKERS"),
    "transactional.id": env("TRANSACTIONAL_ID"),
    "transaction.timeout.ms": 10000,
    # Keys land where the Java client would put them (librdkafka's default hashes with CRC32).
    "partitioner": "murmur2_random",
})
consumer = Consumer({
    "bootstrap.servers": env("KAFKA_BROKERS"),
    "group.id": env("GROUP_ID"),
    # Offsets are committed only inside the transaction; aborted input is never read.
    "enable.auto.commit": False,
    "isolation.level": "read_committed",
    "auto.offset.reset": "earliest",
    "session.timeout.ms": 3000,
    "heartbeat.interval.ms": 300,
    "fetch.wait.max.ms": 100,
})
output = env("OUTPUT_TOPIC")
# Fences any older producer with this id and aborts its open transaction.
producer.init_transactions()
consumer.subscribe([env("INPUT_TOPIC")])


def rewind():
    """After an abort, go back to what the group has committed, so nothing is skipped."""
    for tp in consumer.committed(consumer.assignment()):
        consumer.seek(TopicPartition(tp.topic, tp.partition, tp.offset if tp.offset >= 0 else 0))


while True:
    batch = consumer.consume(num_messages=100, timeout=0.2)
    batch = [m for m in batch if not m.error()]
    if not batch:
        continue
    producer.begin_transaction()
    try:
        next_offsets = {}
        for msg in batch:
            order = json.loads(msg.value())
            producer.produce(output, key=msg.key(), value=json.dumps({**order, "status": "enriched"}))
            next_offsets[(msg.topic(), msg.partition())] = msg.offset() + 1
        offsets = [TopicPartition(t, p, o) for (t, p), o in next_offsets.items()]
        # The group metadata lets the group coordinator refuse offsets from a stale member.
        producer.send_offsets_to_transaction(offsets, consumer.consumer_group_metadata())
        producer.commit_transaction()
    except KafkaException as e:
        err = e.args[0]
        if err.fatal() or not err.txn_requires_abort():
            # Fenced by a replacement with our transactional id (or worse): this instance must stop.
            print(f"stopping: {err}", file=sys.stderr)
            sys.exit(0 if err.fatal() else 1)
        producer.abort_transaction()
        rewind()
