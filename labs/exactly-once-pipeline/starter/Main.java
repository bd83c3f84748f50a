// Exactly-once pipeline lab: enrich INPUT_TOPIC into OUTPUT_TOPIC so read_committed readers see
// every order exactly once. This skeleton runs and copies records, but without any transactions.
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

public class Main {
  private static String env(String name) {
    String v = System.getenv(name);
    if (v == null || v.isEmpty()) throw new IllegalStateException("Missing environment variable " + name);
    return v;
  }

  public static void main(String[] args) {
    Properties pp = new Properties();
    pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, env("KAFKA_BROKERS"));
    pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    // TODO (transactional-output): this producer has no transactional.id.

    Properties cp = new Properties();
    cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, env("KAFKA_BROKERS"));
    cp.put(ConsumerConfig.GROUP_ID_CONFIG, env("GROUP_ID"));
    cp.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    cp.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // TODO (read-committed-input): reading uncommitted data lets aborted orders in.
    cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
    // TODO (offsets-in-transaction): offsets are auto-committed outside any transaction.

    String output = env("OUTPUT_TOPIC");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp);
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(cp)) {
      consumer.subscribe(List.of(env("INPUT_TOPIC")));
      while (true) {
        for (ConsumerRecord<String, String> rec : consumer.poll(Duration.ofMillis(200))) {
          String order = rec.value().trim();
          producer.send(new ProducerRecord<>(output, rec.key(), order.substring(0, order.length() - 1) + ",\"status\":\"enriched\"}"));
        }
      }
    }
  }
}
