// Compile and syntax errors of learner programs in one shape for every language, and their text in
// the form the TypeScript bundler already uses (`FILE:LINE:COL: message`, the source line, a caret),
// so the CLI, the API and the editor markers treat a Java or Python error like a TypeScript one.

/** One compile error, 1-based; column counts UTF-16 code units from the start of the line, tabs as one. */
export interface SourceDiagnostic {
  file: string;
  line: number;
  column: number;
  message: string;
}

/** `FILE:LINE:COL: first line of the message`, the source line, a caret, then the rest of the message. */
export function formatDiagnostics(diagnostics: SourceDiagnostic[], source: string): string {
  const lines = source.split('\n');
  return diagnostics
    .map((d) => {
      const [first, ...rest] = d.message.split('\n');
      const head = d.line > 0 ? `${d.file}:${d.line}:${d.column}: ${first}` : `${d.file}: ${first}`;
      const text = d.line > 0 ? lines[d.line - 1]?.replace(/\r$/, '') : undefined;
      const caret = text !== undefined && d.column > 0 ? `\n    ${text}\n    ${' '.repeat(d.column - 1)}^` : '';
      return `${head}${caret}${rest.length ? `\n${rest.join('\n')}` : ''}`;
    })
    .join('\n');
}
