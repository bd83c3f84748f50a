// At-least-once consumer lab: read payments from INPUT_TOPIC and write each one's result (the
// payment plus feeCents) to OUTPUT_TOPIC, so that a crash at any moment loses nothing.
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

public class Main {
  private static String env(String name) {
    String v = System.getenv(name);
    if (v == null || v.isEmpty()) throw new IllegalStateException("Missing environment variable " + name);
    return v;
  }

  public static void main(String[] args) {
    Properties cp = new Properties();
    cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, env("KAFKA_BROKERS"));
    cp.put(ConsumerConfig.GROUP_ID_CONFIG, env("GROUP_ID"));
    cp.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    cp.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // TODO (commit-after-processing): auto-commit is on, so offsets are committed on a timer.
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(cp)) {
      consumer.subscribe(List.of(env("INPUT_TOPIC")));
      while (true) {
        for (ConsumerRecord<String, String> rec : consumer.poll(Duration.ofMillis(200))) {
          // TODO (process-every-record): produce the result (the payment plus feeCents) to OUTPUT_TOPIC, keyed by account.
          System.out.println("received " + rec.value() + " from partition " + rec.partition() + " at offset " + rec.offset());
        }
      }
    }
  }
}
