// The quiz builder island (/quiz/): practice by pattern, level and topic, a mock interview, or a
// review of missed questions that are due. Starting a quiz asks the server for an attempt (the
// server sets the deadline), remembers its token in this browser, then opens the runner.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { recordGuestQuiz, rememberQuizToken } from '../../lib/guest-store.ts';
import { apiJson, currentUser, type AuthUser } from '../../lib/api-client.ts';
import { QUESTION_TYPE_TITLES, attemptLabel, type Attempt } from './types.ts';

/** Per question: [pattern, level, topics, type] (passed in from the build so counts show instantly). */
export type BankIndex = [string, string, string[], string][];

interface Props {
  index: BankIndex;
  patterns: { id: string; title: string }[];
  levels: { id: string; title: string }[];
  topics: string[];
  /** Labs a mock interview can include. */
  labs?: { slug: string; title: string }[];
}

interface ReviewStatus {
  due: number;
  nextDueAt: number | null;
  items: { questionId: string }[];
}

/** Time limits offered, in seconds. */
const TIME_CHOICES = [60, 120, 300, 600, 900, 1200, 1800, 2700, 3600];
const timeLabel = (s: number) => (s < 60 ? `${s} seconds` : `${s / 60} minute${s === 60 ? '' : 's'}`);

/** The builder form. */
export default function QuizBuilder({ index, patterns, levels, topics, labs = [] }: Props) {
  const params = typeof location === 'undefined' ? new URLSearchParams() : new URLSearchParams(location.search);
  const pick = (key: string, allowed: string[]) => {
    const v = params.get(key);
    return v && allowed.includes(v) ? v : '';
  };
  const [mode, setMode] = useState<'practice' | 'mock'>(params.get('mode') === 'mock' ? 'mock' : 'practice');
  const [pattern, setPattern] = useState(() => pick('pattern', patterns.map((p) => p.id)));
  const [level, setLevel] = useState(() => pick('level', levels.map((l) => l.id)));
  const [topic, setTopic] = useState(() => pick('topic', topics));
  const [type, setType] = useState(() => pick('type', Object.keys(QUESTION_TYPE_TITLES)));
  const [count, setCount] = useState(10);
  const [lab, setLab] = useState(() => pick('lab', labs.map((l) => l.slug)));
  // ?seconds=N presets an exact limit (30 s to 3 h, the server's bounds), e.g. for a quick drill.
  const [seconds, setSeconds] = useState(() => {
    const n = Number(params.get('seconds'));
    return Number.isInteger(n) && n >= 30 && n <= 10800 ? n : 600;
  });
  const timeChoices = TIME_CHOICES.includes(seconds) ? TIME_CHOICES : [seconds, ...TIME_CHOICES].sort((a, b) => a - b);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [user, setUser] = useState<AuthUser | null | undefined>(undefined);
  const [review, setReview] = useState<ReviewStatus | null>(null);

  useEffect(() => {
    void currentUser().then((u) => {
      setUser(u);
      if (u) void apiJson<ReviewStatus>('/api/quizzes/review').then(setReview).catch(() => setReview(null));
    });
  }, []);

  const matching = useMemo(
    () => index.filter(([p, l, t, y]) => (!pattern || p === pattern) && (!level || l === level) && (!topic || t.includes(topic)) && (!type || y === type)).length,
    [index, pattern, level, topic, type],
  );
  const topicCounts = useMemo(() => {
    const m = new Map<string, number>();
    for (const [, , ts] of index) for (const t of ts) m.set(t, (m.get(t) ?? 0) + 1);
    return m;
  }, [index]);
  const available = mode === 'mock' ? index.length : matching;

  const start = async (body: Record<string, unknown>) => {
    setBusy(true);
    setError(null);
    try {
      const a = await apiJson<Attempt>('/api/quizzes', { method: 'POST', body });
      if (a.token) rememberQuizToken(a.id, a.token);
      if (!user && a.token)
        recordGuestQuiz({ id: a.id, token: a.token, mode: a.mode, label: attemptLabel(a), startedAt: a.startedAt, submittedAt: null, questionCount: a.questions.length, score: null, byPattern: {} });
      location.assign(`/quiz/play/?id=${encodeURIComponent(a.id)}`);
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };

  const onSubmit = (e: Event) => {
    e.preventDefault();
    const base = { count, timeLimitSeconds: seconds };
    void start(mode === 'mock' ? { mode: 'mock', ...base, ...(lab ? { lab } : {}) } : { mode: 'practice', ...base, ...(pattern ? { pattern } : {}), ...(level ? { level } : {}), ...(topic ? { topic } : {}), ...(type ? { type } : {}) });
  };

  return (
    <div class="quiz-builder">
      <form onSubmit={onSubmit} class="card" aria-labelledby="build-heading" data-testid="quiz-builder">
        <h2 id="build-heading" style="margin-top:0">Build a quiz</h2>
        <fieldset class="quiz-mode">
          <legend>Kind of quiz</legend>
          <label>
            <input type="radio" name="mode" value="practice" checked={mode === 'practice'} onChange={() => setMode('practice')} data-testid="quiz-mode-practice" /> Practice: choose pattern, level or topic
          </label>
          <label>
            <input type="radio" name="mode" value="mock" checked={mode === 'mock'} onChange={() => setMode('mock')} data-testid="quiz-mode-mock" /> Mock interview: a mix across all patterns, mostly intermediate and harder
          </label>
        </fieldset>
        {mode === 'practice' && (
          <div class="quiz-filters">
            <div>
              <label for="quiz-pattern">Pattern</label>
              <select id="quiz-pattern" value={pattern} onChange={(e) => setPattern((e.currentTarget as HTMLSelectElement).value)} data-testid="quiz-pattern">
                <option value="">Any pattern</option>
                {patterns.map((p) => (
                  <option value={p.id} key={p.id}>{p.title} ({index.filter(([x]) => x === p.id).length})</option>
                ))}
              </select>
            </div>
            <div>
              <label for="quiz-level">Level</label>
              <select id="quiz-level" value={level} onChange={(e) => setLevel((e.currentTarget as HTMLSelectElement).value)} data-testid="quiz-level">
                <option value="">Any level</option>
                {levels.map((l) => (
                  <option value={l.id} key={l.id}>{l.title} ({index.filter(([, x]) => x === l.id).length})</option>
                ))}
              </select>
            </div>
            <div>
              <label for="quiz-topic">Topic</label>
              <select id="quiz-topic" value={topic} onChange={(e) => setTopic((e.currentTarget as HTMLSelectElement).value)} data-testid="quiz-topic">
                <option value="">Any topic</option>
                {topics.map((t) => (
                  <option value={t} key={t} disabled={!topicCounts.get(t)}>{t} ({topicCounts.get(t) ?? 0})</option>
                ))}
              </select>
            </div>
            <div>
              <label for="quiz-type">Question type</label>
              <select id="quiz-type" value={type} onChange={(e) => setType((e.currentTarget as HTMLSelectElement).value)} data-testid="quiz-type">
                <option value="">Any type</option>
                {Object.entries(QUESTION_TYPE_TITLES).map(([id, title]) => (
                  <option value={id} key={id}>{title} ({index.filter(([, , , y]) => y === id).length})</option>
                ))}
              </select>
            </div>
          </div>
        )}
        {mode === 'mock' && labs.length > 0 && (
          <div class="quiz-filters">
            <div>
              <label for="quiz-lab">Include a lab (same timer)</label>
              <select id="quiz-lab" value={lab} onChange={(e) => setLab((e.currentTarget as HTMLSelectElement).value)} data-testid="quiz-lab">
                <option value="">No lab</option>
                {labs.map((l) => (
                  <option value={l.slug} key={l.slug}>{l.title}</option>
                ))}
              </select>
            </div>
          </div>
        )}
        <div class="quiz-filters">
          <div>
            <label for="quiz-count">Questions</label>
            <input id="quiz-count" type="number" min={1} max={50} value={count} onInput={(e) => setCount(Math.max(1, Math.min(50, Number((e.currentTarget as HTMLInputElement).value) || 1)))} data-testid="quiz-count" />
          </div>
          <div>
            <label for="quiz-time-limit">Time limit</label>
            <select id="quiz-time-limit" value={String(seconds)} onChange={(e) => setSeconds(Number((e.currentTarget as HTMLSelectElement).value))} data-testid="quiz-time-limit">
              {timeChoices.map((s) => (
                <option value={String(s)} key={s}>{timeLabel(s)}</option>
              ))}
            </select>
          </div>
        </div>
        <p class="muted" aria-live="polite" data-testid="quiz-available">
          {available === 0 ? 'No questions match these filters yet. Remove a filter.' : `${available} question${available === 1 ? '' : 's'} available; the quiz uses ${Math.min(available, count)}.`}
        </p>
        {error && <p class="bad" role="alert" data-testid="quiz-builder-error">{error}</p>}
        <button type="submit" class="btn" disabled={busy || available === 0} data-testid="quiz-start">
          {busy ? 'Starting…' : mode === 'mock' ? 'Start mock interview' : 'Start quiz'}
        </button>
        <p class="muted">The clock starts when you press start and is kept by the server: reloading the page does not stop it, and the quiz submits itself when time runs out.</p>
      </form>

      <section class="card" aria-labelledby="review-heading" data-testid="quiz-review">
        <h2 id="review-heading" style="margin-top:0">Review missed questions</h2>
        {user === undefined ? (
          <p class="muted">Checking your review schedule…</p>
        ) : !user ? (
          <p>A question you miss comes back the next day; each time you get it right it waits longer (3, then 7 days) before it leaves the list, and a new miss brings it back the next day. <a href="/signup/">Create an account</a> or <a href="/signin/">sign in</a> to use it; quizzes you take now as a guest move to your account.</p>
        ) : review && review.due > 0 ? (
          <>
            <p>{review.due} missed question{review.due === 1 ? ' is' : 's are'} due for review.</p>
            <button type="button" class="btn" disabled={busy} onClick={() => void start({ mode: 'review', count: Math.min(50, review.due), timeLimitSeconds: Math.max(120, Math.min(review.due, 50) * 90) })} data-testid="quiz-start-review">
              Start review ({review.due})
            </button>
          </>
        ) : review && review.nextDueAt ? (
          <p>Nothing is due right now. {review.items.length} question{review.items.length === 1 ? '' : 's'} scheduled; the next comes back on {new Date(review.nextDueAt).toLocaleString()}.</p>
        ) : (
          <p>No missed questions to review. Misses from your quizzes will show up here.</p>
        )}
      </section>
    </div>
  );
}
