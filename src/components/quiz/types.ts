// Shapes of the /api/quizzes responses as the quiz islands use them (see server/quizzes/routes.ts).

// Answer and result shapes come straight from the server's types so the two cannot drift apart.
import type { QuestionType } from '../../../curriculum/question.ts';
import type { Answer } from '../../../server/quizzes/grade.ts';
import type { QuestionResult } from '../../../server/quizzes/store.ts';
export type { Answer, QuestionResult, QuestionType };

export interface QuizQuestion {
  id: string;
  position: number;
  type: QuestionType;
  level: string;
  pattern: string;
  topics: string[];
  prompt: string;
  options?: { id: string; text: string }[];
  unit?: string;
  keyPointCount?: number;
}

export interface ScoreSlice {
  key: string;
  points: number;
  max: number;
  pct: number;
}

export interface QuizResults {
  score: { points: number; max: number; pct: number };
  byTopic: ScoreSlice[];
  byPattern: ScoreSlice[];
  misses: string[];
  questions: QuestionResult[];
}

export interface MockLab {
  slug: string;
  title: string;
  run: { runId: string; language: string; state: string; outcome: 'pass' | 'fail' | 'error' | null; passed: number | null; total: number | null; createdAt: number } | null;
  runs: number;
}

export interface Attempt {
  id: string;
  mode: 'practice' | 'mock' | 'review';
  spec: { pattern?: string; level?: string; topic?: string; type?: string; lab?: string; requested: number };
  /** A mock interview's lab, with the best run of it started within the quiz. */
  lab: MockLab | null;
  status: 'in_progress' | 'submitted';
  startedAt: number;
  deadlineAt: number;
  serverNow: number;
  remainingMs: number;
  timeLimitSeconds: number;
  /** The question the learner was last on (0-based); a reload returns there. */
  currentPosition: number;
  submittedAt: number | null;
  autoSubmitted: boolean;
  questions: QuizQuestion[];
  answers: Record<string, { answer: Answer; savedAt: number }>;
  revealed: Record<string, { modelAnswer: string; keyPoints: string[] }>;
  results: QuizResults | null;
  token?: string;
}

/** How the quiz builder and labels name each question type. */
export const QUESTION_TYPE_TITLES: Record<string, string> = {
  single: 'single choice',
  multiple: 'multiple choice',
  true_false: 'true or false',
  ordering: 'put in order',
  numeric: 'value',
  open: 'open answer',
};

/** A short human label for an attempt ("Mock interview", "Producer · Beginner", …). */
export function attemptLabel(a: { mode: string; spec: { pattern?: string; level?: string; topic?: string; type?: string; lab?: string } }): string {
  if (a.mode === 'mock') return a.spec.lab ? `Mock interview with the ${a.spec.lab} lab` : 'Mock interview';
  if (a.mode === 'review') return 'Review of missed questions';
  const parts = [a.spec.pattern, a.spec.level, a.spec.topic && `topic ${a.spec.topic}`, a.spec.type && (QUESTION_TYPE_TITLES[a.spec.type] ?? a.spec.type)].filter(Boolean);
  return parts.length ? `Practice: ${parts.join(' · ')}` : 'Practice: all questions';
}
