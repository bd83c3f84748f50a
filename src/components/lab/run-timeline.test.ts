// The timeline as the page renders it (server-side render of the component, no browser): an SVG
// group with one named mark per event, a line per fault, and a text alternative that lists every
// fault of the run's fault schedule.
import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { describe, expect, it } from 'vitest';
import { RunTimeline } from './RunTimeline.tsx';
import type { FaultRecord, TimelineEvent } from './results.ts';

const timeline: TimelineEvent[] = [
  { atMs: 120, kind: 'join', instance: 1, group: 'g', detail: 'instance 1 joined group g in generation 1' },
  { atMs: 300, kind: 'produce', instance: 1, topic: 'out', partition: 1, firstOffset: '0', lastOffset: '4', detail: 'instance 1 wrote 5 record(s) to out partition 1 at offset 0' },
  { atMs: 900, kind: 'fault', detail: 'program-kill: killed instance 1 right after a commit' },
  { atMs: 950, kind: 'commit', instance: 1, topic: 'in', partition: 0, firstOffset: '5', group: 'g', detail: 'instance 1 committed offset 5 of in partition 0 for group g' },
];
const faults: FaultRecord[] = [
  { kind: 'program-kill', atMs: 900, detail: 'killed instance 1 right after a commit', instance: 1 },
  { kind: 'program-restart', atMs: 1400, detail: 'started instance 2', instance: 2 },
];

describe('RunTimeline', () => {
  it('draws one named, focusable mark per event and one line per fault, faults from the schedule included', () => {
    const html = renderToString(h(RunTimeline, { timeline, faults }));
    expect(html).toMatch(/<svg[^>]*role="group"[^>]*aria-label="Run timeline: 5 marks on 3 lanes, 2 faults"/);
    expect(html.match(/role="button"/g)).toHaveLength(5);
    // Case-sensitive: on an SVG element only the lowercase attribute makes it focusable for every browser and axe.
    expect(html.match(/tabindex="0"/g)).toHaveLength(1);
    expect(html.match(/data-testid="timeline-fault-line"/g)).toHaveLength(2);
    expect(html).toContain('aria-label="Offset commit at 950 ms: instance 1 committed offset 5 of in partition 0 for group g"');
  });

  it('lists every mark in time order in its text alternative, with every fault of the schedule', () => {
    const html = renderToString(h(RunTimeline, { timeline, faults }));
    const table = html.slice(html.indexOf('data-testid="timeline-text"'));
    const kinds = [...table.matchAll(/<tr data-kind="([a-z-]+)"/g)].map((m) => m[1]);
    expect(kinds).toEqual(['join', 'produce', 'fault', 'commit', 'fault']);
    for (const f of faults) expect(table).toContain(`${f.kind}: ${f.detail}`);
    expect(table).toContain('0–4');
  });

  it('renders nothing for a run with no marks and no faults', () => {
    expect(renderToString(h(RunTimeline, { timeline: [], faults: [] }))).toBe('');
  });
});
