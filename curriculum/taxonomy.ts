// The shared vocabulary of the curriculum: patterns, levels and quiz topics.
// Lessons, questions, labs, the quiz engine and the dashboard all tag content with these values,
// so a typo fails validation instead of silently creating a new category.
import { z } from 'zod';

/** The five core interview patterns; every lesson, question and lab belongs to exactly one. */
export const PATTERNS = ['producer', 'consumer', 'groups', 'exactly-once', 'operations'] as const;
export const patternSchema = z.enum(PATTERNS);
export type Pattern = z.infer<typeof patternSchema>;

/** Human titles for the patterns, in teaching order. */
export const PATTERN_TITLES: Record<Pattern, string> = {
  producer: 'Producer basics and publishing',
  consumer: 'Consumers and offset management',
  groups: 'Partitioning and consumer groups',
  'exactly-once': 'Error handling and exactly-once',
  operations: 'Monitoring, tuning and operational resilience',
};

/** Difficulty levels, from a first Kafka job to a FAANG system-design loop. */
export const LEVELS = ['beginner', 'intermediate', 'advanced', 'expert'] as const;
export const levelSchema = z.enum(LEVELS);
export type Level = z.infer<typeof levelSchema>;

export const LEVEL_TITLES: Record<Level, string> = {
  beginner: 'Beginner',
  intermediate: 'Intermediate',
  advanced: 'Advanced',
  expert: 'Expert / FAANG',
};

/** Quiz topics. A lesson lists the topics it teaches; a question lists the topics it tests. */
export const TOPICS = [
  // architecture and storage
  'architecture', 'kraft', 'log-segments', 'page-cache', 'zero-copy',
  // producer
  'acks', 'batching', 'compression', 'keys-partitioners', 'send-callbacks', 'retries', 'ordering',
  'idempotence', 'transactions',
  // consumer
  'poll-loop', 'offset-commits', 'delivery-semantics', 'consumer-lag', 'pause-resume-seek',
  'auto-offset-reset', 'graceful-shutdown',
  // partitioning and groups
  'assignment-strategies', 'rebalancing', 'static-membership', 'kip-848', 'partition-count',
  'hot-partitions',
  // errors and exactly-once
  'retry-backoff', 'dead-letter', 'poison-messages', 'idempotent-consumers', 'read-committed',
  'consume-transform-produce', 'outbox',
  // replication
  'replication', 'isr', 'high-watermark', 'min-insync-replicas', 'unclean-election',
  // retention, schemas, ecosystem
  'retention', 'compaction', 'schemas', 'schema-evolution', 'kafka-streams', 'kafka-connect',
  // operations
  'metrics', 'lag-alerting', 'throughput-latency', 'capacity-planning', 'rolling-restarts',
  'reassignment', 'multi-dc', 'mirrormaker',
  // security, tenancy and the broker's internals
  'security', 'quotas', 'broker-internals', 'compatibility', 'timestamps', 'large-messages',
  // frameworks, testing and architecture on Kafka
  'spring-kafka', 'testing', 'resilience', 'event-sourcing', 'stream-processing', 'windowing',
  // comparisons and design
  'messaging-comparison', 'system-design',
] as const;
export const topicSchema = z.enum(TOPICS);
export type Topic = z.infer<typeof topicSchema>;
