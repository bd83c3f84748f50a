// Encodes and decodes Kafka messages from their specs (schema.ts): fixed-width integers, classic
// and compact (flexible-version) strings, bytes and arrays, nested structs, tagged fields, UUIDs and
// raw record sets. Decoded objects use camelCase field names; int64 values are bigints; `records`
// fields stay Buffers (records.ts decodes them). Decoding is linear in the input and bounds-checked:
// a truncated or hostile frame throws a ProtocolError instead of reading past the buffer.
import { inRange, messageSpec, type FieldSpec, type MessageSpec } from './schema.ts';

/** A frame that does not follow the spec. */
export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

/** A decoded message: field name → value. */
export type Message = Record<string, unknown>;

/** Reads primitives from a buffer, bounds-checked. */
export class Reader {
  pos: number;
  constructor(readonly buf: Buffer, start = 0, readonly end = buf.length) {
    this.pos = start;
  }
  private need(n: number): void {
    if (n < 0 || this.pos + n > this.end) throw new ProtocolError(`truncated frame: wanted ${n} bytes at ${this.pos}, have ${this.end - this.pos}`);
  }
  remaining(): number {
    return this.end - this.pos;
  }
  int8(): number { this.need(1); return this.buf.readInt8(this.pos++); }
  int16(): number { this.need(2); const v = this.buf.readInt16BE(this.pos); this.pos += 2; return v; }
  uint16(): number { this.need(2); const v = this.buf.readUInt16BE(this.pos); this.pos += 2; return v; }
  int32(): number { this.need(4); const v = this.buf.readInt32BE(this.pos); this.pos += 4; return v; }
  uint32(): number { this.need(4); const v = this.buf.readUInt32BE(this.pos); this.pos += 4; return v; }
  int64(): bigint { this.need(8); const v = this.buf.readBigInt64BE(this.pos); this.pos += 8; return v; }
  float64(): number { this.need(8); const v = this.buf.readDoubleBE(this.pos); this.pos += 8; return v; }
  bytesRaw(n: number): Buffer { this.need(n); const b = this.buf.subarray(this.pos, this.pos + n); this.pos += n; return b; }
  uvarint(): number {
    let value = 0;
    for (let shift = 0; shift <= 28; shift += 7) {
      this.need(1);
      const b = this.buf[this.pos++];
      value += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return value;
    }
    throw new ProtocolError('varint longer than 5 bytes');
  }
  varint(): number {
    const u = this.uvarint();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }
  varlong(): bigint {
    let value = 0n;
    for (let shift = 0n; shift <= 63n; shift += 7n) {
      this.need(1);
      const b = this.buf[this.pos++];
      value |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return (value >> 1n) ^ -(value & 1n);
    }
    throw new ProtocolError('varlong longer than 10 bytes');
  }
  uuid(): string { return this.bytesRaw(16).toString('hex'); }
}

/** Writes primitives into a growing list of chunks. */
export class Writer {
  private chunks: Buffer[] = [];
  private fixed(n: number, f: (b: Buffer) => void): this {
    const b = Buffer.allocUnsafe(n);
    f(b);
    this.chunks.push(b);
    return this;
  }
  int8(v: number) { return this.fixed(1, (b) => b.writeInt8(v)); }
  int16(v: number) { return this.fixed(2, (b) => b.writeInt16BE(v)); }
  uint16(v: number) { return this.fixed(2, (b) => b.writeUInt16BE(v)); }
  int32(v: number) { return this.fixed(4, (b) => b.writeInt32BE(v)); }
  uint32(v: number) { return this.fixed(4, (b) => b.writeUInt32BE(v)); }
  int64(v: bigint) { return this.fixed(8, (b) => b.writeBigInt64BE(v)); }
  float64(v: number) { return this.fixed(8, (b) => b.writeDoubleBE(v)); }
  raw(b: Buffer) { this.chunks.push(b); return this; }
  uvarint(v: number) {
    const out: number[] = [];
    let n = v;
    while (n >= 0x80) {
      out.push((n % 0x80) | 0x80);
      n = Math.floor(n / 0x80);
    }
    out.push(n);
    this.chunks.push(Buffer.from(out));
    return this;
  }
  varint(v: number) { return this.uvarint(v >= 0 ? v * 2 : -v * 2 - 1); }
  varlong(v: bigint) {
    let n = (v << 1n) ^ (v >> 63n);
    if (n < 0n) n += 1n << 64n;
    const out: number[] = [];
    while (n >= 0x80n) {
      out.push(Number(n & 0x7fn) | 0x80);
      n >>= 7n;
    }
    out.push(Number(n));
    this.chunks.push(Buffer.from(out));
    return this;
  }
  uuid(hex: string) { return this.raw(Buffer.from(hex.padStart(32, '0'), 'hex')); }
  concat(): Buffer { return Buffer.concat(this.chunks); }
  get length(): number { return this.chunks.reduce((n, c) => n + c.length, 0); }
}

function readPrimitive(r: Reader, type: string, nullable: boolean, flexible: boolean): unknown {
  switch (type) {
    case 'bool': return r.int8() !== 0;
    case 'int8': return r.int8();
    case 'int16': return r.int16();
    case 'uint16': return r.uint16();
    case 'int32': return r.int32();
    case 'uint32': return r.uint32();
    case 'int64': return r.int64();
    case 'float64': return r.float64();
    case 'uuid': return r.uuid();
    case 'string': {
      const len = flexible ? r.uvarint() - 1 : r.int16();
      if (len < 0) {
        if (!nullable) throw new ProtocolError('null in a non-nullable string');
        return null;
      }
      return r.bytesRaw(len).toString('utf8');
    }
    case 'bytes':
    case 'records': {
      const len = flexible ? r.uvarint() - 1 : r.int32();
      if (len < 0) {
        if (!nullable) throw new ProtocolError(`null in non-nullable ${type}`);
        return null;
      }
      return r.bytesRaw(len);
    }
    default: throw new ProtocolError(`unknown primitive ${type}`);
  }
}

function readValue(r: Reader, f: FieldSpec, version: number, flexible: boolean): unknown {
  const nullable = inRange(f.nullable, version);
  if (f.array) {
    const count = flexible ? r.uvarint() - 1 : r.int32();
    if (count < 0) {
      if (!nullable) throw new ProtocolError(`null array in ${f.name}`);
      return null;
    }
    // Every element takes at least one byte: a count beyond the frame is hostile, not a big array.
    if (count > r.remaining()) throw new ProtocolError(`array ${f.name} claims ${count} elements in ${r.remaining()} bytes`);
    const out: unknown[] = new Array(count);
    for (let i = 0; i < count; i++) out[i] = f.fields ? readStruct(r, f.fields, version, flexible) : readPrimitive(r, f.type, false, flexible);
    return out;
  }
  if (f.fields) {
    if (nullable && r.int8() < 0) return null;
    return readStruct(r, f.fields, version, flexible);
  }
  return readPrimitive(r, f.type, nullable, flexible);
}

function defaultOf(f: FieldSpec): unknown {
  if (f.array) return [];
  if (f.fields) return Object.fromEntries(f.fields.map((c) => [c.name, defaultOf(c)]));
  const d = f.default;
  switch (f.type) {
    case 'bool': return d === 'true';
    case 'int64': return BigInt(d ?? 0);
    case 'string': return d === 'null' ? null : (d ?? '');
    case 'bytes': case 'records': return d === 'null' ? null : Buffer.alloc(0);
    case 'uuid': return '0'.repeat(32);
    default: return d === undefined ? 0 : Number(d);
  }
}

function readStruct(r: Reader, fields: FieldSpec[], version: number, flexible: boolean): Message {
  const out: Message = {};
  for (const f of fields) {
    if (!inRange(f.versions, version)) continue;
    if (flexible && inRange(f.tagged, version)) {
      out[f.name] = defaultOf(f);
      continue;
    }
    out[f.name] = readValue(r, f, version, flexible);
  }
  if (flexible) {
    const count = r.uvarint();
    for (let i = 0; i < count; i++) {
      const tag = r.uvarint();
      const size = r.uvarint();
      const end = r.pos + size;
      const f = fields.find((x) => x.tag === tag && inRange(x.tagged, version) && inRange(x.versions, version));
      if (f) {
        const sub = new Reader(r.buf, r.pos, Math.min(end, r.end));
        out[f.name] = readValue(sub, f, version, true);
      }
      r.bytesRaw(size);
    }
  }
  return out;
}

function writePrimitive(w: Writer, type: string, value: unknown, flexible: boolean): void {
  switch (type) {
    case 'bool': w.int8(value ? 1 : 0); return;
    case 'int8': w.int8(Number(value ?? 0)); return;
    case 'int16': w.int16(Number(value ?? 0)); return;
    case 'uint16': w.uint16(Number(value ?? 0)); return;
    case 'int32': w.int32(Number(value ?? 0)); return;
    case 'uint32': w.uint32(Number(value ?? 0)); return;
    case 'int64': w.int64(BigInt((value as bigint | number | string | undefined) ?? 0)); return;
    case 'float64': w.float64(Number(value ?? 0)); return;
    case 'uuid': w.uuid(String(value ?? '')); return;
    case 'string': {
      if (value === null) {
        if (flexible) w.uvarint(0);
        else w.int16(-1);
        return;
      }
      const b = Buffer.from(String(value ?? ''), 'utf8');
      if (flexible) w.uvarint(b.length + 1);
      else w.int16(b.length);
      w.raw(b);
      return;
    }
    case 'bytes':
    case 'records': {
      if (value === null) {
        if (flexible) w.uvarint(0);
        else w.int32(-1);
        return;
      }
      const b = Buffer.isBuffer(value) ? value : Buffer.alloc(0);
      if (flexible) w.uvarint(b.length + 1);
      else w.int32(b.length);
      w.raw(b);
      return;
    }
    default: throw new ProtocolError(`unknown primitive ${type}`);
  }
}

function writeValue(w: Writer, f: FieldSpec, value: unknown, version: number, flexible: boolean): void {
  if (f.array) {
    if (value === null) {
      if (flexible) w.uvarint(0);
      else w.int32(-1);
      return;
    }
    const list = Array.isArray(value) ? value : [];
    if (flexible) w.uvarint(list.length + 1);
    else w.int32(list.length);
    for (const item of list) {
      if (f.fields) writeStruct(w, f.fields, (item ?? {}) as Message, version, flexible);
      else writePrimitive(w, f.type, item, flexible);
    }
    return;
  }
  if (f.fields) {
    if (inRange(f.nullable, version)) {
      if (value === null) {
        w.int8(-1);
        return;
      }
      w.int8(1);
    }
    writeStruct(w, f.fields, (value ?? {}) as Message, version, flexible);
    return;
  }
  writePrimitive(w, f.type, value, flexible);
}

function writeStruct(w: Writer, fields: FieldSpec[], obj: Message, version: number, flexible: boolean): void {
  const tagged: { tag: number; bytes: Buffer }[] = [];
  for (const f of fields) {
    if (!inRange(f.versions, version)) continue;
    const value = f.name in obj ? obj[f.name] : defaultOf(f);
    if (flexible && inRange(f.tagged, version)) {
      if (!(f.name in obj) || value === undefined) continue;
      const sub = new Writer();
      writeValue(sub, f, value, version, true);
      tagged.push({ tag: f.tag!, bytes: sub.concat() });
      continue;
    }
    writeValue(w, f, value, version, flexible);
  }
  if (flexible) {
    tagged.sort((a, b) => a.tag - b.tag);
    w.uvarint(tagged.length);
    for (const t of tagged) w.uvarint(t.tag).uvarint(t.bytes.length).raw(t.bytes);
  }
}

/** Decodes a message body (no size prefix, no header) at a version. */
export function decodeBody(spec: MessageSpec, version: number, r: Reader): Message {
  if (!inRange(spec.valid, version)) throw new ProtocolError(`${spec.name} version ${version} is outside ${spec.valid.min}-${spec.valid.max}`);
  return readStruct(r, spec.fields, version, inRange(spec.flexible, version));
}

/** Encodes a message body at a version. */
export function encodeBody(spec: MessageSpec, version: number, obj: Message): Buffer {
  const w = new Writer();
  writeStruct(w, spec.fields, obj, version, inRange(spec.flexible, version));
  return w.concat();
}

/** A request header, as clients send it. */
export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
}

/** Header version of a request: 2 for flexible versions, else 1. */
export function requestHeaderVersion(spec: MessageSpec, version: number): number {
  return inRange(spec.flexible, version) ? 2 : 1;
}

/** Header version of a response: 1 for flexible versions, else 0; ApiVersions always uses 0. */
export function responseHeaderVersion(spec: MessageSpec, version: number): number {
  if (spec.apiKey === 18) return 0;
  return inRange(spec.flexible, version) ? 1 : 0;
}

/** Reads the fixed part of a request header (api key, version, correlation id), without the client id. */
export function peekRequestHeader(frame: Buffer): { apiKey: number; apiVersion: number; correlationId: number } | null {
  if (frame.length < 8) return null;
  return { apiKey: frame.readInt16BE(0), apiVersion: frame.readInt16BE(2), correlationId: frame.readInt32BE(4) };
}

/** Decodes a whole request frame body (after the size prefix): header then body. */
export function decodeRequest(frame: Buffer, specFor: (apiKey: number) => MessageSpec | undefined): { header: RequestHeader; body: Message | null; spec?: MessageSpec } {
  const r = new Reader(frame);
  const apiKey = r.int16();
  const apiVersion = r.int16();
  const correlationId = r.int32();
  const clientIdLen = r.int16();
  const clientId = clientIdLen < 0 ? null : r.bytesRaw(clientIdLen).toString('utf8');
  const header: RequestHeader = { apiKey, apiVersion, correlationId, clientId };
  const spec = specFor(apiKey);
  if (!spec) return { header, body: null };
  if (requestHeaderVersion(spec, apiVersion) >= 2) readStruct(r, [], apiVersion, true);
  return { header, body: decodeBody(spec, apiVersion, r), spec };
}

/** Decodes a response frame body (after the size prefix) for a request of `spec`/`version`. */
export function decodeResponse(frame: Buffer, spec: MessageSpec, version: number): { correlationId: number; body: Message } {
  const r = new Reader(frame);
  const correlationId = r.int32();
  if (responseHeaderVersion(spec, version) >= 1) readStruct(r, [], version, true);
  return { correlationId, body: decodeBody(spec, version, r) };
}

/** Encodes a complete request frame, size prefix included. */
export function encodeRequest(api: string, version: number, correlationId: number, clientId: string, body: Message): Buffer {
  const spec = messageSpec(`${api}Request`);
  const w = new Writer().int16(spec.apiKey!).int16(version).int32(correlationId);
  const id = Buffer.from(clientId, 'utf8');
  w.int16(id.length).raw(id);
  if (requestHeaderVersion(spec, version) >= 2) w.uvarint(0);
  w.raw(encodeBody(spec, version, body));
  const payload = w.concat();
  const size = Buffer.allocUnsafe(4);
  size.writeInt32BE(payload.length);
  return Buffer.concat([size, payload]);
}

/** Encodes a complete response frame, size prefix included (the relay answers some requests itself). */
export function encodeResponse(spec: MessageSpec, version: number, correlationId: number, body: Message): Buffer {
  const w = new Writer().int32(correlationId);
  if (responseHeaderVersion(spec, version) >= 1) w.uvarint(0);
  w.raw(encodeBody(spec, version, body));
  const payload = w.concat();
  const size = Buffer.allocUnsafe(4);
  size.writeInt32BE(payload.length);
  return Buffer.concat([size, payload]);
}
