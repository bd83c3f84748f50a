// Real single-node KRaft brokers for lab runs, tests and benchmarks: the public API, implemented in
// three modules. install.ts resolves Java and the jars and prepares the template storage and the
// AppCDS archive; broker-process.ts starts, restarts and stops one broker JVM and waits until it is
// ready; watchdog.ts makes sure a broker never outlives its owner and sweeps ones left behind.
export { jvmFlags, newClusterId, renderBrokerProperties, type InstallOptions, type KafkaInstall } from './install.ts';
export { freePorts, prepareKafka, startBroker, type LocalBroker, type StartBrokerOptions, type StartupPhases } from './broker-process.ts';
export { defaultBrokersDir, sweepOrphanBrokers } from './watchdog.ts';
