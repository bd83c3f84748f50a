// Throughput-budget lab: publish every vehicle ping that arrives on standard input to OUTPUT_TOPIC,
// keyed by its vehicle. Reading the input is done for you. This version works, but it waits for
// every ping's acknowledgement before sending the next, uncompressed: one request per ping.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

public class Main {
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
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    // TODO: no linger and no compression. Let batches fill for a while and compress them, without
    // letting any ping wait longer than the latency budget.
    props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");

    String topic = env("OUTPUT_TOPIC");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isBlank()) continue;
        Matcher m = VEHICLE.matcher(line);
        if (!m.find()) throw new IllegalArgumentException("A ping without a vehicle: " + line);
        // TODO: get() waits for this ping's acknowledgement, so every ping is its own request.
        producer.send(new ProducerRecord<>(topic, m.group(1), line)).get();
      }
      producer.flush();
    }
  }
}
