// The live side of runs: each run's events so far (state changes, queue positions, faults, output
// chunks, the final results) and who is listening. Subscribers that come late get the history
// first; a finished run's history stays for a while, then only the run store remembers it.
import type { RunEvent } from '../../labs/_kit/results.ts';

/** Output events kept per run for late subscribers. */
export const MAX_OUTPUT_EVENTS = 2000;
/** How long a finished run's live event history stays in memory. */
export const KEEP_FINISHED_MS = 10 * 60_000;

interface Live {
  events: RunEvent[];
  outputEvents: number;
  listeners: Set<(e: RunEvent) => void>;
}

/** Events of runs in progress (and recently finished). */
export interface EventHub {
  /** Starts keeping events for a new run. */
  open(id: string): void;
  emit(id: string, e: RunEvent): void;
  /** Stops live delivery (after `done`) and forgets the history after KEEP_FINISHED_MS. */
  close(id: string): void;
  /** The history plus a live subscription, or null when the hub no longer knows the run. */
  subscribe(id: string, listener: (e: RunEvent) => void): { history: RunEvent[]; unsubscribe: () => void } | null;
}

/** Creates an empty hub. */
export function createEventHub(): EventHub {
  const live = new Map<string, Live>();
  return {
    open: (id) => void live.set(id, { events: [], outputEvents: 0, listeners: new Set() }),
    emit(id, e) {
      const l = live.get(id);
      if (!l) return;
      if (e.type === 'output') {
        if (l.outputEvents >= MAX_OUTPUT_EVENTS) return;
        l.outputEvents++;
      }
      l.events.push(e);
      for (const fn of l.listeners) fn(e);
    },
    close(id) {
      live.get(id)?.listeners.clear();
      setTimeout(() => live.delete(id), KEEP_FINISHED_MS).unref();
    },
    subscribe(id, listener) {
      const l = live.get(id);
      if (!l) return null;
      if (!l.events.some((e) => e.type === 'done')) l.listeners.add(listener);
      return { history: [...l.events], unsubscribe: () => void l.listeners.delete(listener) };
    },
  };
}
