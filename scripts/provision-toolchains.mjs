// npm postinstall, after provision-kafka.mjs: the Java client classpath (Maven Central) and the
// Python venv with confluent-kafka (PyPI) for learner programs. Like the Kafka step it never fails
// the install: a machine without a JDK or python3-venv installs fine and says how to get them.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { provisionJava, provisionPython } from '../server/toolchains/provision.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
for (const [name, step] of [['java', provisionJava], ['python', provisionPython]]) {
  try {
    step({ root, log: (line) => console.log(`[${name}] ${line}`) });
  } catch (err) {
    console.log(`[${name}] provisioning skipped: ${err instanceof Error ? err.message : String(err)}`);
  }
}
process.exit(0);
