// The run timeline under the results: an SVG with one lane per topic-partition (and one for group,
// transaction and refusal marks), time left to right, a shape and colour per kind of mark, and each
// injected fault as a line across every lane. The chart is one tab stop: arrow keys walk the marks
// in time order, Enter or a click shows a mark's sentence and fields below it. A table lists every
// mark in time order as the text alternative. Lane names sit in a column that stays in place while
// the plot scrolls sideways in its own box. Geometry comes from timeline-layout.ts.
import { useMemo, useRef, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import type { FaultRecord, TimelineEvent } from './results.ts';
import {
  GEOMETRY, KIND_INFO, KIND_ORDER, formatMs, layoutTimeline, markFields, markLabel, offsetsOf, placeOf, withFaults,
  type MarkShape, type TimelineKind,
} from './timeline-layout.ts';

const R = 6;
const PLOT_PAD = 12;

/** One mark's shape centred on (0, 0); the class on the enclosing group picks its colour. */
export function Shape({ shape, r = R }: { shape: MarkShape; r?: number }): JSX.Element {
  switch (shape) {
    case 'circle': return <circle r={r} class="tl-fill" />;
    case 'ring': return <circle r={r - 1.5} class="tl-stroke" fill="none" stroke-width="2" />;
    case 'diamond': return <path d={`M0 ${-r - 1}L${r + 1} 0L0 ${r + 1}L${-r - 1} 0Z`} class="tl-fill" />;
    case 'diamond-open': return <path d={`M0 ${-r}L${r} 0L0 ${r}L${-r} 0Z`} class="tl-stroke" fill="none" stroke-width="2" />;
    case 'triangle-up': return <path d={`M0 ${-r - 1}L${r + 1} ${r}L${-r - 1} ${r}Z`} class="tl-fill" />;
    case 'cross': return <path d={`M${-r} ${-r}L${r} ${r}M${r} ${-r}L${-r} ${r}`} class="tl-stroke" stroke-width="3" stroke-linecap="round" />;
    case 'triangle-right': return <path d={`M${-r} ${-r - 1}L${r + 1} 0L${-r} ${r + 1}Z`} class="tl-fill" />;
    case 'triangle-left': return <path d={`M${r} ${-r - 1}L${-r - 1} 0L${r} ${r + 1}Z`} class="tl-fill" />;
    case 'square': return <rect x={-r} y={-r} width={2 * r} height={2 * r} class="tl-fill" />;
    case 'fault': return <path d={`M${-r - 1} ${-r}L${r + 1} ${-r}L0 ${r + 1}Z`} class="tl-fill" />;
  }
}

function Legend({ counts }: { counts: Map<TimelineKind, number> }) {
  return (
    <ul class="tl-legend" aria-label="Legend">
      {KIND_ORDER.filter((k) => counts.has(k)).map((k) => (
        <li key={k}>
          <svg width="16" height="16" viewBox="-8 -8 16 16" aria-hidden="true" class={`tl-${k}`}><Shape shape={KIND_INFO[k].shape} /></svg>
          {KIND_INFO[k].label} ({counts.get(k)})
        </li>
      ))}
    </ul>
  );
}

/** The timeline of one run, or nothing when the run has no marks and no faults. */
export function RunTimeline({ timeline, faults }: { timeline?: TimelineEvent[]; faults?: FaultRecord[] }) {
  const events = useMemo(() => withFaults(timeline, faults), [timeline, faults]);
  const layout = useMemo(() => layoutTimeline(events), [events]);
  const [focusIndex, setFocusIndex] = useState(0);
  const [selected, setSelected] = useState<number | null>(null);
  const svg = useRef<SVGSVGElement>(null);
  const counts = useMemo(() => {
    const m = new Map<TimelineKind, number>();
    for (const e of events) m.set(e.kind, (m.get(e.kind) ?? 0) + 1);
    return m;
  }, [events]);
  if (events.length === 0) return null;

  const { marks } = layout;
  const chosen = selected === null ? null : marks[selected];

  const indexOf = (target: EventTarget | null): number | null => {
    const el = (target as Element | null)?.closest?.('[data-index]');
    return el ? Number(el.getAttribute('data-index')) : null;
  };
  const moveTo = (i: number) => {
    const next = Math.max(0, Math.min(marks.length - 1, i));
    setFocusIndex(next);
    svg.current?.querySelector<SVGGElement>(`[data-index="${next}"]`)?.focus();
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const i = indexOf(e.target);
    if (i === null) return;
    const moves: Record<string, number> = { ArrowRight: i + 1, ArrowDown: i + 1, ArrowLeft: i - 1, ArrowUp: i - 1, Home: 0, End: marks.length - 1 };
    if (e.key in moves) {
      e.preventDefault();
      moveTo(moves[e.key]);
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      setSelected(i);
    } else if (e.key === 'Escape') {
      setSelected(null);
    }
  };
  const onClick = (e: MouseEvent) => {
    const i = indexOf(e.target);
    if (i === null) return;
    setFocusIndex(i);
    setSelected(i);
  };

  const faultCount = counts.get('fault') ?? 0;
  // Lane names stay put in their own column while the plot scrolls sideways; the plot keeps a
  // little room left of time zero so a mark there is not cut in half.
  const labelsWidth = layout.plotLeft - PLOT_PAD;
  const plotWidth = layout.width - labelsWidth;
  const seconds = formatMs(layout.spanMs);
  return (
    <section class="timeline" aria-labelledby="timeline-heading" data-testid="timeline">
      <h3 id="timeline-heading">Run timeline</h3>
      <p class="muted tl-help" id="timeline-help">
        What your program did on the wire, one lane per partition, over {seconds}; injected faults are vertical lines.
        Click a mark, or Tab to the chart, move with the arrow keys and press Enter.
      </p>
      <Legend counts={counts} />
      <div class="tl-box">
        <svg class="tl-labels" width={labelsWidth} height={layout.height} viewBox={`0 0 ${labelsWidth} ${layout.height}`} aria-hidden="true">
          {layout.lanes.map((lane, i) => (
            <g key={lane.key}>
              <rect x={0} y={lane.y} width={labelsWidth} height={GEOMETRY.laneHeight} class={i % 2 ? 'tl-band odd' : 'tl-band'} />
              <text x={6} y={lane.mid + 4} class="tl-lane-label"><title>{lane.title}</title>{lane.label}</text>
            </g>
          ))}
        </svg>
      <div class="tl-scroll" data-testid="timeline-scroll">
        <svg
          ref={svg}
          class="tl-chart"
          width={plotWidth}
          height={layout.height}
          viewBox={`${labelsWidth} 0 ${plotWidth} ${layout.height}`}
          role="group"
          aria-label={`Run timeline: ${marks.length} marks on ${layout.lanes.length} lane${layout.lanes.length === 1 ? '' : 's'}, ${faultCount} fault${faultCount === 1 ? '' : 's'}`}
          aria-describedby="timeline-help"
          onKeyDown={onKeyDown}
          onClick={onClick}
          data-testid="timeline-svg"
        >
          {layout.lanes.map((lane, i) => (
            <g key={lane.key} class="tl-lane" data-lane={lane.key}>
              <title>{lane.title}</title>
              <rect x={labelsWidth} y={lane.y} width={plotWidth} height={GEOMETRY.laneHeight} class={i % 2 ? 'tl-band odd' : 'tl-band'} />
              <line x1={layout.plotLeft} x2={layout.plotRight} y1={lane.mid} y2={lane.mid} class="tl-lane-line" />
            </g>
          ))}
          <g class="tl-axis" aria-hidden="true">
            {layout.ticks.map((t) => (
              <g key={t.ms}>
                <line x1={t.x} x2={t.x} y1={12} y2={layout.height - 8} class="tl-tick" />
                <text x={t.x + 3} y={11} class="tl-tick-label">{t.label}</text>
              </g>
            ))}
          </g>
          {layout.faults.map((f) => (
            <line key={f.index} x1={f.x} x2={f.x} y1={f.top} y2={f.bottom} class="tl-fault-line" data-testid="timeline-fault-line" />
          ))}
          {marks.map((m) => (
            <g
              key={m.index}
              class={`tl-mark tl-${m.event.kind}${selected === m.index ? ' selected' : ''}`}
              transform={`translate(${m.x.toFixed(1)} ${m.y})`}
              data-index={m.index}
              data-kind={m.event.kind}
              role="button"
              // Lowercase: Preact sets SVG attributes verbatim, and an SVG element's "tabIndex" attribute is not its tabindex.
              tabindex={m.index === focusIndex ? 0 : -1}
              aria-label={markLabel(m.event)}
              aria-pressed={selected === m.index}
              onFocus={() => setFocusIndex(m.index)}
            >
              <circle r={R + 4} class="tl-hit" />
              <Shape shape={m.shape} />
            </g>
          ))}
        </svg>
      </div>
      </div>
      <div class="tl-detail" aria-live="polite" data-testid="timeline-detail">
        {chosen ? (
          <>
            <p><strong>{chosen.event.detail}</strong></p>
            <dl>
              {markFields(chosen.event).map(([k, v]) => (
                <div key={k}><dt>{k}</dt><dd>{v}</dd></div>
              ))}
            </dl>
          </>
        ) : (
          <p class="muted">No mark selected.</p>
        )}
      </div>
      <details class="tl-text" data-testid="timeline-text">
        <summary>Every mark in time order ({marks.length})</summary>
        <div class="table-scroll">
          <table>
            <caption class="sr-only">Run timeline as a table</caption>
            <thead>
              <tr><th scope="col">Time</th><th scope="col">Kind</th><th scope="col">Instance</th><th scope="col">Where</th><th scope="col">Offsets</th><th scope="col">Group</th><th scope="col">What happened</th></tr>
            </thead>
            <tbody>
              {marks.map((m) => (
                <tr key={m.index} data-kind={m.event.kind}>
                  <td>{formatMs(m.event.atMs)}</td>
                  <td>{KIND_INFO[m.event.kind].label}</td>
                  <td>{m.event.instance ?? ''}</td>
                  <td>{placeOf(m.event)}</td>
                  <td>{offsetsOf(m.event)}</td>
                  <td>{m.event.group ?? ''}</td>
                  <td>{m.event.detail}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </section>
  );
}
