// Results after a quiz: the score, a score-by-topic chart, and every question with the learner's
// answer, the right answer, why each option is right or wrong, and the explanation. Misses are
// listed first as a review, and can be shown alone.
import { useState } from 'preact/hooks';
import { MockLabResult } from './MockLabCard.tsx';
import { BarChart } from '../progress/BarChart.tsx';
import { Md } from './Md.tsx';
import type { Attempt, QuestionResult } from './types.ts';

const pct = (n: number) => `${Math.round(n * 100)}%`;

function lessonHref(lesson: string | null): string | null {
  if (!lesson) return null;
  const [slug, anchor] = lesson.split('#');
  return `/lessons/${slug}/${anchor ? `#${anchor}` : ''}`;
}

function YourAnswer({ r }: { r: QuestionResult }) {
  const a = r.yourAnswer;
  if (!a) return <p><strong>Your answer:</strong> <span class="bad">not answered</span></p>;
  if ('value' in a) return <p><strong>Your answer:</strong> <code>{a.value || '(empty)'}</code></p>;
  if ('text' in a)
    return (
      <div>
        <strong>Your answer:</strong>
        <blockquote class="quiz-your-text">{a.text || '(empty)'}</blockquote>
      </div>
    );
  if ('order' in a) {
    const byId = new Map((r.options ?? []).map((o) => [o.id, o.text]));
    return (
      <div>
        <strong>Your order:</strong>
        <ol>{a.order.map((id) => <li key={id}><Md text={byId.get(id) ?? id} inline /></li>)}</ol>
      </div>
    );
  }
  return null;
}

function CorrectAnswer({ r }: { r: QuestionResult }) {
  const c = r.correctAnswer;
  if (c.value !== undefined) return <p><strong>Right answer:</strong> <code>{c.value}{c.unit ? ` ${c.unit}` : ''}</code>{c.tolerance ? ` (± ${c.tolerance})` : ''}</p>;
  if (c.accept) return <p><strong>Accepted answers:</strong> {c.accept.map((x, i) => <>{i > 0 && ', '}<code>{x}</code></>)}</p>;
  return null;
}

function ResultItem({ r }: { r: QuestionResult }) {
  const href = lessonHref(r.lesson);
  const status = r.selfAssessed ? `self-assessed ${pct(r.score)}` : r.correct ? 'right' : 'wrong';
  return (
    <li class={`card quiz-result ${r.correct ? 'is-right' : 'is-wrong'}`} id={`result-${r.id}`} data-testid="quiz-result" data-question-id={r.id} data-correct={String(r.correct)}>
      <h3>
        Question {r.position + 1}: <span class={r.correct ? 'ok' : 'bad'}>{r.correct ? '✓' : '✗'} {status}</span>
      </h3>
      <Md text={r.prompt} />
      {r.options && (
        <ul class="quiz-why">
          {r.options.map((o) => (
            <li key={o.id} class={o.correct ? 'ok-item' : ''}>
              <span>
                {r.type === 'ordering' ? `${(o.position ?? 0) + 1}. ` : ''}
                <Md text={o.text} inline />
              </span>{' '}
              {r.type !== 'ordering' && (
                <span class="muted">
                  ({o.chosen ? 'you chose this; ' : ''}
                  <span class={o.correct ? 'ok' : 'bad'}>{o.correct ? 'right' : 'wrong'}</span>)
                </span>
              )}
              {r.type === 'ordering' && r.answered && <span class={o.correct ? 'ok' : 'bad'}> {o.correct ? '(you placed it right)' : '(you placed it elsewhere)'}</span>}
              <div class="muted quiz-why-text"><Md text={o.why} inline /></div>
            </li>
          ))}
        </ul>
      )}
      <YourAnswer r={r} />
      <CorrectAnswer r={r} />
      {r.modelAnswer && (
        <div>
          <strong>Model answer:</strong>
          <Md text={r.modelAnswer} />
          <p class="muted">Key points (self-assessed; ✓ = you ticked it):</p>
          <ul>{(r.keyPoints ?? []).map((k, i) => <li key={i}>{k.ticked ? '✓ ' : '○ '}<Md text={k.text} inline /></li>)}</ul>
        </div>
      )}
      <div class="quiz-explanation"><strong>Why:</strong> <Md text={r.explanation} /></div>
      {href && <p><a href={href}>Read the lesson section</a></p>}
    </li>
  );
}

/** The results of a submitted attempt. */
export function QuizResults({ attempt, signedIn, headingRef }: { attempt: Attempt; signedIn: boolean; headingRef?: (el: HTMLHeadingElement | null) => void }) {
  const r = attempt.results;
  const [onlyMisses, setOnlyMisses] = useState(false);
  if (!r) return null;
  const misses = r.questions.filter((q) => !q.correct);
  const shown = onlyMisses ? misses : r.questions;
  const hasSelf = r.questions.some((q) => q.selfAssessed);
  return (
    <div class="quiz-results" data-testid="quiz-results">
      <h2 tabIndex={-1} ref={headingRef}>Results</h2>
      {attempt.autoSubmitted && (
        <p class="card warn" role="status" data-testid="quiz-auto-submitted">
          Time ran out, so the quiz was submitted automatically. Only answers saved before the deadline count.
        </p>
      )}
      <p class="quiz-score">
        Score: <strong data-testid="quiz-score">{r.score.points} / {r.score.max}</strong> (<span data-testid="quiz-score-pct">{pct(r.score.pct)}</span>)
        {hasSelf && <span class="muted"> · includes self-assessed open answers</span>}
      </p>
      {attempt.lab && <MockLabResult lab={attempt.lab} />}
      {r.byTopic.length > 0 && (
        <section aria-labelledby="by-topic">
          <h3 id="by-topic">Score by topic</h3>
          <BarChart title="Score by topic" data={r.byTopic.map((s) => ({ label: s.key, value: s.pct, note: `${s.points}/${s.max}` }))} max={1} format={pct} testId="quiz-topic-chart" />
        </section>
      )}
      <section aria-labelledby="misses">
        <h3 id="misses">Review of misses</h3>
        {misses.length === 0 ? (
          <p class="ok">No misses. Well done.</p>
        ) : (
          <>
            <p>
              You missed {misses.length} question{misses.length === 1 ? '' : 's'}.{' '}
              {signedIn ? 'They come back in a review quiz the next day; each right answer spaces them out (3, then 7 days) until they leave the list, and a new miss brings them back the next day.' : 'Sign up to get them back in a review quiz after 1, 3 and 7 days.'}
            </p>
            <ul data-testid="quiz-misses">
              {misses.map((m) => (
                <li key={m.id}>
                  <a href={`#result-${m.id}`}>Question {m.position + 1}</a>: <Md text={m.prompt.split('\n')[0].slice(0, 140)} inline />
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
      <section aria-labelledby="all-results">
        <h3 id="all-results">Every question</h3>
        <p>
          <label>
            <input type="checkbox" checked={onlyMisses} onChange={(e) => setOnlyMisses((e.currentTarget as HTMLInputElement).checked)} /> Show only the questions I missed
          </label>
        </p>
        <ol class="quiz-result-list">{shown.map((q) => <ResultItem r={q} key={q.id} />)}</ol>
      </section>
      <p>
        <a class="btn" href="/quiz/">Take another quiz</a> <a class="btn secondary" href="/dashboard/">See your progress</a>
      </p>
    </div>
  );
}
