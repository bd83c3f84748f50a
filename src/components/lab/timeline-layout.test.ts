// The run timeline's geometry: lanes per partition, time scaling, fault lines across lanes, mark
// order for the keyboard, and faults from the schedule never missing from the picture.
import { describe, expect, it } from 'vitest';
import {
  GEOMETRY, OTHER_LANE, formatMs, layoutTimeline, markFields, offsetsOf, tickStep, withFaults,
} from './timeline-layout.ts';
import type { TimelineEvent } from './results.ts';

const ev = (atMs: number, kind: TimelineEvent['kind'], over: Partial<TimelineEvent> = {}): TimelineEvent => ({ atMs, kind, detail: `${kind} at ${atMs}`, ...over });
const produce = (atMs: number, topic: string, partition: number) => ev(atMs, 'produce', { topic, partition, instance: 1, firstOffset: '0', lastOffset: '2' });

describe('layoutTimeline lanes', () => {
  it('gives each topic-partition one lane, sorted by topic then partition number, and the shared lane last', () => {
    const l = layoutTimeline([
      produce(10, 'out', 10), produce(20, 'in', 1), produce(30, 'out', 2), ev(40, 'join', { group: 'g' }), produce(50, 'out', 2),
    ]);
    expect(l.lanes.map((x) => x.key)).toEqual(['in/1', 'out/2', 'out/10', OTHER_LANE]);
    expect(l.lanes.map((x) => x.y)).toEqual([0, 1, 2, 3].map((i) => GEOMETRY.axisHeight + i * GEOMETRY.laneHeight));
  });

  it('puts marks that name no partition in the shared lane and faults in no lane', () => {
    const l = layoutTimeline([ev(5, 'txn-commit'), ev(6, 'refused'), ev(7, 'fault'), ev(8, 'commit', { topic: 'in', partition: 0, firstOffset: '7', group: 'g' })]);
    expect(l.marks.map((m) => m.lane)).toEqual([OTHER_LANE, OTHER_LANE, null, 'in/0']);
    const other = l.lanes.find((x) => x.key === OTHER_LANE)!;
    expect(l.marks[0].y).toBe(other.mid);
    expect(l.marks[3].y).toBe(l.lanes.find((x) => x.key === 'in/0')!.mid);
  });

  it('has no shared lane when every mark names a partition', () => {
    expect(layoutTimeline([produce(1, 'a', 0)]).lanes.map((x) => x.key)).toEqual(['a/0']);
  });

  it('shortens long topic names in the label but keeps the full name in the title', () => {
    const [lane] = layoutTimeline([produce(1, 'lz-run-7f3a9c-orders-enriched', 3)]).lanes;
    expect(lane.label.length).toBeLessThanOrEqual(20);
    expect(lane.label.endsWith('p3')).toBe(true);
    expect(lane.title).toBe('lz-run-7f3a9c-orders-enriched partition 3');
  });
});

describe('layoutTimeline scaling', () => {
  it('maps time linearly onto the plot, from its left edge', () => {
    const l = layoutTimeline([produce(0, 't', 0), produce(2000, 't', 0), produce(4000, 't', 0)]);
    const [a, b, c] = l.marks.map((m) => m.x);
    expect(a).toBe(l.plotLeft);
    expect(b - a).toBeCloseTo(c - b, 6);
    expect(c).toBeLessThanOrEqual(l.plotRight);
    expect(c).toBeGreaterThan(l.plotRight - 0.05 * (l.plotRight - l.plotLeft));
  });

  it('grows with the run so dense runs get room (and scroll), within bounds', () => {
    const short = layoutTimeline([produce(500, 't', 0)]);
    const long = layoutTimeline([produce(30_000, 't', 0)]);
    const huge = layoutTimeline([produce(3_600_000, 't', 0)]);
    expect(short.plotRight - short.plotLeft).toBe(GEOMETRY.minPlotWidth);
    expect(long.plotRight - long.plotLeft).toBeGreaterThan(GEOMETRY.minPlotWidth);
    expect(huge.plotRight - huge.plotLeft).toBe(GEOMETRY.maxPlotWidth);
    expect(long.width).toBe(long.plotRight + GEOMETRY.rightPad);
  });

  it('spaces ticks at least the minimum gap apart and labels them in readable units', () => {
    const l = layoutTimeline([produce(12_000, 't', 0)]);
    expect(l.ticks[0]).toMatchObject({ ms: 0, x: l.plotLeft, label: '0 ms' });
    for (let i = 1; i < l.ticks.length; i++) expect(l.ticks[i].x - l.ticks[i - 1].x).toBeGreaterThanOrEqual(GEOMETRY.minTickGap);
    expect(l.ticks.at(-1)!.ms).toBeLessThanOrEqual(l.spanMs);
    expect(tickStep(10_000, 1000, 70)).toBe(1000);
    expect(tickStep(1000, 520, 70)).toBe(200);
  });

  it('draws an empty timeline with one axis and a one-second span', () => {
    const l = layoutTimeline([]);
    expect(l.marks).toEqual([]);
    expect(l.spanMs).toBe(1000);
    expect(l.height).toBe(GEOMETRY.axisHeight + GEOMETRY.laneHeight + GEOMETRY.bottomPad);
  });
});

describe('layoutTimeline fault lines and order', () => {
  it('draws each fault as a vertical line across every lane at its time', () => {
    const l = layoutTimeline([produce(100, 'a', 0), produce(200, 'b', 1), ev(1500, 'fault', { detail: 'program-kill: killed instance 1' }), ev(1600, 'leave', { group: 'g' })]);
    expect(l.faults).toHaveLength(1);
    const [f] = l.faults;
    const mark = l.marks[f.index];
    expect(mark.event.detail).toBe('program-kill: killed instance 1');
    expect(f.x).toBe(mark.x);
    expect(f.top).toBeLessThan(l.lanes[0].y);
    expect(f.bottom).toBe(l.lanes.at(-1)!.y + GEOMETRY.laneHeight);
    expect(f.x).toBeGreaterThan(l.marks[1].x);
    expect(f.x).toBeLessThan(l.marks[3].x);
  });

  it('orders marks by time, keeping the given order for equal times, and numbers them in that order', () => {
    const l = layoutTimeline([ev(30, 'leave', { detail: 'late' }), ev(10, 'join', { detail: 'first' }), ev(10, 'txn-commit', { detail: 'second' }), ev(20, 'fault', { detail: 'mid' })]);
    expect(l.marks.map((m) => m.event.detail)).toEqual(['first', 'second', 'mid', 'late']);
    expect(l.marks.map((m) => m.index)).toEqual([0, 1, 2, 3]);
    expect(l.marks.map((m) => m.shape)).toEqual(['triangle-right', 'triangle-up', 'fault', 'triangle-left']);
  });
});

describe('withFaults', () => {
  it('adds schedule faults the timeline lacks, and does not duplicate those it has', () => {
    const timeline = [produce(10, 'a', 0), ev(20, 'fault', { detail: 'program-kill: killed instance 1' })];
    const merged = withFaults(timeline, [
      { kind: 'program-kill', atMs: 20, detail: 'killed instance 1' },
      { kind: 'broker-restart', atMs: 900.4, detail: 'restarted the broker', durationMs: 3000 },
    ]);
    expect(merged.filter((e) => e.kind === 'fault').map((e) => [e.atMs, e.detail])).toEqual([
      [20, 'program-kill: killed instance 1'],
      [900, 'broker-restart: restarted the broker'],
    ]);
  });

  it('builds a faults-only timeline for runs stored before timelines existed', () => {
    expect(withFaults(undefined, [{ kind: 'program-restart', atMs: 5, detail: 'restarted', instance: 2 }])).toEqual([
      { atMs: 5, kind: 'fault', detail: 'program-restart: restarted', instance: 2 },
    ]);
    expect(withFaults(undefined, undefined)).toEqual([]);
  });
});

describe('mark text', () => {
  it('lists only the fields a mark carries, with an offset range', () => {
    const fields = markFields(produce(1250, 'out', 2));
    expect(fields).toEqual([['Kind', 'Records written'], ['Time', '1.25 s'], ['Instance', '1'], ['Topic', 'out'], ['Partition', '2'], ['Offsets', '0–2']]);
    expect(markFields(ev(5, 'join', { group: 'g' })).map(([k]) => k)).toEqual(['Kind', 'Time', 'Group']);
    expect(offsetsOf(ev(1, 'commit', { firstOffset: '7' }))).toBe('7');
  });

  it('formats times in ms, seconds and minutes', () => {
    expect([formatMs(850), formatMs(1000), formatMs(1250), formatMs(12_340), formatMs(125_000)]).toEqual(['850 ms', '1 s', '1.25 s', '12.3 s', '2 min 5 s']);
  });
});
