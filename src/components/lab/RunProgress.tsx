// Live progress of a run: the steps queued → preparing → running → grading → done, the queue
// position, and the learner's output as it streams. The status line is an aria-live region; the
// output is a log that screen readers do not announce line by line.
import { RUN_STATES, type RunState } from './run-events.ts';

/** Where a run is now. */
export interface Progress { state: RunState; position: number | null }

const LABELS: Record<RunState, string> = {
  queued: 'Queued',
  preparing: 'Preparing your Kafka broker and topics',
  running: 'Running your program',
  grading: 'Grading',
  done: 'Done',
};

function statusLine(p: Progress): string {
  if (p.state === 'queued') return p.position && p.position > 0 ? `Queued: ${p.position} run${p.position === 1 ? '' : 's'} ahead of yours.` : 'Queued: your run starts next.';
  if (p.state === 'done') return 'Run finished. Results are below.';
  return `${LABELS[p.state]}…`;
}

/** The progress panel (hidden until the first run). */
export function RunProgress({ progress, output }: { progress: Progress | null; output: string }) {
  // Once done, every step is complete; before that the current one is highlighted.
  const current = !progress ? -1 : progress.state === 'done' ? RUN_STATES.length : RUN_STATES.indexOf(progress.state);
  return (
    <section class="run-progress" aria-label="Run progress" hidden={!progress} data-testid="run-progress" data-state={progress?.state}>
      <p role="status" aria-live="polite" class="run-status" data-testid="run-status">{progress ? statusLine(progress) : ''}</p>
      <ol class="steps">
        {RUN_STATES.map((s, i) => (
          <li key={s} class={i < current ? 'step past' : i === current ? 'step now' : 'step'} aria-current={i === current ? 'step' : undefined}>
            {LABELS[s]}
          </li>
        ))}
      </ol>
      {output && (
        <>
          <h3 class="output-heading">Your program's output</h3>
          <pre class="learner-output" role="log" aria-live="off" tabIndex={0} data-testid="run-output">{output}</pre>
        </>
      )}
    </section>
  );
}
