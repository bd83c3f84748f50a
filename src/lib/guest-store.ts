// A guest's progress, kept in this browser's localStorage: lessons marked read, summaries of quizzes
// taken (with the attempt tokens that prove them), and time spent per 15-minute bucket. When the
// guest signs in or signs up, syncGuestProgress() sends it to /api/progress/import and clears it, so
// nothing is lost and nothing is counted twice (the server import is idempotent per guestId).
import { apiJson, ApiError, currentUser } from './api-client.ts';

const KEY = 'lz-guest-v1';
const TOKENS_KEY = 'lz-quiz-tokens';
/** Same bucket size and per-bucket cap as the server (server/progress/routes.ts). */
export const BUCKET_MS = 15 * 60_000;
const MAX_TIME_ENTRIES = 5000;
const MAX_LESSONS = 500;
const MAX_QUIZZES = 200;
const MAX_TOKENS = 100;

/** What the guest dashboard shows for a quiz taken as a guest. */
export interface GuestQuiz {
  id: string;
  token: string;
  mode: string;
  label: string;
  startedAt: number;
  submittedAt: number | null;
  questionCount: number;
  /** 0..1 once submitted. */
  score: number | null;
  /** Score 0..1 per pattern the quiz covered. */
  byPattern: Record<string, number>;
  /** Once submitted: each question's pattern and score (0..1), for readiness's quiz mastery. */
  questionScores?: Record<string, { pattern: string; score: number }>;
}

export interface GuestTime {
  bucketAt: number;
  seconds: number;
  lesson?: string;
  lab?: string;
}

export interface GuestData {
  guestId: string;
  /** Lesson slug → when it was marked read (ms). */
  lessons: Record<string, number>;
  quizzes: GuestQuiz[];
  time: GuestTime[];
}

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // Storage disabled (privacy mode): behave as an empty, non-persistent store.
  }
}

function randomId(): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

const empty = (): GuestData => ({ guestId: randomId(), lessons: {}, quizzes: [], time: [] });

/** The guest's data (a fresh empty record if there is none or it is unreadable). */
export function readGuest(): GuestData {
  const raw = storage()?.getItem(KEY);
  if (!raw) return empty();
  try {
    const d = JSON.parse(raw) as Partial<GuestData>;
    if (typeof d.guestId !== 'string' || !/^[A-Za-z0-9_-]{8,64}$/.test(d.guestId)) return empty();
    return {
      guestId: d.guestId,
      lessons: d.lessons && typeof d.lessons === 'object' ? d.lessons : {},
      quizzes: Array.isArray(d.quizzes) ? d.quizzes : [],
      time: Array.isArray(d.time) ? d.time : [],
    };
  } catch {
    return empty();
  }
}

function write(d: GuestData): void {
  try {
    storage()?.setItem(KEY, JSON.stringify(d));
  } catch {
    // Quota exceeded: keep going; progress simply is not remembered.
  }
}

/** True when there is anything worth importing. */
export function hasGuestData(d: GuestData = readGuest()): boolean {
  return Object.keys(d.lessons).length > 0 || d.quizzes.length > 0 || d.time.length > 0;
}

/** Marks a lesson read (keeps the first time) or unread. */
export function setGuestLessonRead(slug: string, read: boolean, now = Date.now()): void {
  const d = readGuest();
  if (read) d.lessons[slug] ??= now;
  else delete d.lessons[slug];
  const slugs = Object.keys(d.lessons);
  if (slugs.length > MAX_LESSONS) delete d.lessons[slugs[0]];
  write(d);
}

/** Adds active seconds to the current 15-minute bucket for a lesson, a lab, or neither. */
export function addGuestTime(seconds: number, on: { lesson?: string; lab?: string } = {}, now = Date.now()): void {
  if (!(seconds > 0)) return;
  const d = readGuest();
  const bucketAt = Math.floor(now / BUCKET_MS) * BUCKET_MS;
  const hit = d.time.find((t) => t.bucketAt === bucketAt && t.lesson === on.lesson && t.lab === on.lab);
  if (hit) hit.seconds = Math.min(BUCKET_MS / 1000, hit.seconds + Math.round(seconds));
  else d.time.push({ bucketAt, seconds: Math.min(BUCKET_MS / 1000, Math.round(seconds)), ...(on.lesson ? { lesson: on.lesson } : {}), ...(on.lab ? { lab: on.lab } : {}) });
  if (d.time.length > MAX_TIME_ENTRIES) d.time.splice(0, d.time.length - MAX_TIME_ENTRIES);
  write(d);
}

/** Records or updates a guest quiz summary (by attempt id). */
export function recordGuestQuiz(q: GuestQuiz): void {
  const d = readGuest();
  const i = d.quizzes.findIndex((x) => x.id === q.id);
  if (i >= 0) d.quizzes[i] = q;
  else d.quizzes.push(q);
  if (d.quizzes.length > MAX_QUIZZES) d.quizzes.splice(0, d.quizzes.length - MAX_QUIZZES);
  write(d);
}

/** Forgets all guest progress (after a successful import). */
export function clearGuest(): void {
  storage()?.removeItem(KEY);
}

/** Remembers the token of a quiz attempt so a reload can reopen it. */
export function rememberQuizToken(id: string, token: string): void {
  const s = storage();
  if (!s) return;
  let map: Record<string, string> = {};
  try {
    map = JSON.parse(s.getItem(TOKENS_KEY) ?? '{}') as Record<string, string>;
  } catch {
    map = {};
  }
  map[id] = token;
  const ids = Object.keys(map);
  for (const old of ids.slice(0, Math.max(0, ids.length - MAX_TOKENS))) delete map[old];
  try {
    s.setItem(TOKENS_KEY, JSON.stringify(map));
  } catch {
    // Quota exceeded: the attempt still works until the page is closed.
  }
}

/** The token of a quiz attempt started in this browser, if any. */
export function quizToken(id: string): string | undefined {
  try {
    return (JSON.parse(storage()?.getItem(TOKENS_KEY) ?? '{}') as Record<string, string>)[id];
  } catch {
    return undefined;
  }
}

/** The body for POST /api/progress/import, trimmed to what the server accepts. */
export function importPayload(d: GuestData, now = Date.now()) {
  const plausible = (ms: number) => Number.isInteger(ms) && ms >= Date.UTC(2024, 0, 1) && ms <= now + 60_000;
  return {
    guestId: d.guestId,
    lessons: Object.entries(d.lessons)
      .filter(([slug, at]) => /^[a-z0-9]+(-[a-z0-9]+)*$/.test(slug) && plausible(at))
      .slice(-MAX_LESSONS)
      .map(([slug, readAt]) => ({ slug, readAt })),
    quizAttempts: d.quizzes.filter((q) => q.id && q.token).slice(-MAX_QUIZZES).map((q) => ({ id: q.id, token: q.token })),
    time: d.time
      .filter((t) => plausible(t.bucketAt) && t.bucketAt % BUCKET_MS === 0 && t.seconds >= 1)
      .slice(-MAX_TIME_ENTRIES)
      .map((t) => ({ bucketAt: t.bucketAt, seconds: Math.min(BUCKET_MS / 1000, Math.round(t.seconds)), ...(t.lesson ? { lesson: t.lesson } : {}), ...(t.lab ? { lab: t.lab } : {}) })),
  };
}

let syncing: Promise<'imported' | 'nothing' | 'guest' | 'failed'> | null = null;

/**
 * If someone is signed in and this browser holds guest progress, moves it into the account and
 * clears it. Safe to call on every page: it runs once per page and the server import is idempotent.
 */
export function syncGuestProgress(): Promise<'imported' | 'nothing' | 'guest' | 'failed'> {
  syncing ??= (async () => {
    const d = readGuest();
    if (!hasGuestData(d)) return 'nothing';
    const user = await currentUser();
    if (!user) return 'guest';
    try {
      await apiJson('/api/progress/import', { method: 'POST', body: importPayload(d) });
      clearGuest();
      window.dispatchEvent(new CustomEvent('lz:progress-imported'));
      return 'imported';
    } catch (err) {
      // A 400 means the stored data can never be imported (corrupted); drop it instead of retrying forever.
      if (err instanceof ApiError && err.status === 400) {
        console.warn('Guest progress could not be imported and was discarded:', err.message);
        clearGuest();
      }
      return 'failed';
    }
  })();
  return syncing;
}
