// Unit tests for what Lag Zero tells a person about their Kafka set-up, the broker properties and
// JVM flags it renders, and the orphan sweep. No broker is started here.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, existsSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { jvmFlags, newClusterId, renderBrokerProperties, sweepOrphanBrokers } from './broker.ts';
import { diagnose, provision, readPinnedVersions } from './provision.mjs';
import { createKafkaRuntime } from './runtime.ts';
import { KAFKA_VERSION, REPO_ROOT } from './version.ts';

/** A PATH with no java and no mvn on it. */
const emptyPath = () => mkdtempSync(join(tmpdir(), 'lz-empty-path-'));

/** A fake repository root holding only the pom, so the jar cache is empty. */
function bareRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'lz-root-'));
  mkdirSync(join(root, 'server', 'kafka'), { recursive: true });
  copyFileSync(join(REPO_ROOT, 'server', 'kafka', 'pom.xml'), join(root, 'server', 'kafka', 'pom.xml'));
  return root;
}

describe('pinned version', () => {
  it('comes from the pom and is a 4.x release with a matching log4j2 binding', () => {
    const pinned = readPinnedVersions(REPO_ROOT);
    expect(pinned.kafka).toBe(KAFKA_VERSION);
    expect(KAFKA_VERSION).toMatch(/^4\.\d+\.\d+$/);
    const pom = readFileSync(join(REPO_ROOT, 'server', 'kafka', 'pom.xml'), 'utf8');
    expect(pom).toContain('<artifactId>log4j-slf4j-impl</artifactId>');
    expect(pom).not.toContain('log4j-slf4j2-impl');
    expect(pom).toMatch(/maven-dependency-plugin<\/artifactId>\s*<version>3\./);
  });
});

describe('diagnose', () => {
  it('says Java is missing and how to get it when java is not on PATH', () => {
    const d = diagnose({ root: REPO_ROOT, env: { PATH: emptyPath() } });
    expect(d.missing[0]).toMatch(/Java 17 or newer \(no java found on PATH\)/);
    expect(d.fix[0]).toMatch(/Install a JDK 17\+/);
    expect(d.fix[0]).toMatch(/docker compose/);
  });

  it('asks for Maven (or KAFKA_HOME, or compose) when the jars are not fetched and mvn is absent', () => {
    const d = diagnose({ root: bareRoot(), env: { PATH: emptyPath() } });
    const i = d.missing.findIndex((m) => m.includes('jars'));
    expect(d.missing[i]).toContain(`Kafka ${KAFKA_VERSION} jars`);
    expect(d.fix[i]).toMatch(/Install Maven 3\.8\+/);
    expect(d.fix[i]).toMatch(/KAFKA_HOME/);
    expect(d.source).toBeNull();
  });

  it('uses a KAFKA_HOME distribution and reads its version from the kafka jar name', () => {
    const home = mkdtempSync(join(tmpdir(), 'lz-kafka-home-'));
    mkdirSync(join(home, 'libs'));
    writeFileSync(join(home, 'libs', 'kafka_2.13-4.2.0.jar'), '');
    writeFileSync(join(home, 'libs', 'kafka_2.13-4.2.0-sources.jar'), '');
    const d = diagnose({ root: bareRoot(), env: { PATH: process.env.PATH }, kafkaHome: home });
    expect(d.source).toBe('kafka-home');
    expect(d.version).toBe('4.2.0');
    expect(d.libs).toBe(join(home, 'libs'));
  });

  it('rejects a KAFKA_HOME that is not a Kafka distribution', () => {
    const d = diagnose({ root: REPO_ROOT, env: { PATH: process.env.PATH }, kafkaHome: emptyPath() });
    expect(d.missing.join()).toMatch(/a Kafka distribution at KAFKA_HOME=/);
    expect(d.source).toBeNull();
  });
});

describe('provisioning script', () => {
  it('never fails the install: without java or mvn it explains and exits 0', () => {
    const root = bareRoot();
    mkdirSync(join(root, 'scripts'));
    copyFileSync(join(REPO_ROOT, 'scripts', 'provision-kafka.mjs'), join(root, 'scripts', 'provision-kafka.mjs'));
    copyFileSync(join(REPO_ROOT, 'server', 'kafka', 'provision.mjs'), join(root, 'server', 'kafka', 'provision.mjs'));
    const res = spawnSync(process.execPath, [join(root, 'scripts', 'provision-kafka.mjs')], { encoding: 'utf8', env: { PATH: emptyPath() } });
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/Java 17 or newer/);
    expect(res.stdout).toMatch(/Install Maven/);
    expect(existsSync(join(root, '.cache'))).toBe(false);
  });

  it('skips the download when an external cluster is configured', () => {
    const r = provision({ root: bareRoot(), env: { PATH: emptyPath(), KAFKA_BROKERS: '127.0.0.1:9092' } });
    expect(r.status).toBe('external');
  });
});

describe('runtime status', () => {
  it('reports unavailable with the fix, and acquire() rejects with the same message, when java is not on PATH', async () => {
    const config = loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'lz-data-')) }, REPO_ROOT);
    const kafka = createKafkaRuntime(config, { env: { PATH: emptyPath() } });
    const s = kafka.status();
    expect(s).toMatchObject({ mode: 'unavailable', version: KAFKA_VERSION, javaVersion: null, warmBrokers: 0, startingBrokers: 0 });
    expect(s.missing.join()).toMatch(/Java 17 or newer/);
    expect(s.fix.join()).toMatch(/JDK 17\+/);
    await expect(kafka.acquire()).rejects.toThrow(/Missing: Java 17 or newer.*Fix: Install a JDK 17\+/);
    await kafka.shutdown();
  });

  it('reports external mode and explains an unreachable cluster', async () => {
    const config = loadConfig({ KAFKA_BROKERS: '127.0.0.1:1' }, REPO_ROOT);
    const kafka = createKafkaRuntime(config);
    expect(kafka.status()).toMatchObject({ mode: 'external', source: 'external', version: KAFKA_VERSION });
    await expect(kafka.acquire()).rejects.toThrow(/Cannot reach the Kafka cluster at 127\.0\.0\.1:1.*KAFKA_BROKERS/);
    const s = kafka.status();
    expect(s.missing).toEqual(['a reachable Kafka cluster at KAFKA_BROKERS=127.0.0.1:1']);
    expect(s.fix[0]).toMatch(/docker compose up -d kafka/);
    await kafka.shutdown();
  });
});

describe('broker configuration', () => {
  const props = renderBrokerProperties({ port: 40001, controllerPort: 40002, dataDir: '/x/data' });
  const map = Object.fromEntries(props.trim().split('\n').map((l) => l.split(/=(.*)/s).slice(0, 2)));

  it('runs one combined KRaft node on loopback only, clients on PLAINTEXT', () => {
    expect(map['process.roles']).toBe('broker,controller');
    expect(map['controller.quorum.voters']).toBe('1@127.0.0.1:40002');
    expect(map.listeners).toBe('PLAINTEXT://127.0.0.1:40001,CONTROLLER://127.0.0.1:40002');
    expect(map['advertised.listeners']).toBe('PLAINTEXT://127.0.0.1:40001');
    expect(props).not.toContain('localhost');
  });

  it('lets groups and transactions work on a single node and keeps lab topics explicit', () => {
    expect(map).toMatchObject({
      'offsets.topic.replication.factor': '1',
      'transaction.state.log.replication.factor': '1',
      'transaction.state.log.min.isr': '1',
      'group.initial.rebalance.delay.ms': '0',
      'auto.create.topics.enable': 'false',
      'message.max.bytes': String(1024 * 1024),
    });
  });

  it('uses the small, fast-starting JVM set-up unless asked for the stock one', () => {
    const fast = jvmFlags({ optimised: true, cdsArchive: '/c/k.jsa' });
    expect(fast).toEqual(expect.arrayContaining(['-Xms128m', '-Xmx384m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-XX:-UsePerfData', '-XX:SharedArchiveFile=/c/k.jsa']));
    expect(jvmFlags({ optimised: true, trainArchive: '/c/t.jsa' })).toContain('-XX:ArchiveClassesAtExit=/c/t.jsa');
    const stock = jvmFlags({ optimised: false, cdsArchive: '/c/k.jsa' });
    expect(stock).toEqual(expect.arrayContaining(['-Xmx1G', '-XX:+UseG1GC']));
    expect(stock.join(' ')).not.toMatch(/SharedArchiveFile|SerialGC/);
  });

  it('makes valid KRaft cluster ids', () => {
    for (let i = 0; i < 200; i++) {
      const id = newClusterId();
      expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    }
  });
});

describe('sweepOrphanBrokers', () => {
  it('removes directories whose owner is dead and keeps those of a live owner', () => {
    const root = mkdtempSync(join(tmpdir(), 'lz-sweep-'));
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(dead.stdout);
    for (const [name, ownerPid] of [['orphan', deadPid], ['mine', process.pid]] as const) {
      mkdirSync(join(root, name, 'data'), { recursive: true });
      writeFileSync(join(root, name, 'owner.json'), JSON.stringify({ ownerPid, brokerPid: deadPid }));
    }
    mkdirSync(join(root, 'being-created'));
    expect(sweepOrphanBrokers(root)).toBe(1);
    expect(existsSync(join(root, 'orphan'))).toBe(false);
    expect(existsSync(join(root, 'mine'))).toBe(true);
    expect(existsSync(join(root, 'being-created'))).toBe(true);
  });
});
