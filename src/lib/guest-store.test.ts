// The guest store: what a guest's browser keeps, that its import payload is accepted by the real
// import route (so sign-up really carries progress over), and the guest dashboard's numbers.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp } from '../../server/quizzes/test-app.ts';
import { guestDashboard } from './guest-dashboard.ts';
import { addGuestTime, BUCKET_MS, clearGuest, hasGuestData, importPayload, quizToken, readGuest, recordGuestQuiz, rememberQuizToken, setGuestLessonRead } from './guest-store.ts';

class MemoryStorage {
  private m = new Map<string, string>();
  getItem(k: string) {
    return this.m.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.m.set(k, v);
  }
  removeItem(k: string) {
    this.m.delete(k);
  }
}

beforeEach(() => {
  (globalThis as { localStorage?: unknown }).localStorage = new MemoryStorage();
});
afterEach(() => {
  delete (globalThis as { localStorage?: unknown }).localStorage;
});

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);

describe('guest store', () => {
  it('keeps lessons, time per 15-minute bucket (capped) and quiz tokens', () => {
    expect(hasGuestData()).toBe(false);
    setGuestLessonRead('producer-basics', true, NOW - 1000);
    setGuestLessonRead('producer-basics', true, NOW);
    expect(readGuest().lessons).toEqual({ 'producer-basics': NOW - 1000 });
    for (let i = 0; i < 20; i++) addGuestTime(60, { lesson: 'producer-basics' }, NOW + i * 1000);
    const t = readGuest().time;
    expect(t).toHaveLength(1);
    expect(t[0]).toEqual({ bucketAt: Math.floor(NOW / BUCKET_MS) * BUCKET_MS, seconds: 900, lesson: 'producer-basics' });
    rememberQuizToken('attempt-1', 'secret-token');
    expect(quizToken('attempt-1')).toBe('secret-token');
    expect(hasGuestData()).toBe(true);
    clearGuest();
    expect(hasGuestData()).toBe(false);
    expect(quizToken('attempt-1')).toBe('secret-token');
  });

  it('survives corrupted storage', () => {
    localStorage.setItem('lz-guest-v1', '{not json');
    expect(readGuest().lessons).toEqual({});
    localStorage.setItem('lz-guest-v1', JSON.stringify({ guestId: '<script>', lessons: { a: 1 } }));
    expect(readGuest().lessons).toEqual({});
  });

  it('produces an import the server accepts, carrying lessons, time and the guest quiz', async () => {
    const t = makeTestApp({ start: NOW });
    try {
      const quiz = await t.call('POST', '/api/quizzes', { body: { mode: 'practice', pattern: 'producer', level: 'beginner' } });
      await t.call('PUT', `/api/quizzes/${quiz.body.id}/answers/fx-single`, { token: quiz.body.token, body: { answer: { selected: ['b'] } } });
      const done = await t.call('POST', `/api/quizzes/${quiz.body.id}/submit`, { token: quiz.body.token });
      recordGuestQuiz({ id: quiz.body.id, token: quiz.body.token, mode: 'practice', label: 'Practice', startedAt: NOW, submittedAt: NOW, questionCount: 2, score: done.body.results.score.pct, byPattern: { producer: 0.5 } });
      setGuestLessonRead('producer-basics', true, NOW - 60_000);
      addGuestTime(300, { lesson: 'producer-basics' }, NOW - 60_000);
      // Junk a browser might hold: an impossible date is dropped rather than failing the whole import.
      const d = readGuest();
      d.lessons['producer-deep'] = 5;
      const u = t.addUser('guest-now-user@example.test');
      const res = await t.call('POST', '/api/progress/import', { user: u, body: importPayload(d, NOW) });
      expect(res.status).toBe(200);
      expect(res.body.lessons.imported).toBe(1);
      expect(res.body.quizAttempts.claimed).toBe(1);
      const dash = (await t.call('GET', '/api/progress/dashboard', { user: u })).body;
      expect(dash.totals).toMatchObject({ lessonsRead: 1, quizzesTaken: 1 });
      const beginner = dash.patterns[0].levels.find((l: { level: string }) => l.level === 'beginner');
      expect(beginner.timeSeconds).toBe(300);
      expect(beginner.quiz.best).toBe(0.5);
    } finally {
      t.close();
    }
  });
});

describe('guest dashboard', () => {
  it('uses the same readiness formula and counts the streak in the given zone', () => {
    setGuestLessonRead('a', true, Date.UTC(2026, 0, 14, 10));
    setGuestLessonRead('b', true, Date.UTC(2026, 0, 15, 10));
    // Four producer questions, two right: mastery 2 of the bank's 10. A later quiz repeats one right and gets one new right.
    const scores = (entries: [string, number][]) => Object.fromEntries(entries.map(([id, score]) => [id, { pattern: 'producer', score }]));
    recordGuestQuiz({ id: 'q1', token: 't', mode: 'practice', label: 'P', startedAt: Date.UTC(2026, 0, 15, 11), submittedAt: Date.UTC(2026, 0, 15, 11), questionCount: 4, score: 0.5, byPattern: { producer: 0.5 }, questionScores: scores([['p1', 1], ['p2', 1], ['p3', 0], ['p4', 0]]) });
    recordGuestQuiz({ id: 'q2', token: 't2', mode: 'practice', label: 'P', startedAt: Date.UTC(2026, 0, 15, 12), submittedAt: Date.UTC(2026, 0, 15, 12), questionCount: 2, score: 1, byPattern: { producer: 1 }, questionScores: scores([['p1', 1], ['p3', 1]]) });
    const d = guestDashboard(
      readGuest(),
      {
        lessons: [
          { slug: 'a', title: 'A', pattern: 'producer', level: 'beginner' },
          { slug: 'b', title: 'B', pattern: 'producer', level: 'advanced' },
          { slug: 'c', title: 'C', pattern: 'consumer', level: 'beginner' },
        ],
        labs: [{ slug: 'lab', title: 'Lab', pattern: 'producer', level: 'beginner' }],
        questionCounts: { producer: 10, consumer: 0 },
      },
      NOW,
      'UTC',
    );
    const producer = d.patterns.find((p) => p.pattern === 'producer');
    // 0.3 × 2/2 + 0.4 × 0/1 (a guest's labs are not kept) + 0.3 × 3/10 (p1, p2, p3 right once each) = 0.39
    expect(producer?.readiness).toEqual({ score: 0.39, parts: { lessons: 1, labs: 0, quiz: 0.3 } });
    expect(producer?.quiz).toEqual({ best: 1, latest: 1, attempts: 2 });
    // consumer: lessons only (no labs, no questions) → 0 read of 1
    expect(d.patterns.find((p) => p.pattern === 'consumer')?.readiness).toEqual({ score: 0, parts: { lessons: 0, labs: null, quiz: null } });
    expect(d.streak).toMatchObject({ current: 2, longest: 2, today: '2026-01-15' });
  });
});
