// Loads the classes a typical learner program loads (producer, consumer, admin client, their configs,
// serializers, network client and the first requests) so that `-XX:DumpLoadedClassList` can list
// them for the sandbox's AppCDS archive (server/sandbox/java-cds.ts). It is pointed at a closed port:
// every client gives up after its short timeout, and nothing leaves the machine.
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

public final class CdsTraining {
  public static void main(String[] args) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", args[0]);
    p.put("key.serializer", StringSerializer.class.getName());
    p.put("value.serializer", StringSerializer.class.getName());
    p.put("key.deserializer", StringDeserializer.class.getName());
    p.put("value.deserializer", StringDeserializer.class.getName());
    p.put("group.id", "cds-training");
    p.put("max.block.ms", "1000");
    p.put("default.api.timeout.ms", "1000");
    p.put("request.timeout.ms", "1000");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      producer.send(new ProducerRecord<>("t", "k", "v"), (m, e) -> { }).get();
    } catch (Exception expected) {
      // no broker
    }
    Properties tx = new Properties();
    tx.putAll(p);
    tx.put("transactional.id", "cds-training");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(tx)) {
      producer.initTransactions();
    } catch (Exception expected) {
      // no broker
    }
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
      consumer.subscribe(List.of("t"));
      ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(500));
      records.forEach(r -> System.out.println(r.key()));
      consumer.commitSync(java.util.Map.of(new TopicPartition("t", 0), new OffsetAndMetadata(0)), Duration.ofMillis(500));
    } catch (Exception expected) {
      // no broker
    }
    try (Admin admin = Admin.create(p)) {
      admin.createTopics(List.of(new NewTopic("t", 1, (short) 1))).all().get();
    } catch (Exception expected) {
      // no broker
    }
  }
}
