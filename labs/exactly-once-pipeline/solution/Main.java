// Exactly-once pipeline lab, reference solution in Java: one transaction per poll holds the enriched
// records AND the consumed offsets (sendOffsetsToTransaction with the consumer's group metadata), so
// they commit or abort together. A replacement reuses TRANSACTIONAL_ID, which fences a killed or
// frozen instance; a fenced instance stops. read_committed input keeps aborted records out.
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

public class Main {
  private static String env(String name) {
    String v = System.getenv(name);
    if (v == null || v.isEmpty()) throw new IllegalStateException("Missing environment variable " + name);
    return v;
  }

  /** The order's JSON object with "status": "enriched" added (the orders are flat JSON objects). */
  private static String enrich(String order) {
    String body = order.trim();
    if (!body.endsWith("}")) throw new IllegalArgumentException("An order that is not a JSON object: " + order);
    return body.substring(0, body.length() - 1) + ",\"status\":\"enriched\"}";
  }

  /** After an abort, go back to what the group has committed, so nothing is skipped. */
  private static void rewind(KafkaConsumer<String, String> consumer) {
    Set<TopicPartition> assigned = consumer.assignment();
    Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assigned);
    for (TopicPartition tp : assigned) {
      OffsetAndMetadata at = committed.get(tp);
      if (at != null) consumer.seek(tp, at.offset());
      else consumer.seekToBeginning(List.of(tp));
    }
  }

  public static void main(String[] args) {
    Properties pp = new Properties();
    pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, env("KAFKA_BROKERS"));
    pp.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, env("TRANSACTIONAL_ID"));
    pp.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "10000");
    pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());

    Properties cp = new Properties();
    cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, env("KAFKA_BROKERS"));
    cp.put(ConsumerConfig.GROUP_ID_CONFIG, env("GROUP_ID"));
    cp.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    cp.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    // Offsets are committed only inside the transaction; aborted input is never read.
    cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    cp.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "3000");
    cp.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "300");
    cp.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");

    String output = env("OUTPUT_TOPIC");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp);
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(cp)) {
      // Fences any older producer with this id and aborts its open transaction.
      producer.initTransactions();
      consumer.subscribe(List.of(env("INPUT_TOPIC")));
      while (true) {
        ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
        if (records.isEmpty()) continue;
        producer.beginTransaction();
        try {
          Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
          for (ConsumerRecord<String, String> rec : records) {
            producer.send(new ProducerRecord<>(output, rec.key(), enrich(rec.value())));
            next.put(new TopicPartition(rec.topic(), rec.partition()), new OffsetAndMetadata(rec.offset() + 1));
          }
          // The group metadata lets the group coordinator refuse offsets from a stale member.
          producer.sendOffsetsToTransaction(next, consumer.groupMetadata());
          producer.commitTransaction();
        } catch (ProducerFencedException fenced) {
          // A replacement with our transactional id took over: this instance must stop.
          System.err.println("fenced by a newer instance; stopping");
          return;
        } catch (KafkaException err) {
          producer.abortTransaction();
          rewind(consumer);
        }
      }
    }
  }
}
