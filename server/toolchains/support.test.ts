// What Lag Zero says about its learner languages: all available on a provisioned machine, and for
// a machine without a JDK or a venv, which is missing and how to get it. Also that the install
// step never fails for a missing toolchain. No broker and no sandbox are needed.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KAFKA_VERSION, REPO_ROOT } from '../kafka/version.ts';
import { CONFLUENT_KAFKA_VERSION } from './provision.mjs';
import { toolchainSupport } from './support.ts';

const emptyPath = () => mkdtempSync(join(tmpdir(), 'lz-empty-path-'));

/** A repository root with the poms and sources provisioning reads, and an empty cache. */
function bareRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'lz-root-'));
  for (const rel of ['server/kafka/pom.xml', 'server/kafka/provision.mjs', 'server/toolchains/pom.xml', 'server/toolchains/provision.mjs', 'server/toolchains/java/CompileServer.java', 'server/toolchains/java/CdsTraining.java', 'scripts/provision-toolchains.mjs']) {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    copyFileSync(join(REPO_ROOT, rel), join(root, rel));
  }
  return root;
}

describe('toolchainSupport', () => {
  it('lists TypeScript, Java and Python as available on this provisioned machine, with their client versions', () => {
    const support = toolchainSupport();
    expect(support.map((s) => [s.language, s.available])).toEqual([['typescript', true], ['java', true], ['python', true]]);
    expect(support[1].runtime).toMatch(new RegExp(`^Java 17\\.[\\d.]+, kafka-clients-${KAFKA_VERSION.replace(/\./g, '\\.')}, slf4j-simple-1\\.7\\.36$`));
    expect(support[2].runtime).toBe(`Python ${/^3\.\d+\.\d+/.exec(spawnSync('/usr/bin/python3', ['-V'], { encoding: 'utf8' }).stdout.replace('Python ', ''))?.[0]}, confluent-kafka ${CONFLUENT_KAFKA_VERSION}`);
  });

  it('says how to get Java and Python when nothing is provisioned', () => {
    const [, java, python] = toolchainSupport(bareRoot());
    expect(java).toMatchObject({ available: false, problem: 'the Java client jars are not provisioned yet' });
    expect(java.fix).toMatch(/npm install/);
    expect(python).toMatchObject({ available: false, problem: expect.stringMatching(/venv with confluent-kafka .* is not provisioned/) });
    expect(python.fix).toMatch(/apt-get install python3-venv.*npm install/);
  });

  it('names the JDK package when no Java is on the machine', () => {
    const [, java] = toolchainSupport(REPO_ROOT, { PATH: emptyPath() });
    expect(java).toMatchObject({ available: false, problem: expect.stringMatching(/no Java runtime found/) });
    expect(java.fix).toMatch(/apt-get install openjdk-17-jdk-headless/);
  });
});

describe('provision-toolchains.mjs', () => {
  it('never fails the install: without java or python3 it says what to install and exits 0', () => {
    const root = bareRoot();
    const res = spawnSync(process.execPath, [join(root, 'scripts', 'provision-toolchains.mjs')], { encoding: 'utf8', env: { PATH: emptyPath() } });
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/\[java\] Java labs unavailable: no JDK 17\+ with javac found\. Install a JDK 17 .*openjdk-17-jdk-headless/);
    expect(res.stdout).toMatch(/\[python\] Python labs unavailable: python3 is not on PATH\. .*python3-venv/);
  });

  it('refuses an interpreter the sandbox UIDs cannot read (like pyenv under /root) and says why', () => {
    const privateDir = mkdtempSync(join(tmpdir(), 'lz-private-python-'));
    chmodSync(privateDir, 0o700);
    writeFileSync(join(privateDir, 'python3'), '#!/bin/sh\n', { mode: 0o755 });
    const root = bareRoot();
    const res = spawnSync(process.execPath, [join(root, 'scripts', 'provision-toolchains.mjs')], { encoding: 'utf8', env: { PATH: `${privateDir}:${emptyPath()}` } });
    expect(res.status).toBe(0);
    expect(res.stdout).toContain(`[python] Python labs unavailable: the python3 found (${join(privateDir, 'python3')}) is not readable by other users`);
  });
});
