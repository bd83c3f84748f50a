// Throughput-budget lab, reference solution in Java: the producer batches per partition for up to
// 100 ms (linger.ms) in batches of up to 128 KiB, compresses each batch with lz4, and is idempotent
// (acks=all), so the resend after a lost response is written once.
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
  // The pings are flat JSON objects; the vehicle id is a plain string.
  private static final Pattern VEHICLE = Pattern.compile("\"vehicle\"\\s*:\\s*\"([^\"]+)\"");

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
    // Batching: a partition's batch waits up to 100 ms for more pings, well inside the 3 s budget.
    props.put(ProducerConfig.LINGER_MS_CONFIG, "100");
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, "131072");
    // Compression works per batch: the fuller the batch, the more it saves.
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    // Idempotence: a resent batch is recognised by producer id and sequence number. Implies acks=all.
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    // A response is lost mid-run: retry soon so the resend stays inside the latency budget.
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
        Matcher m = VEHICLE.matcher(line);
        if (!m.find()) throw new IllegalArgumentException("A ping without a vehicle: " + line);
        // send() only adds the record to its partition's batch; never wait for it here.
        producer.send(new ProducerRecord<>(topic, m.group(1), line), (meta, err) -> {
          if (err != null) failure.compareAndSet(null, err);
        });
      }
      producer.flush();
    }
    if (failure.get() != null) throw failure.get();
    System.out.println("published every ping");
  }
}
