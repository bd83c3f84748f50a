// Follows one run over Server-Sent Events (/api/runs/:id/events): state changes with the queue
// position, the learner's output as it is printed, and the end of the run. When the stream drops
// before the run is done, the caller falls back to polling GET /api/runs/:id.

/** A run's lifecycle states, in order. */
export const RUN_STATES = ['queued', 'starting-broker', 'running', 'grading', 'done'] as const;
export type RunState = (typeof RUN_STATES)[number];

export interface RunWatchHandlers {
  onState(state: RunState, position: number | null): void;
  onOutput(text: string, stream: 'stdout' | 'stderr'): void;
  /** The run finished (results are then read from GET /api/runs/:id). */
  onDone(): void;
  /** The event stream failed for good. */
  onLost(): void;
}

function parse(data: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(data) as unknown;
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function asState(v: unknown): RunState | null {
  return typeof v === 'string' && (RUN_STATES as readonly string[]).includes(v) ? (v as RunState) : null;
}

/** Opens the event stream; returns a function that closes it. */
export function watchRun(runId: string, h: RunWatchHandlers): () => void {
  const es = new EventSource(`/api/runs/${encodeURIComponent(runId)}/events`);
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    es.close();
    h.onDone();
  };
  const handleState = (d: Record<string, unknown>) => {
    const state = asState(d.state);
    if (!state) return;
    const position = typeof d.position === 'number' ? d.position : null;
    h.onState(state, position);
    if (state === 'done') finish();
  };
  const handleOutput = (d: Record<string, unknown>) => {
    const text = typeof d.text === 'string' ? d.text : typeof d.chunk === 'string' ? d.chunk : typeof d.line === 'string' ? `${d.line}\n` : null;
    if (text !== null) h.onOutput(text, d.stream === 'stderr' ? 'stderr' : 'stdout');
  };
  es.addEventListener('state', (e) => {
    const d = parse((e as MessageEvent<string>).data);
    if (d) handleState(d);
  });
  es.addEventListener('output', (e) => {
    const d = parse((e as MessageEvent<string>).data);
    if (d) handleOutput(d);
  });
  for (const name of ['result', 'results', 'done']) {
    es.addEventListener(name, () => {
      h.onState('done', null);
      finish();
    });
  }
  // Servers that send unnamed events: tell them apart by their fields.
  es.onmessage = (e) => {
    const d = parse(e.data);
    if (!d) return;
    if (d.type === 'output' || 'text' in d || 'chunk' in d) handleOutput(d);
    else if ('state' in d) handleState(d);
    else if ('results' in d || 'tests' in d) {
      h.onState('done', null);
      finish();
    }
  };
  es.onerror = () => {
    // EventSource retries on its own; give up only once the browser has closed the stream.
    if (es.readyState === EventSource.CLOSED && !finished) {
      finished = true;
      h.onLost();
    }
  };
  return () => {
    finished = true;
    es.close();
  };
}
