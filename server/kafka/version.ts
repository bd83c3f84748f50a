// The pinned Apache Kafka version, read once from server/kafka/pom.xml (the single place it is set)
// so the broker manager, health report, compose check and benchmarks all agree.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readPinnedVersions } from './provision.mjs';

/** Repository root (two levels above this file). */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const pinned = readPinnedVersions(REPO_ROOT);

/** The Apache Kafka version every part of Lag Zero uses (Maven jars, docker image, README). */
export const KAFKA_VERSION: string = pinned.kafka;

/** The log4j2 version of that Kafka release, used for the slf4j binding. */
export const LOG4J2_VERSION: string = pinned.log4j2;
