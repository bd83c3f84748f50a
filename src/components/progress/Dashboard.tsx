// The progress dashboard island: for a signed-in learner it shows /api/progress/dashboard; for a
// guest, the same view computed from this browser's guest store, with an invitation to sign up.
// Readiness per pattern and the last four weeks are drawn as SVG; every number is also in a table.
import { useEffect, useState } from 'preact/hooks';
import type { Dashboard as DashboardData } from '../../../server/progress/dashboard.ts';
import { guestDashboard, type CatalogItem } from '../../lib/guest-dashboard.ts';
import { readGuest, syncGuestProgress } from '../../lib/guest-store.ts';
import { apiJson, currentUser, type AuthUser } from '../../lib/api-client.ts';
import { attemptLabel } from '../quiz/types.ts';
import { BarChart } from './BarChart.tsx';
import { LANGUAGE_TITLES, languageTitle } from '../../lib/languages.ts';

interface Props {
  lessons: CatalogItem[];
  labs: CatalogItem[];
  questionCounts: Record<string, number>;
  levelTitles: Record<string, string>;
}

const pct = (n: number | null) => (n === null ? '–' : `${Math.round(n * 100)}%`);
function duration(seconds: number): string {
  const m = Math.round(seconds / 60);
  if (m < 60) return `${m} min`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}
/** "read/total", or a dash where there is nothing to count (no 0/0 noise). */
const ofTotal = (done: number, total: number) => (total === 0 ? '–' : `${done}/${total}`);
const labCounts = (l: { passed: number; attempted: number; total: number }) => (l.total === 0 ? '–' : `${l.passed}/${l.attempted}/${l.total}`);
const when = (ms: number | null) => (ms === null ? '–' : new Date(ms).toLocaleString());

function ActivityStrip({ days }: { days: DashboardData['streak']['days'] }) {
  const size = 18;
  const gap = 4;
  const activeCount = days.filter((d) => d.active).length;
  return (
    <figure class="activity" data-testid="activity-strip">
      <svg viewBox={`0 0 ${days.length * (size + gap)} ${size + 4}`} width="100%" style={{ maxWidth: `${days.length * (size + gap)}px` }} role="img" aria-label={`Active on ${activeCount} of the last ${days.length} days`}>
        {days.map((d, i) => (
          <rect key={d.date} x={i * (size + gap)} y={2} width={size} height={size} rx={3} fill={d.active ? 'var(--ok)' : 'var(--bg-soft)'} stroke="var(--border)">
            <title>{`${d.date}: ${d.active ? `active${d.seconds ? `, ${duration(d.seconds)}` : ''}` : 'no activity'}`}</title>
          </rect>
        ))}
      </svg>
      <figcaption class="muted">Last 4 weeks, oldest on the left; green days had activity.</figcaption>
    </figure>
  );
}

/** The dashboard. */
export default function Dashboard({ lessons, labs, questionCounts, levelTitles }: Props) {
  const [user, setUser] = useState<AuthUser | null | undefined>(undefined);
  const [data, setData] = useState<DashboardData | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const load = async () => {
      const u = await currentUser();
      setUser(u);
      if (!u) {
        setData(guestDashboard(readGuest(), { lessons, labs, questionCounts }));
        return;
      }
      // Merge any guest progress first so the numbers include it.
      await syncGuestProgress();
      try {
        setData(await apiJson<DashboardData>('/api/progress/dashboard'));
      } catch (err) {
        setError((err as Error).message);
      }
    };
    void load();
  }, []);

  if (error) return <p class="bad" role="alert">{error}</p>;
  if (!data || user === undefined) return <p aria-live="polite">Loading your progress…</p>;
  const t = data.totals;
  return (
    <div class="dashboard" data-testid="dashboard" data-signed-in={String(Boolean(user))}>
      {!user && (
        <div class="card guest-banner" data-testid="guest-banner">
          <p style="margin:0">
            You are browsing as a guest, so this progress lives only in this browser. <a href="/signup/">Create an account</a> (or <a href="/signin/">sign in</a>) to keep it: everything here moves to your account, and you get lab history, quiz history and spaced review of missed questions.
          </p>
        </div>
      )}
      <ul class="stats">
        <li class="card">
          <span class="stat" data-testid="streak-current">{data.streak.current}</span> day streak
          <span class="muted"> · longest {data.streak.longest}{data.streak.activeToday ? '' : ' · nothing yet today'}</span>
        </li>
        <li class="card"><span class="stat" data-testid="lessons-read">{t.lessonsRead}/{t.lessonsTotal}</span> lessons read</li>
        <li class="card"><span class="stat" data-testid="labs-passed">{t.labsPassed}/{t.labsTotal}</span> labs passed <span class="muted">({t.labsAttempted} attempted)</span></li>
        <li class="card"><span class="stat" data-testid="quizzes-taken">{t.quizzesTaken}</span> quizzes taken</li>
        <li class="card"><span class="stat" data-testid="time-spent">{duration(t.timeSeconds)}</span> spent learning</li>
      </ul>
      <ActivityStrip days={data.streak.days} />
      <p class="muted">Days are counted in {user ? `your time zone (${data.timeZone})` : `this browser's time zone (${data.timeZone})`}.</p>

      <section aria-labelledby="readiness-heading">
        <h2 id="readiness-heading">Interview readiness by pattern</h2>
        <BarChart
          title="Readiness by pattern"
          testId="readiness-chart"
          max={1}
          format={pct}
          data={data.patterns.map((p) => ({ label: p.title, value: p.readiness.score ?? 0, note: p.readiness.score === null ? 'nothing to measure yet' : undefined }))}
        />
        <p class="muted">How it is computed: {data.readinessFormula}.</p>
      </section>

      <section aria-labelledby="detail-heading">
        <h2 id="detail-heading">By pattern and level</h2>
        <div class="table-scroll">
          <table data-testid="progress-table">
            <caption class="sr-only">Lessons, labs, quiz scores and time per pattern and level</caption>
            <thead>
              <tr>
                <th scope="col">Pattern / level</th>
                <th scope="col">Lessons read</th>
                <th scope="col">Labs passed / attempted / total</th>
                <th scope="col">Quiz best</th>
                <th scope="col">Quiz latest</th>
                <th scope="col">Time</th>
                <th scope="col">Readiness</th>
              </tr>
            </thead>
            {data.patterns.map((p) => (
              <tbody key={p.pattern} data-pattern={p.pattern}>
                <tr class="pattern-row">
                  <th scope="row">{p.title}</th>
                  <td>{ofTotal(p.lessons.read, p.lessons.total)}</td>
                  <td>{labCounts(p.labs)}</td>
                  <td>{pct(p.quiz.best)}</td>
                  <td>{pct(p.quiz.latest)}</td>
                  <td>{duration(p.timeSeconds)}</td>
                  <td data-testid={`readiness-${p.pattern}`}>{pct(p.readiness.score)}</td>
                </tr>
                {p.levels
                  .filter((l) => l.lessons.total + l.labs.total + l.quiz.attempts > 0 || l.timeSeconds > 0)
                  .map((l) => (
                    <tr key={l.level} class="level-row">
                      <th scope="row" class="level-cell">{levelTitles[l.level] ?? l.level}</th>
                      <td>{ofTotal(l.lessons.read, l.lessons.total)}</td>
                      <td>{labCounts(l.labs)}</td>
                      <td>{pct(l.quiz.best)}</td>
                      <td>{pct(l.quiz.latest)}</td>
                      <td>{duration(l.timeSeconds)}</td>
                      <td></td>
                    </tr>
                  ))}
              </tbody>
            ))}
          </table>
        </div>
      </section>

      <section aria-labelledby="labs-heading">
        <h2 id="labs-heading">Labs by language</h2>
        <p class="muted">A lab counts as solved when one run passes every check, in any language.</p>
        <div class="table-scroll">
          <table data-testid="lab-languages">
            <caption class="sr-only">Each lab and the languages you solved it in</caption>
            <thead>
              <tr>
                <th scope="col">Lab</th>
                {Object.keys(LANGUAGE_TITLES).map((l) => (
                  <th scope="col" key={l}>{languageTitle(l)}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {data.labs.map((lab) => (
                <tr key={lab.slug} data-lab={lab.slug}>
                  <th scope="row">
                    <a href={`/labs/${lab.slug}/`}>{lab.title}</a>
                    {lab.solvedIn.length > 0 && <span class="ok"> solved</span>}
                  </th>
                  {Object.keys(LANGUAGE_TITLES).map((l) => {
                    const lang = l as (typeof lab.languages)[number];
                    const text = !lab.languages.includes(lang) ? 'not offered' : lab.solvedIn.includes(lang) ? 'passed' : lab.attemptedIn.includes(lang) ? 'tried' : '–';
                    return (
                      <td key={l} data-language={l} class={text === 'passed' ? 'ok' : text === 'tried' ? 'warn' : 'muted'}>{text}</td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section aria-labelledby="history-heading">
        <h2 id="history-heading">Recent attempts</h2>
        <div class="grid">
          <div>
            <h3>Quizzes</h3>
            {data.history.quizzes.length === 0 ? (
              <p class="muted">No quizzes yet. <a href="/quiz/">Take one</a>.</p>
            ) : (
              <ul data-testid="quiz-history">
                {data.history.quizzes.map((q) => (
                  <li key={q.id}>
                    <a href={`/quiz/play/?id=${encodeURIComponent(q.id)}`}>{typeof q.spec.label === 'string' ? q.spec.label : attemptLabel({ mode: q.mode, spec: q.spec as { pattern?: string } })}</a>{' '}
                    <span class="muted">{when(q.startedAt)}</span>{' '}
                    {q.submittedAt === null ? <span class="warn">in progress</span> : <strong>{pct(q.score)}</strong>}
                    {q.autoSubmitted && <span class="muted"> (time ran out)</span>}
                  </li>
                ))}
              </ul>
            )}
          </div>
          <div>
            <h3>Lab runs</h3>
            {!user ? (
              <p class="muted">Lab results are kept for accounts.</p>
            ) : data.history.labRuns.length === 0 ? (
              <p class="muted">No lab runs yet. <a href="/labs/">Try a lab</a>.</p>
            ) : (
              <ul data-testid="lab-history">
                {data.history.labRuns.map((r) => (
                  <li key={r.id}>
                    <a href={`/labs/${r.labSlug}/`}>{r.labTitle}</a> <span class="muted">in {languageTitle(r.language)}, {when(r.createdAt)}</span>{' '}
                    <span class={r.outcome === 'pass' ? 'ok' : r.outcome ? 'bad' : 'muted'}>{r.outcome ?? r.state}</span>
                  </li>
                ))}
              </ul>
            )}
          </div>
        </div>
      </section>
    </div>
  );
}
