// At-least-once consumer lab, reference solution in Java: auto-commit off; for each record do the
// work, wait until the broker acknowledged the result, then commit offset + 1. A crash can repeat
// work but never skip it.
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

public class Main {
  private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");
  private static final Pattern ACCOUNT = Pattern.compile("\"account\"\\s*:\\s*\"([^\"]+)\"");
  private static final Pattern AMOUNT = Pattern.compile("\"amountCents\"\\s*:\\s*(\\d+)");

  private static String env(String name) {
    String v = System.getenv(name);
    if (v == null || v.isEmpty()) throw new IllegalStateException("Missing environment variable " + name);
    return v;
  }

  private static String field(Pattern p, String json) {
    Matcher m = p.matcher(json);
    if (!m.find()) throw new IllegalArgumentException("A payment without " + p.pattern() + ": " + json);
    return m.group(1);
  }

  public static void main(String[] args) throws Exception {
    Properties pp = new Properties();
    pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, env("KAFKA_BROKERS"));
    pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    pp.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    pp.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "100");

    Properties cp = new Properties();
    cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, env("KAFKA_BROKERS"));
    cp.put(ConsumerConfig.GROUP_ID_CONFIG, env("GROUP_ID"));
    cp.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    cp.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    // The program decides when a record is done, not a timer.
    cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // A short session lets a restarted instance take over soon after the old one was killed.
    cp.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "3000");
    cp.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "300");
    cp.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");

    String output = env("OUTPUT_TOPIC");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp);
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(cp)) {
      consumer.subscribe(List.of(env("INPUT_TOPIC")));
      while (true) {
        for (ConsumerRecord<String, String> rec : consumer.poll(Duration.ofMillis(200))) {
          String value = rec.value();
          long amount = Long.parseLong(field(AMOUNT, value));
          // The work: the fee is 2.9 % of the amount, rounded down, plus 30 cents.
          long fee = amount * 29 / 1000 + 30;
          String result = String.format("{\"id\":\"%s\",\"account\":\"%s\",\"amountCents\":%d,\"feeCents\":%d}", field(ID, value), field(ACCOUNT, value), amount, fee);
          // Wait for the broker's acknowledgement of the result ...
          producer.send(new ProducerRecord<>(output, rec.key(), result)).get();
          // ... and only then mark the record done: the committed offset is the next one to read.
          consumer.commitSync(Map.of(new TopicPartition(rec.topic(), rec.partition()), new OffsetAndMetadata(rec.offset() + 1)));
        }
      }
    }
  }
}
