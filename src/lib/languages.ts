// How the site names each learner language in prose and tables (the lab switch adds the client).
import type { Language } from '../../labs/_kit/results.ts';

export const LANGUAGE_TITLES: Readonly<Record<Language, string>> = { typescript: 'TypeScript', java: 'Java', python: 'Python' };

/** The title of a language, or the raw name of one this page does not know. */
export const languageTitle = (language: string): string => (LANGUAGE_TITLES as Record<string, string>)[language] ?? language;
