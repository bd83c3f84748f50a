// Live progress of a run: the steps queued → preparing → running → grading → done, the queue
// position, and the learner's output as it streams. The status line is an aria-live region; the
// output is a log that screen readers do not announce line by line. While the program runs, a
// countdown shows the time left of the lab's limit; it is a role=timer (silent) beside a polite
// live region that speaks only every few seconds (countdown.ts).
import { useEffect, useRef, useState } from 'preact/hooks';
import { RUN_STATES, type RunState } from './run-events.ts';
import { announcement, formatLeft, isAnnounced } from './countdown.ts';

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

/** Counts down `limit` seconds from when it mounts (the moment the run entered `running`). */
function RunCountdown({ limit }: { limit: number }) {
  const startedAt = useRef(performance.now());
  const [left, setLeft] = useState(limit);
  const [spoken, setSpoken] = useState(() => announcement(limit));
  useEffect(() => {
    let last = limit;
    const tick = () => {
      const now = Math.max(0, Math.ceil(limit - (performance.now() - startedAt.current) / 1000));
      if (now === last) return;
      last = now;
      setLeft(now);
      if (isAnnounced(now, limit)) setSpoken(announcement(now));
      if (now === 0) clearInterval(timer);
    };
    const timer = setInterval(tick, 250);
    return () => clearInterval(timer);
  }, [limit]);
  return (
    <p class={`run-countdown${left <= 10 ? ' low' : ''}`} data-testid="run-countdown" data-seconds-left={left}>
      <span id="run-countdown-label">time left:</span>{' '}
      <span role="timer" aria-labelledby="run-countdown-label" data-testid="run-countdown-clock">{formatLeft(left)}</span>
      <span class="muted"> of the {formatLeft(limit)} limit</span>
      <span class="sr-only" aria-live="polite" data-testid="run-countdown-announcement">{spoken}</span>
    </p>
  );
}

/** The progress panel (hidden until the first run); `timeLimitSeconds` drives the countdown. */
export function RunProgress({ progress, output, timeLimitSeconds }: { progress: Progress | null; output: string; timeLimitSeconds?: number }) {
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
      {progress?.state === 'running' && timeLimitSeconds !== undefined && <RunCountdown limit={timeLimitSeconds} />}
      {output && (
        <>
          <h3 class="output-heading">Your program's output</h3>
          <pre class="learner-output" role="log" aria-live="off" tabIndex={0} data-testid="run-output">{output}</pre>
        </>
      )}
    </section>
  );
}
