// Pure layout of the run timeline: which lanes there are (one per topic-partition, sorted by topic
// then partition, plus one for group, transaction and refusal marks that name no partition), where
// each mark sits (x from its time, y from its lane), the fault lines across every lane, and the time
// ticks. The SVG component only draws what this returns, so the geometry is tested without a DOM.
import type { FaultRecord, TimelineEvent } from './results.ts';

export type TimelineKind = TimelineEvent['kind'];
/** A mark's drawn shape; each kind has its own, so colour is never the only difference. */
export type MarkShape = 'circle' | 'ring' | 'diamond' | 'diamond-open' | 'triangle-up' | 'cross' | 'triangle-right' | 'triangle-left' | 'square' | 'fault';

/** How each kind is named and drawn, in legend order. */
export const KIND_INFO: Record<TimelineKind, { label: string; shape: MarkShape }> = {
  produce: { label: 'Records written', shape: 'circle' },
  fetch: { label: 'Fetch', shape: 'ring' },
  commit: { label: 'Offset commit', shape: 'diamond' },
  'txn-offsets': { label: 'Offsets added to a transaction', shape: 'diamond-open' },
  'txn-commit': { label: 'Transaction committed', shape: 'triangle-up' },
  'txn-abort': { label: 'Transaction aborted', shape: 'cross' },
  join: { label: 'Group join', shape: 'triangle-right' },
  leave: { label: 'Group leave', shape: 'triangle-left' },
  refused: { label: 'Request refused', shape: 'square' },
  fault: { label: 'Injected fault', shape: 'fault' },
};
export const KIND_ORDER = Object.keys(KIND_INFO) as TimelineKind[];

/** Geometry in SVG user units (CSS pixels at 1:1). */
export const GEOMETRY = {
  labelWidth: 150,
  axisHeight: 34,
  laneHeight: 30,
  rightPad: 16,
  bottomPad: 8,
  minPlotWidth: 520,
  maxPlotWidth: 6000,
  pxPerSecond: 90,
  minTickGap: 70,
} as const;

/** Key of the lane for marks that name no partition. */
export const OTHER_LANE = 'other';

export interface Lane {
  key: string;
  /** Short text drawn at the lane's left; `title` is the full name. */
  label: string;
  title: string;
  topic?: string;
  partition?: number;
  /** Top edge and centre line. */
  y: number;
  mid: number;
}

export interface Mark {
  /** Position in time order; the keyboard walks marks in this order. */
  index: number;
  event: TimelineEvent;
  /** Lane key, or null for a fault (drawn across every lane, its handle on the axis). */
  lane: string | null;
  x: number;
  y: number;
  shape: MarkShape;
}

export interface FaultLine { index: number; x: number; top: number; bottom: number }
export interface Tick { x: number; ms: number; label: string }

export interface TimelineLayout {
  width: number;
  height: number;
  plotLeft: number;
  plotRight: number;
  /** End of the time axis, in ms (at least the last mark). */
  spanMs: number;
  lanes: Lane[];
  marks: Mark[];
  faults: FaultLine[];
  ticks: Tick[];
}

/** Lane key of a mark: "topic/partition", the shared lane, or null for a fault. */
export function laneKeyOf(e: TimelineEvent): string | null {
  if (e.kind === 'fault') return null;
  if (e.topic !== undefined && e.partition !== undefined) return `${e.topic}/${e.partition}`;
  return OTHER_LANE;
}

/**
 * The timeline with every fault of the fault schedule on it: older runs have no timeline, and a
 * fault missing from it (same time and detail) is added, so the picture never hides a fault.
 */
export function withFaults(timeline: readonly TimelineEvent[] | undefined, faults: readonly FaultRecord[] | undefined): TimelineEvent[] {
  const out = [...(timeline ?? [])];
  const have = new Set(out.filter((e) => e.kind === 'fault').map((e) => `${e.atMs}|${e.detail}`));
  for (const f of faults ?? []) {
    const atMs = Math.max(0, Math.round(f.atMs));
    const detail = `${f.kind}: ${f.detail}`;
    if (have.has(`${atMs}|${detail}`)) continue;
    have.add(`${atMs}|${detail}`);
    out.push({ atMs, kind: 'fault', detail, ...(f.instance ? { instance: f.instance } : {}) });
  }
  return out;
}

/** "850 ms", "1.25 s", "12.3 s", "2 min 5 s". */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(2).replace(/\.?0+$/, '')} s`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1).replace(/\.0$/, '')} s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return s ? `${m} min ${s} s` : `${m} min`;
}

const TICK_STEPS = [50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000];

/** The smallest step whose ticks are at least `minGap` px apart. */
export function tickStep(spanMs: number, plotWidth: number, minGap: number): number {
  for (const step of TICK_STEPS) if ((step / spanMs) * plotWidth >= minGap) return step;
  return TICK_STEPS[TICK_STEPS.length - 1];
}

function shorten(s: string, max: number): string {
  return s.length <= max ? s : `…${s.slice(s.length - (max - 1))}`;
}

/** Sorted lanes: topics by name, partitions by number; the shared lane last. */
function buildLanes(events: readonly TimelineEvent[]): Omit<Lane, 'y' | 'mid'>[] {
  const parts = new Map<string, { topic: string; partition: number }>();
  let other = false;
  for (const e of events) {
    const key = laneKeyOf(e);
    if (key === OTHER_LANE) other = true;
    else if (key !== null) parts.set(key, { topic: e.topic!, partition: e.partition! });
  }
  const sorted = [...parts.entries()].sort(([, a], [, b]) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
  const lanes: Omit<Lane, 'y' | 'mid'>[] = sorted.map(([key, p]) => ({
    key, topic: p.topic, partition: p.partition, title: `${p.topic} partition ${p.partition}`, label: `${shorten(p.topic, 16)} p${p.partition}`,
  }));
  if (other) lanes.push({ key: OTHER_LANE, label: 'group · txn', title: 'Group membership, transactions and refused requests' });
  return lanes;
}

/** Lays out a run's timeline marks (any order) for drawing. */
export function layoutTimeline(events: readonly TimelineEvent[], geometry: Partial<typeof GEOMETRY> = {}): TimelineLayout {
  const g = { ...GEOMETRY, ...geometry };
  // Stable sort by time: marks with the same time keep the order the server gave them.
  const ordered = events.map((event, i) => ({ event, i })).sort((a, b) => a.event.atMs - b.event.atMs || a.i - b.i).map((x) => x.event);
  const last = ordered.length ? ordered[ordered.length - 1].atMs : 0;
  const spanMs = Math.max(1000, Math.ceil((last * 1.02) / 100) * 100);
  const plotWidth = Math.min(g.maxPlotWidth, Math.max(g.minPlotWidth, Math.round((spanMs / 1000) * g.pxPerSecond)));
  const plotLeft = g.labelWidth;
  const plotRight = plotLeft + plotWidth;
  const xOf = (ms: number) => plotLeft + (ms / spanMs) * plotWidth;

  const lanes: Lane[] = buildLanes(ordered).map((l, i) => {
    const y = g.axisHeight + i * g.laneHeight;
    return { ...l, y, mid: y + g.laneHeight / 2 };
  });
  const laneY = new Map(lanes.map((l) => [l.key, l.mid]));
  const bottom = g.axisHeight + Math.max(1, lanes.length) * g.laneHeight;
  const faultHandleY = g.axisHeight - 8;

  const marks: Mark[] = ordered.map((event, index) => {
    const lane = laneKeyOf(event);
    return { index, event, lane, x: xOf(event.atMs), y: lane === null ? faultHandleY : laneY.get(lane)!, shape: KIND_INFO[event.kind].shape };
  });
  const faults: FaultLine[] = marks.filter((m) => m.lane === null).map((m) => ({ index: m.index, x: m.x, top: faultHandleY, bottom }));

  const step = tickStep(spanMs, plotWidth, g.minTickGap);
  const ticks: Tick[] = [];
  for (let ms = 0; ms <= spanMs; ms += step) ticks.push({ ms, x: xOf(ms), label: formatMs(ms) });

  return { width: plotRight + g.rightPad, height: bottom + g.bottomPad, plotLeft, plotRight, spanMs, lanes, marks, faults, ticks };
}

/** Where a mark is on the broker: "orders partition 2", or "" for marks that name no partition. */
export function placeOf(e: TimelineEvent): string {
  if (e.topic !== undefined && e.partition !== undefined) return `${e.topic} partition ${e.partition}`;
  return e.topic ?? '';
}

/** "40" or "40–42", or "" when the mark carries no offset. */
export function offsetsOf(e: TimelineEvent): string {
  if (e.firstOffset === undefined) return '';
  return e.lastOffset !== undefined && e.lastOffset !== e.firstOffset ? `${e.firstOffset}–${e.lastOffset}` : e.firstOffset;
}

/** The accessible name of a mark: kind, time and its sentence. */
export function markLabel(e: TimelineEvent): string {
  return `${KIND_INFO[e.kind].label} at ${formatMs(e.atMs)}: ${e.detail}`;
}

/** The fields a selected mark shows, in order, leaving out those it does not carry. */
export function markFields(e: TimelineEvent): [string, string][] {
  const rows: [string, string | undefined][] = [
    ['Kind', KIND_INFO[e.kind].label],
    ['Time', formatMs(e.atMs)],
    ['Instance', e.instance?.toString()],
    ['Topic', e.topic],
    ['Partition', e.partition?.toString()],
    ['Offsets', offsetsOf(e) || undefined],
    ['Group', e.group],
  ];
  return rows.filter((r): r is [string, string] => r[1] !== undefined && r[1] !== '');
}
