// /api/quizzes through app.request(): building quizzes, hidden answers, the server-side deadline,
// resuming after a reload, results by topic, and the review schedule (a miss: 1 day; right answers: 3, then 7 days).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp } from './test-app.ts';

let t: ReturnType<typeof makeTestApp>;
beforeEach(() => {
  t = makeTestApp();
});
afterEach(() => t.close());

const DAY = 86_400_000;

/** Starts a practice quiz over the fixture producer questions (all 7, every type). */
async function startProducerQuiz(o: { user?: number; timeLimitSeconds?: number } = {}) {
  const res = await t.call('POST', '/api/quizzes', { body: { mode: 'practice', pattern: 'producer', count: 50, timeLimitSeconds: o.timeLimitSeconds ?? 300 }, user: o.user });
  expect(res.status).toBe(201);
  return res.body as { id: string; token: string; questions: { id: string; type: string; options?: { id: string }[] }[]; deadlineAt: number; remainingMs: number };
}

const RIGHT: Record<string, unknown> = {
  'fx-single': { selected: ['b'] },
  'fx-multiple': { selected: ['c', 'a'] },
  'fx-true-false': { selected: ['true'] },
  'fx-ordering': { order: ['first', 'second', 'third', 'fourth'] },
  'fx-numeric-value': { value: '5 ms' },
  'fx-numeric-accept': { value: 'all' },
};

describe('building a quiz', () => {
  it('filters by pattern, level and topic', async () => {
    const byLevel = await t.call('POST', '/api/quizzes', { body: { mode: 'practice', level: 'advanced', count: 50 } });
    expect(byLevel.status).toBe(201);
    expect(byLevel.body.questions.map((q: { id: string }) => q.id).sort()).toEqual(['fx-consumer-advanced', 'fx-eos-advanced', 'fx-ordering']);
    const byTopic = await t.call('POST', '/api/quizzes', { body: { mode: 'practice', topic: 'acks', count: 50 } });
    expect(byTopic.body.questions.map((q: { id: string }) => q.id).sort()).toEqual(['fx-multiple', 'fx-numeric-accept', 'fx-single']);
    const both = await t.call('POST', '/api/quizzes', { body: { mode: 'practice', pattern: 'consumer', level: 'beginner', count: 50 } });
    expect(both.body.questions.map((q: { id: string }) => q.id)).toEqual(['fx-consumer-beginner']);
    const few = await t.call('POST', '/api/quizzes', { body: { mode: 'practice', pattern: 'producer', count: 2 } });
    expect(few.body.questions).toHaveLength(2);
  });

  it('filters by question type, and names the type in the quiz and in a refusal', async () => {
    const numeric = await t.call('POST', '/api/quizzes', { body: { mode: 'practice', type: 'numeric', count: 50 } });
    expect(numeric.status).toBe(201);
    expect(numeric.body.questions.map((q: { id: string }) => q.id).sort()).toEqual(['fx-numeric-accept', 'fx-numeric-value']);
    expect(numeric.body.spec).toMatchObject({ type: 'numeric' });
    const singles = await t.call('POST', '/api/quizzes', { body: { mode: 'practice', pattern: 'producer', type: 'single', count: 50 } });
    expect(singles.body.questions.map((q: { id: string }) => q.id)).toEqual(['fx-single']);
    const none = await t.call('POST', '/api/quizzes', { body: { mode: 'practice', pattern: 'consumer', type: 'open' } });
    expect(none.status).toBe(422);
    expect(none.body.error.message).toMatch(/no questions for pattern consumer, type open/);
    const bad = await t.call('POST', '/api/quizzes', { body: { mode: 'practice', type: 'essay' } });
    expect(bad.status).toBe(400);
    expect((await t.call('POST', '/api/quizzes', { body: { mode: 'mock', type: 'single' } })).status).toBe(400);
  });

  it('two quizzes in a row from the same pool repeat only what the pool forces', async () => {
    const u = t.addUser('variety@example.test');
    const body = { mode: 'practice', pattern: 'producer', count: 4 };
    const first = (await t.call('POST', '/api/quizzes', { user: u, body })).body.questions.map((q: { id: string }) => q.id);
    const second = (await t.call('POST', '/api/quizzes', { user: u, body })).body.questions.map((q: { id: string }) => q.id);
    // 7 producer questions, 4 + 4 asked: exactly one repeats.
    expect(second.filter((id: string) => first.includes(id))).toHaveLength(1);
  });

  it('says so when no question matches, instead of starting an empty quiz', async () => {
    const res = await t.call('POST', '/api/quizzes', { body: { mode: 'practice', pattern: 'groups', level: 'expert' } });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toMatch(/no questions for pattern groups, level expert/);
  });

  it('a mock interview spans the patterns and leans to intermediate and harder', async () => {
    const res = await t.call('POST', '/api/quizzes', { body: { mode: 'mock', count: 10 } });
    expect(res.status).toBe(201);
    const qs = res.body.questions as { pattern: string; level: string }[];
    expect(qs).toHaveLength(10);
    expect(new Set(qs.map((q) => q.pattern)).size).toBe(5);
    expect(qs.filter((q) => q.level !== 'beginner').length).toBeGreaterThanOrEqual(7);
    const order = ['beginner', 'intermediate', 'advanced', 'expert'];
    const ranks = qs.map((q) => order.indexOf(q.level));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  });

  it('a mock interview with a lab reports the best run of it started within the quiz', async () => {
    const u = t.addUser('mock-lab@example.test');
    const addRun = (id: string, at: number, passed: number, total: number) =>
      t.db
        .prepare("INSERT INTO runs (id, user_id, client_key, lab_slug, language, code, state, results_json, created_at) VALUES (?, ?, ?, 'fx-keyed', 'java', '', 'done', ?, ?)")
        .run(id, u, `user:${u}`, JSON.stringify({ status: passed === total ? 'pass' : 'fail', tests: Array.from({ length: total }, (_, i) => ({ name: `c${i}`, status: i < passed ? 'pass' : 'fail' })) }), at);
    addRun('before-the-quiz', t.now() - 1000, 3, 3);
    const created = await t.call('POST', '/api/quizzes', { user: u, body: { mode: 'mock', count: 3, lab: 'fx-keyed', timeLimitSeconds: 600 } });
    expect(created.status).toBe(201);
    expect(created.body.spec.lab).toBe('fx-keyed');
    expect(created.body.lab).toEqual({ slug: 'fx-keyed', title: expect.any(String), run: null, runs: 0 });
    t.advance(60_000);
    addRun('first-try', t.now(), 1, 3);
    t.advance(60_000);
    addRun('second-try', t.now(), 2, 3);
    t.advance(60_000);
    addRun('third-try', t.now(), 1, 3);
    const open = await t.call('GET', `/api/quizzes/${created.body.id}`, { user: u });
    expect(open.body.lab).toMatchObject({ runs: 3, run: { runId: 'second-try', language: 'java', passed: 2, total: 3, outcome: 'fail' } });
    await t.call('POST', `/api/quizzes/${created.body.id}/submit`, { user: u });
    t.advance(60_000);
    addRun('after-the-quiz', t.now(), 3, 3);
    const done = await t.call('GET', `/api/quizzes/${created.body.id}`, { user: u });
    expect(done.body.status).toBe('submitted');
    expect(done.body.lab, 'a run after the quiz ended does not count').toMatchObject({ runs: 3, run: { runId: 'second-try' } });
    // Another learner's quiz never sees these runs.
    const other = t.addUser('other-mock@example.test');
    const theirs = await t.call('POST', '/api/quizzes', { user: other, body: { mode: 'mock', count: 3, lab: 'fx-keyed' } });
    expect(theirs.body.lab.runs).toBe(0);
  });

  it('refuses a lab on a practice quiz (400) and an unknown lab (422)', async () => {
    const practice = await t.call('POST', '/api/quizzes', { body: { mode: 'practice', lab: 'fx-keyed' } });
    expect(practice.status).toBe(400);
    expect(JSON.stringify(practice.body)).toMatch(/Only a mock interview includes a lab/);
    const unknown = await t.call('POST', '/api/quizzes', { body: { mode: 'mock', lab: 'no-such-lab' } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.message).toMatch(/no lab called "no-such-lab"/);
  });

  it('rejects unknown fields, bad values and filters on a mock interview with 400', async () => {
    for (const body of [
      { mode: 'practice', pattern: 'producer', role: 'admin' },
      { mode: 'practice', pattern: 'nope' },
      { mode: 'practice', count: 0 },
      { mode: 'practice', timeLimitSeconds: 5 },
      { mode: 'mock', pattern: 'producer' },
      { mode: 'quiz' },
    ]) {
      const res = await t.call('POST', '/api/quizzes', { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
    }
    expect((await t.call('POST', '/api/quizzes', { body: { mode: 'review' } })).status).toBe(401);
  });

  it('limits how many quizzes one client can start per hour', async () => {
    const small = makeTestApp({ maxAttemptsPerHour: 2 });
    try {
      const body = { mode: 'practice', pattern: 'producer' };
      expect((await small.call('POST', '/api/quizzes', { body })).status).toBe(201);
      expect((await small.call('POST', '/api/quizzes', { body })).status).toBe(201);
      expect((await small.call('POST', '/api/quizzes', { body })).status).toBe(429);
      expect((await small.call('POST', '/api/quizzes', { body, ip: '10.0.0.9' })).status).toBe(201);
      small.advance(3_600_001);
      expect((await small.call('POST', '/api/quizzes', { body })).status).toBe(201);
    } finally {
      small.close();
    }
  });
});

describe('during a quiz', () => {
  it('the learner gets no answers, explanations or option reasons', async () => {
    const quiz = await startProducerQuiz();
    const text = JSON.stringify(quiz);
    expect(text).not.toMatch(/"answer"|"why"|"explanation"|"modelAnswer"|"keyPoints"/);
    expect(text).not.toContain('Option B is right');
    const again = await t.call('GET', `/api/quizzes/${quiz.id}`, { token: quiz.token });
    expect(JSON.stringify(again.body)).not.toMatch(/"why"|"explanation"|"modelAnswer"/);
    expect(again.body.results).toBeNull();
  });

  it('an attempt opens only with its token or for its owner', async () => {
    const guest = await startProducerQuiz();
    expect((await t.call('GET', `/api/quizzes/${guest.id}`)).status).toBe(404);
    expect((await t.call('GET', `/api/quizzes/${guest.id}`, { token: 'wrong-token-123' })).status).toBe(404);
    const alice = t.addUser('alice@example.test');
    const bob = t.addUser('bob@example.test');
    const mine = await startProducerQuiz({ user: alice });
    expect((await t.call('GET', `/api/quizzes/${mine.id}`, { user: alice })).status).toBe(200);
    expect((await t.call('GET', `/api/quizzes/${mine.id}`, { user: bob })).status).toBe(404);
  });

  it('a reload resumes with the remaining time and the saved answers', async () => {
    const quiz = await startProducerQuiz({ timeLimitSeconds: 300 });
    expect(quiz.remainingMs).toBe(300_000);
    t.advance(40_000);
    const saved = await t.call('PUT', `/api/quizzes/${quiz.id}/answers/fx-single`, { token: quiz.token, body: { answer: { selected: ['a'] } } });
    expect(saved.status).toBe(200);
    t.advance(20_000);
    await t.call('PUT', `/api/quizzes/${quiz.id}/answers/fx-single`, { token: quiz.token, body: { answer: { selected: ['b'] } } });
    t.advance(15_000);
    const resumed = await t.call('GET', `/api/quizzes/${quiz.id}`, { token: quiz.token });
    expect(resumed.body.status).toBe('in_progress');
    expect(resumed.body.remainingMs).toBe(300_000 - 75_000);
    expect(resumed.body.answers['fx-single']).toEqual({ answer: { selected: ['b'] }, savedAt: t.now() - 15_000 });
    expect(resumed.body.questions.map((q: { id: string }) => q.id)).toEqual(quiz.questions.map((q) => q.id));
    expect(resumed.body.questions.find((q: { id: string }) => q.id === 'fx-ordering').options).toEqual(quiz.questions.find((q) => q.id === 'fx-ordering')?.options);
  });

  it('a reload returns to the question the learner was on', async () => {
    const quiz = await startProducerQuiz();
    expect((await t.call('GET', `/api/quizzes/${quiz.id}`, { token: quiz.token })).body.currentPosition).toBe(0);
    const moved = await t.call('PUT', `/api/quizzes/${quiz.id}/position`, { token: quiz.token, body: { position: 4 } });
    expect(moved.status).toBe(200);
    expect((await t.call('GET', `/api/quizzes/${quiz.id}`, { token: quiz.token })).body.currentPosition).toBe(4);
    const beyond = await t.call('PUT', `/api/quizzes/${quiz.id}/position`, { token: quiz.token, body: { position: 7 } });
    expect(beyond.status).toBe(400);
    expect(beyond.body.error.message).toMatch(/has 7 questions, numbered from 0/);
    expect((await t.call('PUT', `/api/quizzes/${quiz.id}/position`, { body: { position: 1 } })).status).toBe(404);
    expect((await t.call('GET', `/api/quizzes/${quiz.id}`, { token: quiz.token })).body.currentPosition).toBe(4);
    await t.call('POST', `/api/quizzes/${quiz.id}/submit`, { token: quiz.token });
    expect((await t.call('PUT', `/api/quizzes/${quiz.id}/position`, { token: quiz.token, body: { position: 2 } })).status).toBe(409);
  });

  it('rejects answers that do not fit the question, and questions not in the quiz', async () => {
    const quiz = await startProducerQuiz();
    const wrongShape = await t.call('PUT', `/api/quizzes/${quiz.id}/answers/fx-ordering`, { token: quiz.token, body: { answer: { selected: ['first'] } } });
    expect(wrongShape.status).toBe(400);
    expect(wrongShape.body.error.message).toMatch(/ordering question/);
    const extraKey = await t.call('PUT', `/api/quizzes/${quiz.id}/answers/fx-single`, { token: quiz.token, body: { answer: { selected: ['b'] }, correct: true } });
    expect(extraKey.status).toBe(400);
    const stranger = await t.call('PUT', `/api/quizzes/${quiz.id}/answers/fx-consumer-beginner`, { token: quiz.token, body: { answer: { selected: ['a'] } } });
    expect(stranger.status).toBe(404);
  });
});

describe('the deadline is enforced by the server', () => {
  it('rejects an answer after the deadline and auto-submits with only the answers saved in time', async () => {
    const quiz = await startProducerQuiz({ timeLimitSeconds: 60 });
    t.advance(30_000);
    expect((await t.call('PUT', `/api/quizzes/${quiz.id}/answers/fx-single`, { token: quiz.token, body: { answer: { selected: ['b'] } } })).status).toBe(200);
    t.advance(30_000); // exactly at the deadline: too late
    const late = await t.call('PUT', `/api/quizzes/${quiz.id}/answers/fx-multiple`, { token: quiz.token, body: { answer: { selected: ['a', 'c'] } } });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('quiz_expired');
    expect(late.body.error.message).toMatch(/Time ran out/);
    const after = await t.call('GET', `/api/quizzes/${quiz.id}`, { token: quiz.token });
    expect(after.body.status).toBe('submitted');
    expect(after.body.autoSubmitted).toBe(true);
    expect(after.body.submittedAt).toBe(quiz.deadlineAt);
    expect(after.body.remainingMs).toBe(0);
    expect(after.body.results.score.points).toBe(1);
    const multiple = after.body.results.questions.find((q: { id: string }) => q.id === 'fx-multiple');
    expect(multiple.answered).toBe(false);
    expect(multiple.correct).toBe(false);
    const submitLate = await t.call('POST', `/api/quizzes/${quiz.id}/submit`, { token: quiz.token });
    expect(submitLate.status).toBe(409);
  });

  it('an expired attempt nobody reopens is closed by the sweep (visible in history)', async () => {
    const alice = t.addUser('alice@example.test');
    const quiz = await startProducerQuiz({ user: alice, timeLimitSeconds: 60 });
    await t.call('PUT', `/api/quizzes/${quiz.id}/answers/fx-single`, { user: alice, body: { answer: { selected: ['b'] } } });
    t.advance(61 * 60_000);
    const history = await t.call('GET', '/api/quizzes/history', { user: alice });
    expect(history.body.attempts[0]).toMatchObject({ id: quiz.id, autoSubmitted: true, submittedAt: quiz.deadlineAt, points: 1 });
  });

  it('a submit before the deadline is final: later saves are refused', async () => {
    const quiz = await startProducerQuiz();
    const res = await t.call('POST', `/api/quizzes/${quiz.id}/submit`, { token: quiz.token });
    expect(res.status).toBe(200);
    expect(res.body.autoSubmitted).toBe(false);
    const again = await t.call('PUT', `/api/quizzes/${quiz.id}/answers/fx-single`, { token: quiz.token, body: { answer: { selected: ['b'] } } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('quiz_submitted');
  });
});

describe('results', () => {
  it('grades every type, shows explanations and every option`s why, and scores by topic', async () => {
    const quiz = await startProducerQuiz();
    for (const [id, answer] of Object.entries(RIGHT)) {
      const res = await t.call('PUT', `/api/quizzes/${quiz.id}/answers/${id}`, { token: quiz.token, body: { answer } });
      expect(res.status, id).toBe(200);
    }
    // Open question: write, reveal (which locks the text), then tick 2 of 4 key points.
    await t.call('PUT', `/api/quizzes/${quiz.id}/answers/fx-open`, { token: quiz.token, body: { answer: { text: 'Use idempotence and acks=all.' } } });
    const early = await t.call('PUT', `/api/quizzes/${quiz.id}/answers/fx-open`, { token: quiz.token, body: { answer: { text: 'Use idempotence and acks=all.', ticked: [0] } } });
    expect(early.status).toBe(400);
    const reveal = await t.call('POST', `/api/quizzes/${quiz.id}/questions/fx-open/reveal`, { token: quiz.token });
    expect(reveal.status).toBe(200);
    expect(reveal.body.keyPoints).toHaveLength(4);
    const edit = await t.call('PUT', `/api/quizzes/${quiz.id}/answers/fx-open`, { token: quiz.token, body: { answer: { text: 'A better answer now that I saw it', ticked: [0] } } });
    expect(edit.status).toBe(409);
    expect((await t.call('PUT', `/api/quizzes/${quiz.id}/answers/fx-open`, { token: quiz.token, body: { answer: { text: 'Use idempotence and acks=all.', ticked: [0, 1] } } })).status).toBe(200);
    const reloaded = await t.call('GET', `/api/quizzes/${quiz.id}`, { token: quiz.token });
    expect(reloaded.body.revealed['fx-open'].keyPoints).toHaveLength(4);

    const res = await t.call('POST', `/api/quizzes/${quiz.id}/submit`, { token: quiz.token });
    expect(res.status).toBe(200);
    const r = res.body.results;
    expect(r.score).toEqual({ points: 6.5, max: 7, pct: 0.929 });
    expect(r.misses).toEqual(['fx-open']);
    const open = r.questions.find((q: { id: string }) => q.id === 'fx-open');
    expect(open).toMatchObject({ selfAssessed: true, score: 0.5, correct: false });
    expect(open.keyPoints.map((k: { ticked: boolean }) => k.ticked)).toEqual([true, true, false, false]);
    const single = r.questions.find((q: { id: string }) => q.id === 'fx-single');
    expect(single.explanation).toMatch(/answer is B/);
    expect(single.options.find((o: { id: string }) => o.id === 'a')).toMatchObject({ why: 'Option A is wrong for fixture reasons.', correct: false, chosen: false });
    expect(single.options.find((o: { id: string }) => o.id === 'b')).toMatchObject({ correct: true, chosen: true });
    // acks is tested by fx-single, fx-multiple and fx-numeric-accept: all right.
    expect(r.byTopic.find((s: { key: string }) => s.key === 'acks')).toEqual({ key: 'acks', points: 3, max: 3, pct: 1 });
    expect(r.byTopic.find((s: { key: string }) => s.key === 'system-design')).toEqual({ key: 'system-design', points: 0.5, max: 1, pct: 0.5 });
  });

  it('an open answer revealed empty cannot be self-graded: ticking is refused with 400 and it scores 0', async () => {
    const quiz = await startProducerQuiz();
    expect((await t.call('POST', `/api/quizzes/${quiz.id}/questions/fx-open/reveal`, { token: quiz.token })).status).toBe(200);
    const tick = await t.call('PUT', `/api/quizzes/${quiz.id}/answers/fx-open`, { token: quiz.token, body: { answer: { text: '', ticked: [0, 1, 2, 3] } } });
    expect(tick.status).toBe(400);
    expect(tick.body.error).toMatchObject({ code: 'invalid_answer' });
    expect(tick.body.error.message).toMatch(/empty, so there is nothing to self-assess/);
    const r = (await t.call('POST', `/api/quizzes/${quiz.id}/submit`, { token: quiz.token })).body.results;
    expect(r.questions.find((q: { id: string }) => q.id === 'fx-open')).toMatchObject({ score: 0, answered: false });
  });

  it('a wrong answer costs the point and the review lists it', async () => {
    const quiz = await startProducerQuiz();
    await t.call('PUT', `/api/quizzes/${quiz.id}/answers/fx-ordering`, { token: quiz.token, body: { answer: { order: ['second', 'first', 'third', 'fourth'] } } });
    await t.call('PUT', `/api/quizzes/${quiz.id}/answers/fx-numeric-value`, { token: quiz.token, body: { answer: { value: '7' } } });
    const r = (await t.call('POST', `/api/quizzes/${quiz.id}/submit`, { token: quiz.token })).body.results;
    expect(r.score.points).toBe(0);
    expect(r.misses).toHaveLength(7);
    const ordering = r.questions.find((q: { id: string }) => q.id === 'fx-ordering');
    expect(ordering.correctAnswer.order).toEqual(['first', 'second', 'third', 'fourth']);
    expect(ordering.yourAnswer.order[0]).toBe('second');
  });
});

describe('review of missed questions', () => {
  async function takeQuiz(user: number, mode: 'practice' | 'review', answers: Record<string, unknown>) {
    const body = mode === 'review' ? { mode, count: 50 } : { mode, pattern: 'producer', level: 'beginner', count: 50 };
    const quiz = await t.call('POST', '/api/quizzes', { user, body });
    if (quiz.status !== 201) return quiz;
    for (const [id, answer] of Object.entries(answers)) await t.call('PUT', `/api/quizzes/${quiz.body.id}/answers/${id}`, { user, body: { answer } });
    return t.call('POST', `/api/quizzes/${quiz.body.id}/submit`, { user });
  }

  it('brings a miss back the next day, spaces it out with right answers, and a new miss resets it', async () => {
    const u = t.addUser('learner@example.test');
    // Beginner producer questions: fx-single and fx-true-false. Miss fx-single only.
    await takeQuiz(u, 'practice', { 'fx-single': { selected: ['a'] }, 'fx-true-false': { selected: ['true'] } });
    let review = (await t.call('GET', '/api/quizzes/review', { user: u })).body;
    expect(review.items).toHaveLength(1);
    expect(review.items[0]).toMatchObject({ questionId: 'fx-single', step: 1, intervalDays: 1, dueAt: t.now() + DAY });
    expect(review.due).toBe(0);
    const tooSoon = await t.call('POST', '/api/quizzes', { user: u, body: { mode: 'review' } });
    expect(tooSoon.status).toBe(409);
    expect(tooSoon.body.error.message).toMatch(/next question comes back/);

    t.advance(DAY);
    const r1 = await takeQuiz(u, 'review', { 'fx-single': { selected: ['c'] } });
    expect(r1.body.questions.map((q: { id: string }) => q.id)).toEqual(['fx-single']);
    review = (await t.call('GET', '/api/quizzes/review', { user: u })).body;
    expect(review.items[0]).toMatchObject({ step: 1, intervalDays: 1, dueAt: t.now() + DAY });

    t.advance(DAY);
    await takeQuiz(u, 'review', { 'fx-single': { selected: ['b'] } });
    review = (await t.call('GET', '/api/quizzes/review', { user: u })).body;
    expect(review.items[0]).toMatchObject({ step: 2, intervalDays: 3, dueAt: t.now() + 3 * DAY });

    t.advance(3 * DAY);
    await takeQuiz(u, 'review', { 'fx-single': { selected: ['b'] } });
    review = (await t.call('GET', '/api/quizzes/review', { user: u })).body;
    expect(review.items[0]).toMatchObject({ step: 3, intervalDays: 7, dueAt: t.now() + 7 * DAY });

    t.advance(7 * DAY);
    await takeQuiz(u, 'review', { 'fx-single': { selected: ['b'] } });
    review = (await t.call('GET', '/api/quizzes/review', { user: u })).body;
    expect(review.items).toEqual([]);
    const nothing = await t.call('POST', '/api/quizzes', { user: u, body: { mode: 'review' } });
    expect(nothing.status).toBe(409);
    expect(nothing.body.error.message).toMatch(/no missed questions/);
  });

  it('guests have no review schedule; their misses are not scheduled for anyone', async () => {
    const quiz = await startProducerQuiz();
    await t.call('POST', `/api/quizzes/${quiz.id}/submit`, { token: quiz.token });
    expect(t.db.prepare('SELECT COUNT(*) FROM review_items').pluck().get()).toBe(0);
    expect((await t.call('GET', '/api/quizzes/review')).status).toBe(401);
  });
});

describe('catalog', () => {
  it('counts the questions available per pattern, level and topic', async () => {
    const res = await t.call('GET', '/api/quizzes/catalog');
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(12);
    expect(res.body.byPattern).toMatchObject({ producer: 7, consumer: 2, groups: 1 });
    expect(res.body.byPatternLevel.groups.expert).toBe(0);
    expect(res.body.byTopic.acks).toBe(3);
  });
});
