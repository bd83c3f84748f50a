// Follows one run over Server-Sent Events (/api/runs/:id/events): state changes with the queue
// position, the learner's output as it is printed, and the final results in the `done` event, so
// the page shows them without asking again. The events are the run contract's (labs/_kit/results.ts);
// the SSE event name is the event's type. When the stream drops before the run is done, the caller
// falls back to polling GET /api/runs/:id.
// Types only: the contract's zod schemas stay out of the page's bundle.
import type { RunEvent, RunResults, RunState } from '../../../labs/_kit/results.ts';

export type { RunState };

// A Record over the contract's states: the compiler fails here when the contract gains or loses one.
const ORDER: Record<RunState, number> = { queued: 0, preparing: 1, running: 2, grading: 3, done: 4 };
/** The run's lifecycle states, in order. */
export const RUN_STATES = (Object.keys(ORDER) as RunState[]).sort((a, b) => ORDER[a] - ORDER[b]);

export interface RunWatchHandlers {
  onState(state: RunState, position: number | null): void;
  onOutput(text: string, stream: 'stdout' | 'stderr'): void;
  /** The run finished, with its results. */
  onDone(results: RunResults): void;
  /** The event stream failed for good (or ended without results). */
  onLost(): void;
}

/** Reads one event's data; null when it is not the event it claims to be. */
export function parseRunEvent<T extends RunEvent['type']>(type: T, data: string): Extract<RunEvent, { type: T }> | null {
  try {
    const v = JSON.parse(data) as { type?: unknown } | null;
    return v && typeof v === 'object' && v.type === type ? (v as Extract<RunEvent, { type: T }>) : null;
  } catch {
    return null;
  }
}

/** Opens the event stream; returns a function that closes it. */
export function watchRun(runId: string, h: RunWatchHandlers): () => void {
  const es = new EventSource(`/api/runs/${encodeURIComponent(runId)}/events`);
  let finished = false;
  const end = (then: () => void) => {
    if (finished) return;
    finished = true;
    es.close();
    then();
  };
  const on = <T extends RunEvent['type']>(type: T, fn: (e: Extract<RunEvent, { type: T }>) => void) =>
    es.addEventListener(type, (msg) => {
      const e = parseRunEvent(type, (msg as MessageEvent<string>).data);
      if (e) fn(e);
    });
  on('state', (e) => {
    if (e.state in ORDER) h.onState(e.state, e.position ?? null);
  });
  on('output', (e) => h.onOutput(e.text, e.stream));
  on('done', (e) => end(() => h.onDone(e.results)));
  es.onerror = () => {
    // EventSource retries on its own; give up only once the browser has closed the stream.
    if (es.readyState === EventSource.CLOSED) end(() => h.onLost());
  };
  return () => {
    finished = true;
    es.close();
  };
}
