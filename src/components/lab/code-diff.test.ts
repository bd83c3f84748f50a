import { describe, expect, it } from 'vitest';
import { diffRows, diffSummary } from './code-diff.ts';

describe('comparing the learner code with the reference solution', () => {
  it('marks lines only in my code, only in the reference, and shared ones, with both line numbers', () => {
    const mine = ['a', 'mine only', 'c'].join('\n');
    const reference = ['a', 'c', 'ref only'].join('\n');
    expect(diffRows(mine, reference)).toEqual([
      { kind: 'same', mineLine: 1, referenceLine: 1, text: 'a' },
      { kind: 'mine', mineLine: 2, referenceLine: null, text: 'mine only' },
      { kind: 'same', mineLine: 3, referenceLine: 2, text: 'c' },
      { kind: 'reference', mineLine: null, referenceLine: 3, text: 'ref only' },
    ]);
  });

  it('finds no difference between identical programs, whatever their final newline or line endings', () => {
    const rows = diffRows('x\r\ny\r\n', 'x\ny');
    expect(rows.every((r) => r.kind === 'same')).toBe(true);
    expect(rows).toHaveLength(2);
    expect(diffSummary(rows)).toEqual({ mine: 0, reference: 0 });
  });

  it('keeps blank lines as lines and counts each side', () => {
    const rows = diffRows('a\n\nb\n', 'a\nb\nc\nd\n');
    expect(rows.map((r) => r.text)).toEqual(['a', '', 'b', 'c', 'd']);
    expect(diffSummary(rows)).toEqual({ mine: 1, reference: 2 });
  });
});
