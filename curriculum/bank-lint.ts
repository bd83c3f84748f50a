// The question-bank linter: figures that show whether test-taking tricks (always "false", always
// the longest option) beat the bank, and the per-question problems behind them. A pure function
// over loaded questions and lessons, so the bank test and synthetic unit tests share one rule book.
import { headingAnchors } from './curriculum.ts';
import { KAFKA_VERSION_RANGE } from './question.ts';

/** The fields of a question the linter reads; a loaded `Question` fits, and so does a bad one. */
export interface LintQuestion {
  id: string;
  type: string;
  prompt: string;
  lesson: string;
  kafkaVersion?: string;
  lengthException?: string;
  options?: readonly { id: string; text: string }[];
  answer?: unknown;
}

/** A lesson as the linter needs it: its slug and its MDX body (headings are slugged here). */
export interface LintLesson {
  slug: string;
  body: string;
}

/** The bounds the bank must stay within. */
export interface BankLimits {
  /** Share of true/false questions whose answer is "true": at least this… */
  minTrueShare: number;
  /** …and at most this. */
  maxTrueShare: number;
  /** Share of single-choice questions whose key is strictly the longest option: at most this. */
  maxLongestKeyShare: number;
  /** The key's length over the median distractor's length must lie within [1/x, x]. */
  maxLengthRatio: number;
}

export const DEFAULT_LIMITS: BankLimits = { minTrueShare: 0.4, maxTrueShare: 0.6, maxLongestKeyShare: 0.35, maxLengthRatio: 1.6 };

export type BankRule = 'true-share' | 'longest-key' | 'length-ratio' | 'duplicate-stem' | 'kafka-version' | 'lesson-anchor';

/** One thing to fix; `id` is the question (or the bank, for share rules). */
export interface BankProblem {
  rule: BankRule;
  id: string;
  message: string;
}

export interface BankFigures {
  questions: number;
  trueFalse: number;
  trueAnswers: number;
  /** trueAnswers / trueFalse (0 when there are none). */
  trueShare: number;
  single: number;
  longestKey: number;
  /** longestKey / single (0 when there are none). */
  longestKeyShare: number;
  /** Single-choice questions excused from the length-ratio rule by a `lengthException` reason. */
  lengthExceptions: number;
  /** Single-choice questions outside the ratio bound and not excused. */
  lengthViolations: number;
  /** Highest key/median-distractor ratio among single-choice questions (either direction, ≥ 1). */
  worstLengthRatio: number;
  /** Multiple-choice: share of questions whose correct options are, on average, longer than the wrong ones (reported, not enforced). */
  multipleKeysLongerShare: number;
}

export interface BankReport {
  figures: BankFigures;
  problems: BankProblem[];
}

/** The length a learner perceives: Markdown code ticks and surrounding space do not count. */
export function visibleLength(text: string): number {
  return text.replace(/`/g, '').replace(/\s+/g, ' ').trim().length;
}

/** A stem reduced to its words, so case, punctuation, Markdown and spacing do not hide a repeat. */
export function normaliseStem(prompt: string): string {
  return prompt.toLowerCase().replace(/[`*_"'“”‘’]/g, '').replace(/[^\p{L}\p{N}.]+/gu, ' ').replace(/\.(?=\s|$)/g, '').trim();
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Checks a `kafkaVersion` range; returns a problem description or null. A range is a list of
 * comparators that must all hold, and it must admit at least one version.
 */
export function kafkaVersionProblem(range: string | undefined): string | null {
  if (range === undefined || range.trim() === '') return 'has no kafkaVersion range for which its answer holds';
  if (!KAFKA_VERSION_RANGE.test(range)) return `kafkaVersion "${range}" is not a range like ">=4.0" or ">=3.9 <4.0"`;
  let lo: { v: number[]; inclusive: boolean } | null = null;
  let hi: { v: number[]; inclusive: boolean } | null = null;
  for (const part of range.trim().split(/\s+/)) {
    const m = /^(>=|<=|>|<|=)?(.+)$/.exec(part)!;
    const op = m[1] ?? '=';
    const v = m[2].split('.').map(Number);
    const tighterLo = (c: { v: number[]; inclusive: boolean }) => !lo || compareVersions(c.v, lo.v) > 0 || (compareVersions(c.v, lo.v) === 0 && !c.inclusive);
    const tighterHi = (c: { v: number[]; inclusive: boolean }) => !hi || compareVersions(c.v, hi.v) < 0 || (compareVersions(c.v, hi.v) === 0 && !c.inclusive);
    if (op === '>=' || op === '>' || op === '=') {
      const c = { v, inclusive: op !== '>' };
      if (tighterLo(c)) lo = c;
    }
    if (op === '<=' || op === '<' || op === '=') {
      const c = { v, inclusive: op !== '<' };
      if (tighterHi(c)) hi = c;
    }
  }
  if (lo && hi) {
    const d = compareVersions(lo.v, hi.v);
    if (d > 0 || (d === 0 && !(lo.inclusive && hi.inclusive))) return `kafkaVersion "${range}" admits no version`;
  }
  return null;
}

/** Lints the bank: figures for the report and every problem, each naming the question and the fix. */
export function lintBank(questions: readonly LintQuestion[], lessons: readonly LintLesson[], limits: BankLimits = DEFAULT_LIMITS): BankReport {
  const problems: BankProblem[] = [];
  const anchorsBySlug = new Map(lessons.map((l) => [l.slug, headingAnchors(l.body)]));
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

  // True/false balance.
  const tf = questions.filter((q) => q.type === 'true_false');
  const trueAnswers = tf.filter((q) => Array.isArray(q.answer) && q.answer[0] === 'true').length;
  const trueShare = tf.length ? trueAnswers / tf.length : 0;
  if (tf.length && (trueShare < limits.minTrueShare || trueShare > limits.maxTrueShare)) {
    problems.push({
      rule: 'true-share',
      id: '(bank)',
      message: `${trueAnswers} of ${tf.length} true/false answers are "true" (${pct(trueShare)}); keep it between ${pct(limits.minTrueShare)} and ${pct(limits.maxTrueShare)}`,
    });
  }

  // Single choice: the longest-option trick and the key's length against its distractors.
  const single = questions.filter((q) => q.type === 'single' && q.options && Array.isArray(q.answer));
  let longestKey = 0;
  let lengthExceptions = 0;
  let lengthViolations = 0;
  let worstLengthRatio = 0;
  for (const q of single) {
    const keyId = (q.answer as string[])[0];
    const key = q.options!.find((o) => o.id === keyId);
    const distractors = q.options!.filter((o) => o.id !== keyId).map((o) => visibleLength(o.text));
    if (!key || distractors.length === 0) continue;
    const keyLength = visibleLength(key.text);
    if (distractors.every((d) => keyLength > d)) longestKey++;
    const med = median(distractors);
    const ratio = med === 0 ? Infinity : keyLength / med;
    const spread = ratio >= 1 ? ratio : 1 / ratio;
    if (q.lengthException) {
      lengthExceptions++;
      continue;
    }
    worstLengthRatio = Math.max(worstLengthRatio, spread);
    if (spread > limits.maxLengthRatio) {
      lengthViolations++;
      problems.push({
        rule: 'length-ratio',
        id: q.id,
        message: `key is ${keyLength} characters, the median distractor ${med} (ratio ${ratio.toFixed(2)}; keep it within ${limits.maxLengthRatio}x either way, or give a lengthException reason)`,
      });
    }
  }
  const longestKeyShare = single.length ? longestKey / single.length : 0;
  if (single.length && longestKeyShare > limits.maxLongestKeyShare) {
    problems.push({
      rule: 'longest-key',
      id: '(bank)',
      message: `in ${longestKey} of ${single.length} single-choice questions the key is strictly the longest option (${pct(longestKeyShare)}); keep it at most ${pct(limits.maxLongestKeyShare)}`,
    });
  }

  // Multiple choice: reported only, so a trend shows before it becomes a trick.
  const multiple = questions.filter((q) => q.type === 'multiple' && q.options && Array.isArray(q.answer));
  const keysLonger = multiple.filter((q) => {
    const keys = new Set(q.answer as string[]);
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    const right = q.options!.filter((o) => keys.has(o.id)).map((o) => visibleLength(o.text));
    const wrong = q.options!.filter((o) => !keys.has(o.id)).map((o) => visibleLength(o.text));
    return wrong.length > 0 && avg(right) > avg(wrong);
  }).length;

  // Stems, versions and lesson links, per question.
  const byStem = new Map<string, string>();
  for (const q of questions) {
    const stem = normaliseStem(q.prompt);
    const first = byStem.get(stem);
    if (first !== undefined) problems.push({ rule: 'duplicate-stem', id: q.id, message: `has the same stem as ${first}` });
    else byStem.set(stem, q.id);

    const version = kafkaVersionProblem(q.kafkaVersion);
    if (version) problems.push({ rule: 'kafka-version', id: q.id, message: version });

    const [slug, anchor] = q.lesson.split('#');
    const anchors = anchorsBySlug.get(slug);
    if (!anchors) problems.push({ rule: 'lesson-anchor', id: q.id, message: `links to lesson "${slug}", which does not exist` });
    else if (!anchor || !anchors.has(anchor)) problems.push({ rule: 'lesson-anchor', id: q.id, message: `links to ${q.lesson}, but lesson "${slug}" has no heading with id "${anchor ?? ''}"` });
  }

  return {
    figures: {
      questions: questions.length,
      trueFalse: tf.length,
      trueAnswers,
      trueShare,
      single: single.length,
      longestKey,
      longestKeyShare,
      lengthExceptions,
      lengthViolations,
      worstLengthRatio,
      multipleKeysLongerShare: multiple.length ? keysLonger / multiple.length : 0,
    },
    problems,
  };
}

/** The figures as a short plain-text table, for the test log and for notes. */
export function formatFigures(f: BankFigures, limits: BankLimits = DEFAULT_LIMITS): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  const rows: [string, string, string][] = [
    ['questions', String(f.questions), ''],
    ['true/false answered "true"', `${f.trueAnswers}/${f.trueFalse} = ${pct(f.trueShare)}`, `${pct(limits.minTrueShare)}–${pct(limits.maxTrueShare)}`],
    ['single-choice key strictly longest', `${f.longestKey}/${f.single} = ${pct(f.longestKeyShare)}`, `≤ ${pct(limits.maxLongestKeyShare)}`],
    ['key/median-distractor ratio, worst', f.worstLengthRatio.toFixed(2), `≤ ${limits.maxLengthRatio}`],
    ['length-ratio violations', String(f.lengthViolations), '0'],
    ['length-ratio exceptions (with reason)', String(f.lengthExceptions), ''],
    ['multiple-choice keys longer on average', pct(f.multipleKeysLongerShare), '(reported)'],
  ];
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  return rows.map(([a, b, c]) => `${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}`.trimEnd()).join('\n');
}
