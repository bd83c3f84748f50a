// Reads every content/questions/*.yaml file into one validated list. Used by the site's content
// collection and by the server's quiz engine, so both see the same bank.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { questionFileSchema, type Question } from './question.ts';

/** Loads and validates all question files in `dir`; throws naming the file and field on bad data. */
export function loadQuestionFiles(dir: string): Question[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
  const all: Question[] = [];
  for (const file of files) {
    const parsed = questionFileSchema.safeParse(parse(readFileSync(join(dir, file), 'utf8')));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`${file}: ${issue.path.join('.')}: ${issue.message}`);
    }
    all.push(...parsed.data);
  }
  return all;
}
