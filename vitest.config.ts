// One test command for everything: unit tests beside the code, live tests against real Kafka
// brokers (*.live.test.ts), lab proofs, security tests and browser tests in tests/e2e.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['server/**/*.test.ts', 'labs/**/*.test.ts', 'src/**/*.test.ts', 'curriculum/**/*.test.ts', 'content/**/*.test.ts', 'tests/**/*.test.ts', 'scripts/**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**', '**/fixtures/**'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Two cores: live brokers and browsers compete for CPU, so keep file-level parallelism modest.
    maxWorkers: 2,
    pool: 'forks',
  },
});
