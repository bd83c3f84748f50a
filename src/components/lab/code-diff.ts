// The rows of the "Compare with my code" view: a line diff (jsdiff's diffLines) of the learner's
// program against the reference solution, with each side's line number, so the table can show
// "−" for a line only in the learner's code and "+" for one only in the reference.
import { diffLines } from 'diff';

/** One line of the comparison. */
export interface DiffRow {
  /** same: in both; mine: only in the learner's code (−); reference: only in the solution (+). */
  kind: 'same' | 'mine' | 'reference';
  /** Line number in the learner's code, or null for a line it lacks. */
  mineLine: number | null;
  /** Line number in the reference solution, or null for a line it lacks. */
  referenceLine: number | null;
  text: string;
}

/** The lines of one diff part (its final newline ends the last line, it does not start another). */
function lines(value: string): string[] {
  return value.replace(/\r?\n$/, '').split(/\r?\n/);
}

/** The comparison of `mine` with `reference`, line by line, in reading order. */
export function diffRows(mine: string, reference: string): DiffRow[] {
  const rows: DiffRow[] = [];
  let m = 1;
  let r = 1;
  // A trailing newline on one side only is not a difference a learner cares about.
  const norm = (s: string) => (s.endsWith('\n') ? s : `${s}\n`);
  for (const part of diffLines(norm(mine), norm(reference), { stripTrailingCr: true })) {
    for (const text of lines(part.value)) {
      if (part.removed) rows.push({ kind: 'mine', mineLine: m++, referenceLine: null, text });
      else if (part.added) rows.push({ kind: 'reference', mineLine: null, referenceLine: r++, text });
      else rows.push({ kind: 'same', mineLine: m++, referenceLine: r++, text });
    }
  }
  return rows;
}

/** How many lines only one side has, for the view's summary sentence. */
export function diffSummary(rows: DiffRow[]): { mine: number; reference: number } {
  return { mine: rows.filter((x) => x.kind === 'mine').length, reference: rows.filter((x) => x.kind === 'reference').length };
}
