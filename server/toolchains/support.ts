// Which learner languages this machine can compile and run, and for a missing one a sentence on how
// to get it, for lab pages and /api/health (the way Kafka's own missing pieces are reported).
import { REPO_ROOT } from '../kafka/version.ts';
import { javaToolchain } from './java.ts';
import { pythonToolchain } from './python.ts';
import type { Language } from '../sandbox/launch.ts';

/** One language's availability. */
export interface LanguageSupport {
  language: Language;
  available: boolean;
  /** What runs it, e.g. "Java 17.0.15, kafka-clients 4.3.1" (when available). */
  runtime?: string;
  /** Why it is unavailable (when not). */
  problem?: string;
  /** How to get it, one sentence (when unavailable). */
  fix?: string;
}

/** Availability of every learner language, TypeScript first. Cheap after the first call (toolchains are cached once found). */
export function toolchainSupport(root = REPO_ROOT, env: NodeJS.ProcessEnv = process.env): LanguageSupport[] {
  const java = javaToolchain(root, env);
  const python = pythonToolchain(root);
  return [
    { language: 'typescript', available: true, runtime: `Node ${process.versions.node}, kafkajs` },
    java.ok
      ? { language: 'java', available: true, runtime: `Java ${java.toolchain.version}, ${java.toolchain.classpath.map((p) => p.replace(/^.*\//, '').replace(/\.jar$/, '')).filter((j) => /^kafka-clients|^slf4j-simple/.test(j)).join(', ')}` }
      : { language: 'java', available: false, problem: java.problem, fix: java.fix },
    python.ok
      ? { language: 'python', available: true, runtime: `Python ${python.toolchain.version}, confluent-kafka ${python.toolchain.confluentKafka}` }
      : { language: 'python', available: false, problem: python.problem, fix: python.fix },
  ];
}
