// Keyed producer lab, reference solution in Java: every event keyed by its account, an idempotent
// producer (acks=all, producer id and sequence numbers), and a failed send ends the program loudly.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

public class Main {
  // The events are flat JSON objects; the account id is a plain string.
  private static final Pattern ACCOUNT = Pattern.compile("\"account\"\\s*:\\s*\"([^\"]+)\"");

  private static String env(String name) {
    String v = System.getenv(name);
    if (v == null || v.isEmpty()) throw new IllegalStateException("Missing environment variable " + name);
    return v;
  }

  public static void main(String[] args) throws Exception {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, env("KAFKA_BROKERS"));
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    // Idempotence: the broker drops a resent batch it already wrote, and keeps order per partition
    // with up to 5 requests in flight. It requires (and would set) acks=all.
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    // The connection breaks mid-run: give up on a silent request soon and retry quickly.
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    props.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "100");
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");

    String topic = env("OUTPUT_TOPIC");
    AtomicReference<Exception> failure = new AtomicReference<>();
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isBlank()) continue;
        Matcher m = ACCOUNT.matcher(line);
        if (!m.find()) throw new IllegalArgumentException("An event without an account: " + line);
        // The default partitioner hashes the key (murmur2), so one account stays on one partition.
        producer.send(new ProducerRecord<>(topic, m.group(1), line), (meta, err) -> {
          if (err != null) failure.compareAndSet(null, err);
        });
      }
      producer.flush();
    }
    if (failure.get() != null) throw failure.get();
    System.out.println("published every event");
  }
}
