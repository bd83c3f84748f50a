// The page reads the server's SSE events by their contract type: the event name and the data's
// `type` must agree, and anything else is ignored rather than misread.
import { expect, it } from 'vitest';
import { emptyTimings, type RunResults } from '../../../labs/_kit/results.ts';
import { parseRunEvent, RUN_STATES } from './run-events.ts';

it('reads a done event with its results, and ignores data of another type or broken JSON', () => {
  const results: RunResults = {
    version: 3, status: 'pass', kind: 'passed', lab: 'keyed-producer', language: 'typescript', seed: 1, output: null, diagnostics: [],
    tests: [], faults: [], program: { instances: [] }, timeline: [], notes: [], timings: emptyTimings(),
  };
  const done = parseRunEvent('done', JSON.stringify({ type: 'done', results, at: 1 }));
  expect(done?.results.status).toBe('pass');
  expect(parseRunEvent('done', JSON.stringify({ type: 'state', state: 'done', at: 1 }))).toBeNull();
  expect(parseRunEvent('output', '{"type":"output"')).toBeNull();
});

it('lists the lifecycle in order, ending in done', () => {
  expect(RUN_STATES).toEqual(['queued', 'preparing', 'running', 'grading', 'done']);
});
