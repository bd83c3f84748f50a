// npm postinstall: fetch the pinned Apache Kafka broker jars from Maven Central into
// .cache/kafka/<version>/libs (skipped when cached, when KAFKA_HOME or KAFKA_BROKERS is set).
// It never fails the install: without Java 17+ or Maven it says what is missing and exits 0, and
// the site still serves lessons and quizzes while /api/health reports the same fix.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { provision } from '../server/kafka/provision.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
try {
  provision({ root, log: (line) => console.log(`[kafka] ${line}`) });
} catch (err) {
  console.log(`[kafka] provisioning skipped: ${err instanceof Error ? err.message : String(err)}`);
}
process.exit(0);
