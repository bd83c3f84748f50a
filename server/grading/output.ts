// Caps the learner's captured output for the results: keeps the tail (where crashes print) and says
// plainly how much was cut.

/** Largest `output` placed in the results. */
export const RESULT_OUTPUT_CHARS = 4000;

/** Keeps the last `max` characters with a truncation marker in front when anything was cut. */
export function capTail(text: string, max = RESULT_OUTPUT_CHARS, alreadyTruncated = false): string {
  if (text.length <= max && !alreadyTruncated) return text;
  const kept = text.slice(-max);
  const cut = text.length - kept.length;
  const why = alreadyTruncated ? 'the sandbox stopped capturing at its output cap' : `${cut} earlier characters omitted`;
  return `[output truncated: ${why}]\n${kept}`;
}

/** The last `lines` lines of a text. */
export function tailLines(text: string, lines = 15): string {
  const all = text.replace(/\s+$/, '').split('\n');
  return all.slice(-lines).join('\n');
}
