// Kafka's wire messages, described by Apache Kafka's own message specs (the JSON files under
// messages/, copied from kafka-clients 4.3.1, Apache License 2.0). Loading them here means every
// request and response version the broker accepts is decoded and encoded from one definition:
// the relay reads any client's requests (kafkajs, librdkafka, the Java client), the grader reads
// topics, and the admin code writes ACLs, credentials and quotas, all without a hand-written layout.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** An inclusive version range; `max` is Infinity for "N+", and `min > max` for "none". */
export interface VersionRange {
  min: number;
  max: number;
}

/** One field of a message or struct. */
export interface FieldSpec {
  /** camelCase name used in decoded objects (the spec's PascalCase name, first letter lowered). */
  name: string;
  /** Element type for arrays, else the type itself: a primitive or a struct name. */
  type: string;
  array: boolean;
  versions: VersionRange;
  nullable: VersionRange;
  tagged: VersionRange;
  tag?: number;
  default?: string;
  /** Nested fields when the type is a struct. */
  fields?: FieldSpec[];
}

/** A request, response, header or data message. */
export interface MessageSpec {
  name: string;
  apiKey?: number;
  type: 'request' | 'response' | 'header' | 'data';
  valid: VersionRange;
  flexible: VersionRange;
  fields: FieldSpec[];
}

const NONE: VersionRange = { min: 1, max: 0 };

/** Parses "3+", "0-5", "4" or "none". */
export function parseVersions(text: string | undefined): VersionRange {
  if (text === undefined || text === 'none') return NONE;
  const plus = /^(\d+)\+$/.exec(text);
  if (plus) return { min: Number(plus[1]), max: Infinity };
  const range = /^(\d+)-(\d+)$/.exec(text);
  if (range) return { min: Number(range[1]), max: Number(range[2]) };
  if (/^\d+$/.test(text)) return { min: Number(text), max: Number(text) };
  throw new Error(`Unknown version range "${text}" in a Kafka message spec`);
}

/** Whether `v` lies in the range. */
export function inRange(r: VersionRange, v: number): boolean {
  return v >= r.min && v <= r.max;
}

export const PRIMITIVES = new Set(['bool', 'int8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'float64', 'string', 'bytes', 'uuid', 'records']);

const camel = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

interface RawField {
  name: string;
  type: string;
  versions?: string;
  nullableVersions?: string;
  taggedVersions?: string;
  tag?: number;
  default?: string | number | boolean;
  fields?: RawField[];
}

function toField(raw: RawField, common: Map<string, RawField[]>): FieldSpec {
  const array = raw.type.startsWith('[]');
  const type = array ? raw.type.slice(2) : raw.type;
  const nested = raw.fields ?? (PRIMITIVES.has(type) ? undefined : common.get(type));
  if (!PRIMITIVES.has(type) && !nested) throw new Error(`Kafka message spec: field ${raw.name} has unknown type ${raw.type}`);
  return {
    name: camel(raw.name),
    type,
    array,
    versions: parseVersions(raw.versions),
    nullable: parseVersions(raw.nullableVersions),
    tagged: parseVersions(raw.taggedVersions),
    tag: raw.tag,
    default: raw.default === undefined ? undefined : String(raw.default),
    fields: nested?.map((f) => toField(f, common)),
  };
}

/** Parses one spec file's text (its // comments are allowed). */
export function parseMessageSpec(text: string): MessageSpec {
  const json = JSON.parse(text.replace(/^\s*\/\/.*$/gm, '')) as {
    name: string; apiKey?: number; type: MessageSpec['type']; validVersions: string; flexibleVersions?: string;
    fields: RawField[]; commonStructs?: { name: string; fields: RawField[] }[];
  };
  const common = new Map((json.commonStructs ?? []).map((s) => [s.name, s.fields] as const));
  return {
    name: json.name,
    apiKey: json.apiKey,
    type: json.type,
    valid: parseVersions(json.validVersions),
    flexible: parseVersions(json.flexibleVersions),
    fields: json.fields.map((f) => toField(f, common)),
  };
}

const MESSAGES_DIR = join(dirname(fileURLToPath(import.meta.url)), 'messages');
let specs: Map<string, MessageSpec> | undefined;

function all(): Map<string, MessageSpec> {
  if (!specs) {
    specs = new Map();
    for (const file of readdirSync(MESSAGES_DIR)) {
      if (!file.endsWith('.json')) continue;
      const spec = parseMessageSpec(readFileSync(join(MESSAGES_DIR, file), 'utf8'));
      specs.set(spec.name, spec);
    }
  }
  return specs;
}

/** A spec by name, e.g. "ProduceRequest"; throws for a message this project does not carry. */
export function messageSpec(name: string): MessageSpec {
  const s = all().get(name);
  if (!s) throw new Error(`No Kafka message spec named ${name} (see server/kafka/protocol/messages/)`);
  return s;
}

/** The request and response specs of an API key, or undefined when it is not carried here. */
export function apiSpecs(apiKey: number): { request: MessageSpec; response: MessageSpec } | undefined {
  for (const s of all().values()) {
    if (s.type === 'request' && s.apiKey === apiKey) {
      const response = all().get(s.name.replace(/Request$/, 'Response'));
      return response ? { request: s, response } : undefined;
    }
  }
  return undefined;
}

/** The API key of a request name such as "Produce". */
export function apiKeyOf(api: string): number {
  const key = messageSpec(`${api}Request`).apiKey;
  if (key === undefined) throw new Error(`${api}Request has no API key`);
  return key;
}
