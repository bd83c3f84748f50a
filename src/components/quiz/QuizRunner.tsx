// The quiz runner island (/quiz/play/?id=…): loads the attempt from the server, shows one question
// at a time (or all), saves each answer as it changes, counts down to the server's deadline, and
// when time runs out lets the server close the attempt, then shows the results. A reload picks up
// the same attempt with its saved answers, the question the learner was on and the time the server
// says is left.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { recordGuestQuiz, quizToken } from '../../lib/guest-store.ts';
import { MockLabCard } from './MockLabCard.tsx';
import { ApiError, apiJson, currentUser, type AuthUser } from '../../lib/api-client.ts';
import { QuestionView } from './QuestionView.tsx';
import { QuizResults } from './QuizResults.tsx';
import { QuizTimer } from './QuizTimer.tsx';
import { attemptLabel, type Answer, type Attempt } from './types.ts';

const DEBOUNCE_MS = 700;

function isAnswered(a: Answer | undefined): boolean {
  if (!a) return false;
  if ('selected' in a) return a.selected.length > 0;
  if ('order' in a) return a.order.length > 0;
  if ('value' in a) return a.value.trim() !== '';
  return a.text.trim() !== '';
}

/** Remembers a guest's attempt (and its result) so the guest dashboard and sign-up import see it. */
function noteForGuest(a: Attempt, token: string) {
  recordGuestQuiz({
    id: a.id,
    token,
    mode: a.mode,
    label: attemptLabel(a),
    startedAt: a.startedAt,
    submittedAt: a.submittedAt,
    questionCount: a.questions.length,
    score: a.results?.score.pct ?? null,
    byPattern: Object.fromEntries((a.results?.byPattern ?? []).map((s) => [s.key, s.pct])),
    questionScores: a.results ? Object.fromEntries(a.results.questions.map((q) => [q.id, { pattern: q.pattern, score: q.score }])) : undefined,
  });
}

/** The runner; `attemptId` comes from the page URL. */
export default function QuizRunner() {
  const [id] = useState(() => new URLSearchParams(location.search).get('id') ?? '');
  const [attempt, setAttempt] = useState<Attempt | null>(null);
  const [syncedAt, setSyncedAt] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [user, setUser] = useState<AuthUser | null>(null);
  const [answers, setAnswers] = useState<Record<string, Answer>>({});
  const [saveStatus, setSaveStatus] = useState<Record<string, string>>({});
  const [current, setCurrent] = useState(0);
  const [showAll, setShowAll] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [closing, setClosing] = useState(false);
  const headings = useRef(new Map<number, HTMLHeadingElement>());
  const resultsHeading = useRef<HTMLHeadingElement | null>(null);
  const confirmButton = useRef<HTMLButtonElement | null>(null);
  const pending = useRef(new Map<string, { answer: Answer; timer: ReturnType<typeof setTimeout> | null }>());
  const focusOnRender = useRef<number | 'results' | null>(null);
  const positionRestored = useRef(false);

  const token = quizToken(id);
  const headers = token ? { 'x-quiz-token': token } : undefined;

  const accept = useCallback(
    (a: Attempt) => {
      setAttempt(a);
      setSyncedAt(performance.now());
      const next: Record<string, Answer> = {};
      for (const [qid, saved] of Object.entries(a.answers)) next[qid] = saved.answer;
      // Keep what the learner is typing right now if the server has an older copy.
      if (a.status === 'in_progress') for (const [qid, p] of pending.current) next[qid] = p.answer;
      setAnswers(next);
      if (!positionRestored.current) {
        positionRestored.current = true;
        setCurrent(Math.max(0, Math.min(a.questions.length - 1, a.currentPosition ?? 0)));
      }
      if (a.status === 'submitted') {
        focusOnRender.current = 'results';
        const t = token;
        if (t) void currentUser().then((u) => !u && noteForGuest(a, t));
      }
    },
    [token],
  );

  const load = useCallback(async () => {
    try {
      accept(await apiJson<Attempt>(`/api/quizzes/${encodeURIComponent(id)}`, { headers }));
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    }
  }, [id, accept]);

  // A mock interview's lab: its best run is read again on demand and whenever this tab regains focus
  // (the learner solves the lab in another tab); only the lab part is replaced, never the answers.
  const refreshLab = useCallback(async () => {
    try {
      const fresh = await apiJson<Attempt>(`/api/quizzes/${encodeURIComponent(id)}`, { headers });
      setAttempt((a) => (a ? { ...a, lab: fresh.lab } : a));
    } catch {
      // The next focus or click tries again.
    }
  }, [id]);
  useEffect(() => {
    if (!attempt?.lab) return;
    const onFocus = () => void refreshLab();
    window.addEventListener('focus', onFocus);
    return () => window.removeEventListener('focus', onFocus);
  }, [Boolean(attempt?.lab), refreshLab]);

  useEffect(() => {
    if (!id) {
      setError('No quiz was chosen. Start one from the quiz page.');
      return;
    }
    void currentUser().then(setUser);
    void load();
  }, []);

  // Move focus to the new question (or the results) after it renders, so keyboard and screen-reader
  // users land on what changed.
  useEffect(() => {
    const f = focusOnRender.current;
    if (f === null) return;
    focusOnRender.current = null;
    if (f === 'results') resultsHeading.current?.focus();
    else headings.current.get(f)?.focus();
  });

  useEffect(() => {
    if (confirming) confirmButton.current?.focus();
  }, [confirming]);

  const save = useCallback(
    async (qid: string, answer: Answer) => {
      setSaveStatus((s) => ({ ...s, [qid]: 'Saving…' }));
      try {
        await apiJson(`/api/quizzes/${encodeURIComponent(id)}/answers/${encodeURIComponent(qid)}`, { method: 'PUT', body: { answer }, headers });
        if (pending.current.get(qid)?.answer === answer) pending.current.delete(qid);
        setSaveStatus((s) => ({ ...s, [qid]: 'Saved' }));
      } catch (err) {
        pending.current.delete(qid);
        if (err instanceof ApiError && (err.code === 'quiz_expired' || err.code === 'quiz_submitted')) {
          setSaveStatus((s) => ({ ...s, [qid]: err.message }));
          await load();
          return;
        }
        setSaveStatus((s) => ({ ...s, [qid]: `Not saved: ${(err as Error).message}` }));
      }
    },
    [id, load],
  );

  const onAnswer = (qid: string, answer: Answer, opts: { debounce?: boolean } = {}) => {
    setAnswers((a) => ({ ...a, [qid]: answer }));
    const prev = pending.current.get(qid);
    if (prev?.timer) clearTimeout(prev.timer);
    if (opts.debounce) {
      const timer = setTimeout(() => void save(qid, answer), DEBOUNCE_MS);
      pending.current.set(qid, { answer, timer });
    } else {
      pending.current.set(qid, { answer, timer: null });
      void save(qid, answer);
    }
  };

  /** Sends every answer still waiting for its debounce. */
  const flush = async () => {
    const waits: Promise<void>[] = [];
    for (const [qid, p] of pending.current) {
      if (p.timer) {
        clearTimeout(p.timer);
        p.timer = null;
        waits.push(save(qid, p.answer));
      }
    }
    await Promise.all(waits);
  };

  const reveal = async (qid: string) => {
    await flush();
    try {
      const r = await apiJson<{ modelAnswer: string; keyPoints: string[] }>(`/api/quizzes/${encodeURIComponent(id)}/questions/${encodeURIComponent(qid)}/reveal`, { method: 'POST', headers });
      setAttempt((a) => (a ? { ...a, revealed: { ...a.revealed, [qid]: r } } : a));
      setAnswers((a) => (a[qid] ? a : { ...a, [qid]: { text: '' } }));
    } catch (err) {
      if (err instanceof ApiError && (err.code === 'quiz_expired' || err.code === 'quiz_submitted')) await load();
      else setSaveStatus((s) => ({ ...s, [qid]: (err as Error).message }));
    }
  };

  const submit = async () => {
    setBusy(true);
    await flush();
    try {
      accept(await apiJson<Attempt>(`/api/quizzes/${encodeURIComponent(id)}/submit`, { method: 'POST', headers }));
    } catch (err) {
      if (err instanceof ApiError && (err.code === 'quiz_expired' || err.code === 'quiz_submitted')) await load();
      else setError((err as Error).message);
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };

  // At zero the server closes the attempt on our next request; if our clock ran a little fast,
  // ask again once the server's remaining time has passed.
  const onExpire = useCallback(async () => {
    setClosing(true);
    await flush().catch(() => undefined);
    for (let i = 0; i < 10; i++) {
      try {
        const a = await apiJson<Attempt>(`/api/quizzes/${encodeURIComponent(id)}`, { headers });
        if (a.status === 'submitted') {
          accept(a);
          break;
        }
        await new Promise((r) => setTimeout(r, Math.min(5000, a.remainingMs + 250)));
      } catch {
        await new Promise((r) => setTimeout(r, 1500));
      }
    }
    setClosing(false);
  }, [id, accept]);

  if (error && !attempt)
    return (
      <div class="card" role="alert" data-testid="quiz-error">
        <p>{error}</p>
        <p><a href="/quiz/">Start a new quiz</a></p>
      </div>
    );
  if (!attempt) return <p aria-live="polite">Loading your quiz…</p>;

  const qs = attempt.questions;
  const running = attempt.status === 'in_progress';
  const answeredCount = qs.filter((q) => isAnswered(answers[q.id])).length;
  const go = (i: number) => {
    const next = Math.max(0, Math.min(qs.length - 1, i));
    focusOnRender.current = next;
    setCurrent(next);
    setConfirming(false);
    // Best effort: if this is lost, a reload just opens an earlier question.
    void apiJson(`/api/quizzes/${encodeURIComponent(id)}/position`, { method: 'PUT', body: { position: next }, headers }).catch(() => undefined);
  };

  return (
    <div class="quiz-runner" data-testid="quiz-runner" data-status={attempt.status}>
      <div class="quiz-head">
        <p class="muted">{attemptLabel(attempt)} · {qs.length} question{qs.length === 1 ? '' : 's'} · {Math.round(attempt.timeLimitSeconds / 60)} min</p>
        {running && <QuizTimer remainingMs={attempt.remainingMs} syncedAt={syncedAt} onExpire={() => void onExpire()} />}
      </div>
      {error && <p class="bad" role="alert">{error}</p>}
      {closing && running && <p role="status" data-testid="quiz-closing">Time is up. Submitting your saved answers…</p>}
      {running ? (
        <>
          <nav aria-label="Questions" class="quiz-nav">
            <ol>
              {qs.map((q, i) => (
                <li key={q.id}>
                  <button
                    type="button"
                    class={`quiz-nav-btn${isAnswered(answers[q.id]) ? ' answered' : ''}`}
                    aria-current={!showAll && i === current ? 'step' : undefined}
                    aria-label={`Question ${i + 1}${isAnswered(answers[q.id]) ? ', answered' : ', not answered'}`}
                    onClick={() => (showAll ? document.getElementById(`q-${q.id}-heading`)?.focus() : go(i))}
                  >
                    {i + 1}
                  </button>
                </li>
              ))}
            </ol>
            <label class="quiz-showall">
              <input type="checkbox" checked={showAll} onChange={(e) => setShowAll((e.currentTarget as HTMLInputElement).checked)} data-testid="quiz-show-all" /> Show all questions on one page
            </label>
          </nav>
          {attempt.lab && <MockLabCard lab={attempt.lab} onRefresh={() => void refreshLab()} />}
          <p class="muted" aria-live="polite">{answeredCount} of {qs.length} answered</p>
          {(showAll ? qs : [qs[current]]).map((q) => (
            <QuestionView
              key={q.id}
              q={q}
              index={qs.indexOf(q)}
              total={qs.length}
              answer={answers[q.id]}
              onAnswer={(a, o) => onAnswer(q.id, a, o)}
              revealed={attempt.revealed[q.id]}
              onReveal={() => void reveal(q.id)}
              disabled={closing}
              saveStatus={saveStatus[q.id]}
              headingRef={(el) => {
                if (el) headings.current.set(qs.indexOf(q), el);
              }}
            />
          ))}
          <div class="quiz-controls">
            {!showAll && (
              <>
                <button type="button" class="btn secondary" onClick={() => go(current - 1)} disabled={current === 0} data-testid="quiz-prev">
                  ← Previous
                </button>
                <button type="button" class="btn secondary" onClick={() => go(current + 1)} disabled={current === qs.length - 1} data-testid="quiz-next">
                  Next →
                </button>
              </>
            )}
            <span class="spacer" />
            {!confirming ? (
              <button type="button" class="btn" disabled={busy || closing} data-testid="quiz-submit" onClick={() => (answeredCount < qs.length ? setConfirming(true) : void submit())}>
                Submit quiz
              </button>
            ) : (
              <span role="group" aria-label="Confirm submission" class="quiz-confirm">
                <span>{qs.length - answeredCount} question{qs.length - answeredCount === 1 ? ' is' : 's are'} unanswered. Submit anyway?</span>{' '}
                <button type="button" class="btn" disabled={busy} onClick={() => void submit()} data-testid="quiz-submit-confirm" ref={confirmButton}>
                  Yes, submit
                </button>{' '}
                <button type="button" class="btn secondary" onClick={() => setConfirming(false)}>
                  Keep answering
                </button>
              </span>
            )}
          </div>
        </>
      ) : (
        <QuizResults attempt={attempt} signedIn={Boolean(user)} headingRef={(el) => (resultsHeading.current = el)} />
      )}
    </div>
  );
}
