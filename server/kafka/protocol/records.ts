// Kafka record batches (magic v2), as stored by the broker and carried in Produce and Fetch: the
// batch header (base offset, producer id and epoch, base sequence, transactional and control flags,
// compression codec, record count) and its records (key, value, headers, timestamp, offset).
// Decompression covers every codec a client may use: gzip (zlib), snappy (xerial framing or raw),
// lz4 (frame format) and zstd, through small pure-JavaScript decoders. Decoding is linear and
// bounded: callers pass limits on records, header counts and decompressed bytes, and a batch that
// exceeds one is reported, never decoded at any cost.
import { gunzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { Decompress as ZstdStream } from 'fzstd';
import { ProtocolError, Reader, Writer } from './codec.ts';

const require = createRequire(import.meta.url);
const snappy = require('snappyjs') as { uncompress(b: Buffer | Uint8Array, maxLength?: number): Uint8Array };
const lz4 = require('lz4js') as { decompress(b: Uint8Array, maxSize?: number): Uint8Array; decompressBound(b: Uint8Array): number };

/** Compression codecs by their id in the batch attributes. */
export const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type Codec = (typeof CODECS)[number];

/** A batch header. Offsets are bigints (64-bit). */
export interface BatchHeader {
  baseOffset: bigint;
  lastOffsetDelta: number;
  /** Bytes of the whole batch, header included. */
  sizeBytes: number;
  magic: number;
  codec: Codec;
  transactional: boolean;
  control: boolean;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
  baseTimestamp: bigint;
  maxTimestamp: bigint;
}

/** One record, with its absolute offset. */
export interface DecodedRecord {
  offset: bigint;
  timestamp: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: { key: string; value: Buffer | null }[];
}

/** A batch with its records (records empty when a limit stopped decoding). */
export interface DecodedBatch extends BatchHeader {
  records: DecodedRecord[];
  /** For a control batch: the marker it holds. */
  controlType?: 'abort' | 'commit' | 'other';
}

/** Bounds on what one decode may cost. */
export interface RecordLimits {
  /** Most headers accepted on one record. */
  maxHeadersPerRecord: number;
  /** Most decompressed bytes accepted for one batch. */
  maxBatchBytes: number;
}

export const DEFAULT_RECORD_LIMITS: Readonly<RecordLimits> = Object.freeze({ maxHeadersPerRecord: 64, maxBatchBytes: 8 * 1024 * 1024 });

/** A batch that broke a limit; the reader reports it to the learner instead of decoding it. */
export class RecordLimitError extends Error {
  override name = 'RecordLimitError';
  constructor(message: string, readonly offset: bigint) {
    super(message);
  }
}

const BATCH_HEADER_BYTES = 61;

/** Reads a batch header at the reader's position; null when fewer bytes than a header remain (a partial trailing batch). */
export function readBatchHeader(r: Reader): BatchHeader | null {
  if (r.remaining() < 12) return null;
  const start = r.pos;
  const baseOffset = r.int64();
  const batchLength = r.int32();
  if (r.remaining() < batchLength || batchLength < BATCH_HEADER_BYTES - 12) {
    r.pos = start;
    return null;
  }
  r.int32(); // partition leader epoch
  const magic = r.int8();
  if (magic !== 2) throw new ProtocolError(`record batch magic ${magic} (only v2 exists in Kafka 4)`);
  r.uint32(); // crc
  const attributes = r.int16();
  const lastOffsetDelta = r.int32();
  const baseTimestamp = r.int64();
  const maxTimestamp = r.int64();
  const producerId = r.int64();
  const producerEpoch = r.int16();
  const baseSequence = r.int32();
  const recordCount = r.int32();
  const codec = CODECS[attributes & 0x07];
  if (!codec) throw new ProtocolError(`unknown compression codec ${attributes & 0x07}`);
  return {
    baseOffset, lastOffsetDelta, sizeBytes: batchLength + 12, magic, codec,
    transactional: (attributes & 0x10) !== 0, control: (attributes & 0x20) !== 0,
    producerId, producerEpoch, baseSequence, recordCount, baseTimestamp, maxTimestamp,
  };
}

/** Batch headers only (no decompression): what the relay needs from Produce and Fetch data. */
export function batchHeaders(records: Buffer | null): BatchHeader[] {
  if (!records) return [];
  const r = new Reader(records);
  const out: BatchHeader[] = [];
  for (;;) {
    const start = r.pos;
    const h = readBatchHeader(r);
    if (!h) break;
    out.push(h);
    r.pos = start + h.sizeBytes;
  }
  return out;
}

function xerialOrRawSnappy(data: Buffer, max: number): Buffer {
  // Java and librdkafka frame snappy as xerial: magic, two versions, then [int32 length, block]*.
  if (data.length >= 16 && data.subarray(0, 8).equals(Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]))) {
    const parts: Buffer[] = [];
    let pos = 16;
    let total = 0;
    while (pos + 4 <= data.length) {
      const len = data.readInt32BE(pos);
      pos += 4;
      if (len < 0 || pos + len > data.length) throw new ProtocolError('truncated xerial snappy block');
      const block = Buffer.from(snappy.uncompress(data.subarray(pos, pos + len), max - total));
      total += block.length;
      if (total > max) throw new RecordLimitError(`a snappy batch decompresses to more than ${max} bytes`, 0n);
      parts.push(block);
      pos += len;
    }
    return Buffer.concat(parts);
  }
  return Buffer.from(snappy.uncompress(data, max));
}

/** Decompresses a batch's records section, refusing more than `max` bytes of output. */
export function decompressRecords(codec: Codec, data: Buffer, max: number): Buffer {
  try {
    switch (codec) {
      case 'none': return data;
      case 'gzip': return gunzipSync(data, { maxOutputLength: max });
      case 'snappy': return xerialOrRawSnappy(data, max);
      case 'lz4': {
        const bound = lz4.decompressBound(data);
        if (bound > max) throw new RecordLimitError(`an lz4 batch may decompress to more than ${max} bytes`, 0n);
        return Buffer.from(lz4.decompress(data, bound));
      }
      case 'zstd': {
        // Streamed block by block (at most 128 KiB each) and counted, so a zstd bomb stops just past
        // max. (Decoding into one max-sized buffer instead took about 290 ms per batch.)
        const chunks: Uint8Array[] = [];
        let total = 0;
        const stream = new ZstdStream((chunk) => {
          total += chunk.length;
          if (total > max) throw new RecordLimitError(`a zstd batch decompresses to more than ${max} bytes`, 0n);
          chunks.push(chunk);
        });
        stream.push(data, true);
        return Buffer.concat(chunks, total);
      }
    }
  } catch (err) {
    if (err instanceof RecordLimitError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new RecordLimitError(`a ${codec} batch decompresses to more than ${max} bytes`, 0n);
    throw new ProtocolError(`could not decompress a ${codec} batch: ${(err as Error).message}`);
  }
}

function readBytesVar(r: Reader): Buffer | null {
  const len = r.varint();
  return len < 0 ? null : r.bytesRaw(len);
}

/** Decodes every batch in a record set; throws RecordLimitError when a batch breaks a limit. */
export function decodeBatches(records: Buffer | null, limits: RecordLimits = DEFAULT_RECORD_LIMITS): DecodedBatch[] {
  if (!records) return [];
  const r = new Reader(records);
  const out: DecodedBatch[] = [];
  for (;;) {
    const start = r.pos;
    const h = readBatchHeader(r);
    if (!h) break;
    const end = start + h.sizeBytes;
    const body = decompressRecords(h.codec, records.subarray(r.pos, end), limits.maxBatchBytes);
    r.pos = end;
    const br = new Reader(body);
    const batch: DecodedBatch = { ...h, records: [] };
    if (h.recordCount > body.length) throw new ProtocolError(`batch at offset ${h.baseOffset} claims ${h.recordCount} records in ${body.length} bytes`);
    for (let i = 0; i < h.recordCount; i++) {
      const len = br.varint();
      const recEnd = br.pos + len;
      br.int8(); // attributes
      const tsDelta = br.varlong();
      const offDelta = br.varint();
      const key = readBytesVar(br);
      const value = readBytesVar(br);
      const count = br.varint();
      const offset = h.baseOffset + BigInt(offDelta);
      if (count > limits.maxHeadersPerRecord) {
        throw new RecordLimitError(`the record at offset ${offset} has ${count} headers; this lab reads at most ${limits.maxHeadersPerRecord} per record`, offset);
      }
      const headers: DecodedRecord['headers'] = [];
      for (let j = 0; j < count; j++) {
        const hk = readBytesVar(br);
        headers.push({ key: hk === null ? '' : hk.toString('utf8'), value: readBytesVar(br) });
      }
      br.pos = recEnd;
      batch.records.push({ offset, timestamp: h.baseTimestamp + tsDelta, key, value, headers });
    }
    if (h.control && batch.records[0]?.key && batch.records[0].key.length >= 4) {
      const type = batch.records[0].key.readInt16BE(2);
      batch.controlType = type === 0 ? 'abort' : type === 1 ? 'commit' : 'other';
    }
    out.push(batch);
  }
  return out;
}

/** Encodes one uncompressed, non-transactional batch (tests and the grader's own writes). */
export function encodeBatch(baseOffset: bigint, records: { key: Buffer | null; value: Buffer | null; headers?: { key: string; value: Buffer | null }[]; timestamp?: bigint }[], opts: { producerId?: bigint; producerEpoch?: number; baseSequence?: number; transactional?: boolean } = {}): Buffer {
  const now = records[0]?.timestamp ?? BigInt(Date.now());
  const body = new Writer();
  records.forEach((rec, i) => {
    const w = new Writer().int8(0).varlong((rec.timestamp ?? now) - now).varint(i);
    const put = (b: Buffer | null) => (b === null ? w.varint(-1) : w.varint(b.length).raw(b));
    put(rec.key);
    put(rec.value);
    w.varint(rec.headers?.length ?? 0);
    for (const h of rec.headers ?? []) {
      put(Buffer.from(h.key, 'utf8'));
      put(h.value);
    }
    const recBytes = w.concat();
    body.varint(recBytes.length).raw(recBytes);
  });
  const payload = body.concat();
  const afterCrc = new Writer()
    .int16(opts.transactional ? 0x10 : 0)
    .int32(records.length - 1)
    .int64(now)
    .int64(now)
    .int64(opts.producerId ?? -1n)
    .int16(opts.producerEpoch ?? -1)
    .int32(opts.baseSequence ?? -1)
    .int32(records.length)
    .raw(payload)
    .concat();
  const crc = crc32c(afterCrc);
  const head = new Writer().int32(0).int8(2).uint32(crc).concat();
  const batch = Buffer.concat([head, afterCrc]);
  return new Writer().int64(baseOffset).int32(batch.length).raw(batch).concat();
}

let crcTable: Uint32Array | undefined;

/** CRC-32C (Castagnoli), the checksum of record batches. */
export function crc32c(buf: Buffer): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
      let c = i;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
      crcTable[i] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < buf.length; i++) crc = crcTable[(crc ^ buf[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
