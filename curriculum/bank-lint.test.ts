// The bank linter on the real bank (prints its figures, fails when one is out of bounds) and on
// small synthetic banks that show each rule passes a good bank and catches a bad one.
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatFigures, kafkaVersionProblem, lintBank, normaliseStem, type BankRule, type LintLesson, type LintQuestion } from './bank-lint.ts';
import { headingAnchors, readLessons } from './curriculum.ts';
import { loadQuestionFiles } from './load-questions.ts';

const root = resolve(import.meta.dirname, '..');

describe('the question bank', () => {
  const questions = loadQuestionFiles(join(root, 'content/questions'));
  const lessons = readLessons(join(root, 'content/lessons'));
  const report = lintBank(questions, lessons);
  console.log(`question bank figures\n${formatFigures(report.figures)}`);

  const rules: BankRule[] = ['true-share', 'longest-key', 'length-ratio', 'duplicate-stem', 'kafka-version', 'lesson-anchor'];
  it.each(rules)('passes the %s rule', (rule) => {
    const found = report.problems.filter((p) => p.rule === rule).map((p) => `${p.id}: ${p.message}`);
    expect(found).toEqual([]);
  });
});

// ---- synthetic banks ----------------------------------------------------------------------

const lesson: LintLesson = { slug: 'l', body: '## Acks and `min.insync.replicas`\n\ntext\n\n## Why?\n' };
const anchor = 'l#acks-and-mininsyncreplicas';

let n = 0;
function tf(answer: 'true' | 'false', extra: Partial<LintQuestion> = {}): LintQuestion {
  n++;
  return {
    id: `tf-${n}`,
    type: 'true_false',
    prompt: `Statement number ${n}.`,
    lesson: anchor,
    kafkaVersion: '>=4.0',
    options: [{ id: 'true', text: 'True' }, { id: 'false', text: 'False' }],
    answer: [answer],
    ...extra,
  };
}
function single(key: string, distractors: string[], extra: Partial<LintQuestion> = {}): LintQuestion {
  n++;
  const options = [{ id: 'k', text: key }, ...distractors.map((text, i) => ({ id: `d${i}`, text }))];
  return { id: `s-${n}`, type: 'single', prompt: `Single question ${n}?`, lesson: anchor, kafkaVersion: '>=4.0', options, answer: ['k'], ...extra };
}
const rulesHit = (qs: LintQuestion[], lessons: LintLesson[] = [lesson]) => [...new Set(lintBank(qs, lessons).problems.map((p) => p.rule))].sort();

/** A bank that passes every rule: 2 of 4 "true", 1 of 3 keys strictly longest, even lengths. */
const good = () => [
  tf('true'), tf('false'), tf('true'), tf('false'),
  single('abcdefghij', ['abcdefghi', 'abcdefgh', 'abcdefg']),
  single('abcdefgh', ['abcdefghij', 'abcdefghi', 'abcdefg']),
  single('abcdefg', ['abcdefghij', 'abcdefghi', 'abcdefgh']),
];

describe('bank linter rules', () => {
  it('passes a balanced bank', () => {
    expect(rulesHit(good())).toEqual([]);
  });

  it('fails when too few or too many true/false answers are "true"', () => {
    const mostlyFalse = [...good().filter((q) => q.type !== 'true_false'), tf('true'), tf('false'), tf('false'), tf('false')];
    expect(rulesHit(mostlyFalse)).toEqual(['true-share']);
    const mostlyTrue = [...good().filter((q) => q.type !== 'true_false'), tf('true'), tf('true'), tf('true'), tf('false')];
    expect(rulesHit(mostlyTrue)).toEqual(['true-share']);
    expect(lintBank(mostlyFalse, [lesson]).figures.trueShare).toBe(0.25);
  });

  it('fails when the key is strictly the longest option too often, and ties do not count', () => {
    const longest = [...good().filter((q) => q.type !== 'single'), single('abcdefghij', ['abcdefghi', 'abcdefgh']), single('abcdefghij', ['abcdefghi', 'abcdefgh'])];
    expect(rulesHit(longest)).toEqual(['longest-key']);
    const tied = [...good().filter((q) => q.type !== 'single'), single('abcdefghij', ['abcdefghij', 'abcdefgh']), single('abcdefghij', ['abcdefghij', 'abcdefgh'])];
    expect(lintBank(tied, [lesson]).figures.longestKey).toBe(0);
  });

  it('fails a key far longer or far shorter than the median distractor unless a reason is given', () => {
    const long = single('a'.repeat(33), ['a'.repeat(20), 'a'.repeat(20), 'a'.repeat(40)]);
    const short = single('a'.repeat(12), ['a'.repeat(20), 'a'.repeat(20), 'a'.repeat(40)]);
    const report = lintBank([...good(), long, short], [lesson]);
    expect(report.problems.filter((p) => p.rule === 'length-ratio').map((p) => p.id)).toEqual([long.id, short.id]);
    const excused = single('a'.repeat(33), ['a'.repeat(20), 'a'.repeat(20), 'a'.repeat(40)], { lengthException: 'the config name is long' });
    const r2 = lintBank([...good(), excused], [lesson]);
    expect(r2.problems).toEqual([]);
    expect(r2.figures.lengthExceptions).toBe(1);
    // Within the bound (32/20 = 1.6) passes; Markdown code ticks do not count as length.
    expect(rulesHit([...good(), single('`' + 'a'.repeat(32) + '`', ['a'.repeat(20), 'a'.repeat(20), 'a'.repeat(40)])])).toEqual([]);
  });

  it('fails two questions with the same stem, whatever their case, punctuation or Markdown', () => {
    const a = single('abcdefgh', ['abcdefghij', 'abcdefghi'], { prompt: 'What does `acks=all` wait for?' });
    const b = single('abcdefgh', ['abcdefghij', 'abcdefghi'], { prompt: 'what does acks=all  wait for' });
    expect(normaliseStem(a.prompt)).toBe(normaliseStem(b.prompt));
    const report = lintBank([...good(), a, b], [lesson]);
    expect(report.problems.map((p) => [p.rule, p.id])).toEqual([['duplicate-stem', b.id]]);
    expect(normaliseStem('acks=1 or acks=all?')).not.toBe(normaliseStem('acks=0 or acks=all?'));
  });

  it('fails a question without a valid, satisfiable kafkaVersion range', () => {
    expect(rulesHit([...good(), tf('true', { kafkaVersion: undefined }), tf('false')])).toEqual(['kafka-version']);
    expect(kafkaVersionProblem('4.x')).toMatch(/not a range/);
    expect(kafkaVersionProblem('>=4.0 <3.9')).toMatch(/admits no version/);
    expect(kafkaVersionProblem('>=4.0 <4.0')).toMatch(/admits no version/);
    expect(kafkaVersionProblem('>=3.9 <4.0')).toBeNull();
    expect(kafkaVersionProblem('>=4.0')).toBeNull();
    expect(kafkaVersionProblem('=4.1')).toBeNull();
  });

  it('fails a link to a missing lesson or a heading the lesson does not have', () => {
    const missingLesson = tf('true', { lesson: 'nope#acks-and-mininsyncreplicas' });
    const missingHeading = tf('false', { lesson: 'l#acks' });
    const report = lintBank([...good(), missingLesson, missingHeading], [lesson]);
    expect(report.problems.map((p) => [p.rule, p.id])).toEqual([
      ['lesson-anchor', missingLesson.id],
      ['lesson-anchor', missingHeading.id],
    ]);
  });
});

describe('heading anchors, as the site slugs them', () => {
  it('keeps inline code text, drops punctuation and trailing dashes, numbers repeats', () => {
    const ids = headingAnchors(
      [
        '## Acks and `min.insync.replicas`',
        '## The `max_poll_records` knob',
        '## **Bold** and _emphasis_',
        '## Why?',
        '## Why?',
        '## Retries →',
        '```sh',
        '# not a heading',
        '```',
        '<h3 id="custom-anchor">Custom</h3>',
      ].join('\n'),
    );
    expect([...ids]).toEqual([
      'acks-and-mininsyncreplicas',
      'the-max_poll_records-knob',
      'bold-and-emphasis',
      'why',
      'why-1',
      'retries',
      'custom-anchor',
    ]);
  });
});
