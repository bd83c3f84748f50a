// /api/progress through app.request(): lessons read, bounded heartbeats, the dashboard's aggregates
// and streak (in the user's time zone), and the idempotent, strictly validated guest import.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp } from '../quizzes/test-app.ts';

let t: ReturnType<typeof makeTestApp>;
beforeEach(() => {
  t = makeTestApp({ start: Date.UTC(2026, 0, 15, 12, 0, 0) });
});
afterEach(() => t.close());

let runSeq = 0;
function addRun(user: number, lab: string, outcome: 'pass' | 'fail' | 'error' | null, at = t.now(), language = 'typescript') {
  // The verdict lives in the results document; the outcome column is computed from it.
  t.db.prepare("INSERT INTO runs (id, user_id, client_key, lab_slug, language, code, state, results_json, created_at, duration_ms) VALUES (?, ?, ?, ?, ?, '', ?, ?, ?, 1200)").run(
    `run-${++runSeq}`,
    user,
    `user:${user}`,
    lab,
    language,
    outcome === null ? 'queued' : 'done',
    outcome === null ? null : JSON.stringify({ status: outcome, tests: [] }),
    at,
  );
}

async function quiz(user: number | undefined, body: Record<string, unknown>, answers: Record<string, unknown>) {
  const q = await t.call('POST', '/api/quizzes', { user, body: { count: 50, timeLimitSeconds: 600, ...body } });
  expect(q.status).toBe(201);
  for (const [id, answer] of Object.entries(answers)) await t.call('PUT', `/api/quizzes/${q.body.id}/answers/${id}`, { user, token: q.body.token, body: { answer } });
  t.advance(120_000);
  const done = await t.call('POST', `/api/quizzes/${q.body.id}/submit`, { user, token: q.body.token });
  expect(done.status).toBe(200);
  return { id: q.body.id as string, token: q.body.token as string, results: done.body.results };
}

describe('lessons read', () => {
  it('marks a lesson on disk read once, keeps the first time, and can unmark it', async () => {
    const u = t.addUser('a@example.test');
    expect((await t.call('POST', '/api/progress/lessons/producer-basics/read')).status).toBe(401);
    expect((await t.call('POST', '/api/progress/lessons/no-such-lesson/read', { user: u })).status).toBe(404);
    expect((await t.call('POST', '/api/progress/lessons/Bad_Slug/read', { user: u })).status).toBe(400);
    const first = await t.call('POST', '/api/progress/lessons/producer-basics/read', { user: u });
    expect(first.body).toEqual({ slug: 'producer-basics', readAt: t.now() });
    t.advance(60_000);
    const again = await t.call('POST', '/api/progress/lessons/producer-basics/read', { user: u });
    expect(again.body.readAt).toBe(first.body.readAt);
    expect((await t.call('GET', '/api/progress/lessons', { user: u })).body.read).toEqual([{ slug: 'producer-basics', readAt: first.body.readAt }]);
    await t.call('DELETE', '/api/progress/lessons/producer-basics/read', { user: u });
    expect((await t.call('GET', '/api/progress/lessons', { user: u })).body.read).toEqual([]);
  });
});

describe('time spent', () => {
  it('accepts at most 60 s per beat and never more than the time since the last beat', async () => {
    const u = t.addUser('a@example.test');
    expect((await t.call('POST', '/api/progress/time', { user: u, body: { seconds: 61 } })).status).toBe(400);
    expect((await t.call('POST', '/api/progress/time', { user: u, body: { seconds: 30, extra: 1 } })).status).toBe(400);
    expect((await t.call('POST', '/api/progress/time', { user: u, body: { seconds: 30, lesson: 'producer-basics', lab: 'fx-keyed' } })).status).toBe(400);
    expect((await t.call('POST', '/api/progress/time', { user: u, body: { seconds: 30, lesson: 'ghost' } })).status).toBe(404);
    expect((await t.call('POST', '/api/progress/time', { user: u, body: { seconds: 60, lesson: 'producer-basics' } })).body.counted).toBe(60);
    t.advance(10_000);
    expect((await t.call('POST', '/api/progress/time', { user: u, body: { seconds: 60, lesson: 'producer-basics' } })).body.counted).toBe(10);
    expect((await t.call('POST', '/api/progress/time', { user: u, body: { seconds: 60, lesson: 'producer-basics' } })).body.counted).toBe(0);
    t.advance(45_000);
    expect((await t.call('POST', '/api/progress/time', { user: u, body: { seconds: 45, lab: 'fx-keyed' } })).body.counted).toBe(45);
    const d = (await t.call('GET', '/api/progress/dashboard', { user: u })).body;
    const producer = d.patterns.find((p: { pattern: string }) => p.pattern === 'producer');
    expect(producer.levels.find((l: { level: string }) => l.level === 'beginner').timeSeconds).toBe(115);
  });
});

describe('dashboard', () => {
  it('aggregates lessons, labs and quiz scores per pattern and level, with readiness', async () => {
    const u = t.addUser('a@example.test');
    await t.call('POST', '/api/progress/lessons/producer-basics/read', { user: u });
    addRun(u, 'fx-keyed', 'fail');
    addRun(u, 'fx-keyed', 'pass');
    addRun(u, 'fx-groups', 'fail');
    addRun(u, 'fx-groups', null);
    // Producer beginner questions: fx-single, fx-true-false. First 50%, then 100%, then 0%.
    await quiz(u, { mode: 'practice', pattern: 'producer', level: 'beginner' }, { 'fx-single': { selected: ['b'] } });
    await quiz(u, { mode: 'practice', pattern: 'producer', level: 'beginner' }, { 'fx-single': { selected: ['b'] }, 'fx-true-false': { selected: ['true'] } });
    await quiz(u, { mode: 'practice', pattern: 'producer', level: 'beginner' }, {});

    const res = await t.call('GET', '/api/progress/dashboard', { user: u });
    expect(res.status).toBe(200);
    const d = res.body;
    const producer = d.patterns.find((p: { pattern: string }) => p.pattern === 'producer');
    expect(producer.lessons).toEqual({ read: 1, total: 2 });
    expect(producer.labs).toEqual({ passed: 1, attempted: 1, total: 1 });
    expect(producer.quiz).toEqual({ best: 1, latest: 0, attempts: 3 });
    const beginner = producer.levels.find((l: { level: string }) => l.level === 'beginner');
    expect(beginner).toMatchObject({ lessons: { read: 1, total: 1 }, labs: { passed: 1, attempted: 1, total: 1 }, quiz: { best: 1, latest: 0, attempts: 3 } });
    // Three 2-minute quizzes, all producer beginner.
    expect(beginner.timeSeconds).toBe(360);
    expect(producer.levels.find((l: { level: string }) => l.level === 'advanced').lessons).toEqual({ read: 0, total: 1 });
    // 0.3 × 1/2 + 0.4 × 1/1 + 0.3 × (fx-single and fx-true-false right, of the bank's 7 producer questions) = 0.636
    expect(producer.readiness).toEqual({ score: 0.636, parts: { lessons: 0.5, labs: 1, quiz: 0.286 } });
    const groups = d.patterns.find((p: { pattern: string }) => p.pattern === 'groups');
    expect(groups.labs).toEqual({ passed: 0, attempted: 1, total: 1 });
    // groups has no lessons: readiness = (0.4 × 0 + 0.3 × 0) / 0.7
    expect(groups.readiness.score).toBe(0);
    expect(groups.readiness.parts.lessons).toBeNull();
    expect(d.totals).toMatchObject({ lessonsRead: 1, lessonsTotal: 3, labsPassed: 1, labsAttempted: 2, labsTotal: 2, quizzesTaken: 3 });
    expect(d.history.quizzes).toHaveLength(3);
    expect(d.history.quizzes[0].score).toBe(0);
    expect(d.history.labRuns).toHaveLength(4);
    expect(d.history.labRuns[0]).toMatchObject({ labSlug: expect.any(String), labTitle: expect.stringMatching(/Fixture/) });
  });

  it('counts a lab solved in any language, and lists the languages each lab was solved and tried in', async () => {
    const u = t.addUser('polyglot@example.test');
    addRun(u, 'fx-keyed', 'fail', t.now(), 'typescript');
    t.advance(1000);
    addRun(u, 'fx-keyed', 'pass', t.now(), 'python');
    addRun(u, 'fx-groups', 'fail', t.now(), 'typescript');
    const d = (await t.call('GET', '/api/progress/dashboard', { user: u })).body;
    expect(d.totals).toMatchObject({ labsPassed: 1, labsAttempted: 2 });
    const bySlug = Object.fromEntries(d.labs.map((l: { slug: string }) => [l.slug, l]));
    expect(bySlug['fx-keyed']).toMatchObject({ languages: ['typescript', 'python'], solvedIn: ['python'], attemptedIn: ['typescript', 'python'] });
    expect(bySlug['fx-groups']).toMatchObject({ languages: ['typescript'], solvedIn: [], attemptedIn: ['typescript'] });
    expect(d.history.labRuns.map((r: { language: string }) => r.language).sort()).toEqual(['python', 'typescript', 'typescript']);
    // Another learner's Python pass is not this learner's.
    const other = t.addUser('other@example.test');
    expect((await t.call('GET', '/api/progress/dashboard', { user: other })).body.labs.every((l: { solvedIn: string[] }) => l.solvedIn.length === 0)).toBe(true);
  });

  it('counts the streak in the user`s own time zone', async () => {
    const la = t.addUser('la@example.test', 'America/Los_Angeles');
    const utc = t.addUser('utc@example.test', 'UTC');
    // 07:00 UTC on Jan 10 is still Jan 9 in Los Angeles (UTC-8); 09:00 UTC is Jan 10 there.
    const moments = [Date.UTC(2026, 0, 10, 7), Date.UTC(2026, 0, 10, 9), Date.UTC(2026, 0, 11, 20)];
    const lessons = ['producer-basics', 'producer-deep', 'consumer-basics'];
    for (const [i, at] of moments.entries()) {
      t.setNow(at);
      for (const u of [la, utc]) await t.call('POST', `/api/progress/lessons/${lessons[i]}/read`, { user: u });
    }
    t.setNow(Date.UTC(2026, 0, 11, 21));
    const laStreak = (await t.call('GET', '/api/progress/dashboard', { user: la })).body.streak;
    const utcStreak = (await t.call('GET', '/api/progress/dashboard', { user: utc })).body.streak;
    expect(laStreak).toMatchObject({ current: 3, longest: 3, today: '2026-01-11', activeToday: true });
    expect(utcStreak).toMatchObject({ current: 2, longest: 2, today: '2026-01-11', activeToday: true });
    expect(laStreak.days.filter((d: { active: boolean }) => d.active).map((d: { date: string }) => d.date)).toEqual(['2026-01-09', '2026-01-10', '2026-01-11']);

    // 07:30 UTC on Jan 12 is Jan 11, 23:30 in LA: the LA streak is alive but not yet extended today;
    // for UTC it is Jan 12 with nothing done yet, so the streak still counts through yesterday.
    t.setNow(Date.UTC(2026, 0, 12, 7, 30));
    expect((await t.call('GET', '/api/progress/dashboard', { user: la })).body.streak).toMatchObject({ current: 3, today: '2026-01-11' });
    expect((await t.call('GET', '/api/progress/dashboard', { user: utc })).body.streak).toMatchObject({ current: 2, today: '2026-01-12', activeToday: false });
    // Two days without activity end it.
    t.setNow(Date.UTC(2026, 0, 14, 12));
    expect((await t.call('GET', '/api/progress/dashboard', { user: utc })).body.streak).toMatchObject({ current: 0, longest: 2 });
  });
});

describe('guest import', () => {
  it('merges lessons, time and quiz attempts into the account, and a second import changes nothing', async () => {
    // As a guest: take a quiz, missing fx-single.
    const guestQuiz = await quiz(undefined, { mode: 'practice', pattern: 'producer', level: 'beginner' }, { 'fx-single': { selected: ['a'] }, 'fx-true-false': { selected: ['true'] } });
    const u = t.addUser('new@example.test');
    const bucket = Math.floor(t.now() / 900_000) * 900_000;
    const payload = {
      guestId: 'guest-abc-123',
      lessons: [
        { slug: 'producer-basics', readAt: t.now() - 3_600_000 },
        { slug: 'renamed-lesson', readAt: t.now() - 3_600_000 },
      ],
      quizAttempts: [{ id: guestQuiz.id, token: guestQuiz.token }],
      time: [
        { bucketAt: bucket - 900_000, seconds: 600, lesson: 'producer-basics' },
        { bucketAt: bucket, seconds: 120 },
      ],
    };
    const first = await t.call('POST', '/api/progress/import', { user: u, body: payload });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      lessons: { imported: 1, unknown: ['renamed-lesson'] },
      quizAttempts: { claimed: 1, already: 0, notFound: 0 },
      time: { seconds: 720, unknown: [] },
    });
    const before = (await t.call('GET', '/api/progress/dashboard', { user: u })).body;
    expect(before.totals).toMatchObject({ lessonsRead: 1, quizzesTaken: 1 });
    expect(before.totals.otherTimeSeconds).toBe(120);
    const review = (await t.call('GET', '/api/quizzes/review', { user: u })).body;
    expect(review.items.map((i: { questionId: string }) => i.questionId)).toEqual(['fx-single']);
    // The claimed attempt now opens with the session alone.
    expect((await t.call('GET', `/api/quizzes/${guestQuiz.id}`, { user: u })).status).toBe(200);

    const second = await t.call('POST', '/api/progress/import', { user: u, body: payload });
    expect(second.body.quizAttempts).toEqual({ claimed: 0, already: 1, notFound: 0 });
    const after = (await t.call('GET', '/api/progress/dashboard', { user: u })).body;
    expect(after.totals).toEqual(before.totals);
    expect(after.patterns).toEqual(before.patterns);
    expect(t.db.prepare('SELECT COUNT(*) FROM review_items').pluck().get()).toBe(1);

    // Someone else cannot take the attempt over, even with its token.
    const other = t.addUser('other@example.test');
    const steal = await t.call('POST', '/api/progress/import', { user: other, body: { guestId: 'guest-zzz-999', quizAttempts: [{ id: guestQuiz.id, token: guestQuiz.token }] } });
    expect(steal.body.quizAttempts).toEqual({ claimed: 0, already: 0, notFound: 1 });
  });

  it('rejects malformed imports with 400 and stores nothing', async () => {
    const u = t.addUser('a@example.test');
    const ok = { guestId: 'guest-abc-123' };
    const bad: Record<string, unknown>[] = [
      { ...ok, role: 'admin' },
      { guestId: 'x' },
      { ...ok, lessons: [{ slug: 'producer-basics', readAt: t.now(), extra: true }] },
      { ...ok, lessons: [{ slug: 'producer-basics', readAt: t.now() + 86_400_000 }] },
      { ...ok, lessons: [{ slug: 'producer-basics', readAt: 5 }] },
      { ...ok, time: [{ bucketAt: 1_700_000_000_123, seconds: 10 }] },
      { ...ok, time: [{ bucketAt: Math.floor(t.now() / 900_000) * 900_000, seconds: 901 }] },
      { ...ok, lessons: Array.from({ length: 501 }, () => ({ slug: 'producer-basics', readAt: t.now() })) },
      { ...ok, quizAttempts: [{ id: '../../etc', token: 'abcdefghij' }] },
    ];
    for (const body of bad) {
      const res = await t.call('POST', '/api/progress/import', { user: u, body });
      expect(res.status, JSON.stringify(body).slice(0, 120)).toBe(400);
      expect(res.body.error.message).toMatch(/Invalid request/);
    }
    expect(t.db.prepare('SELECT COUNT(*) FROM lesson_reads').pluck().get()).toBe(0);
    expect(t.db.prepare('SELECT COUNT(*) FROM time_spent').pluck().get()).toBe(0);
    expect((await t.call('POST', '/api/progress/import', { body: ok })).status).toBe(401);
  });
});
