// Types shared by every Hono sub-app: the per-request variables and the services they depend on.
import type { Config } from '../config.ts';
import type { Db } from '../db/index.ts';
import type { KafkaRuntime } from '../kafka/types.ts';
import type { SandboxSupport } from '../sandbox/support.ts';
import type { LanguageSupport } from '../toolchains/support.ts';
import type { GradingService } from '../grading/service.ts';
import type { LabRegistry } from '../../labs/_kit/registry.ts';
import type { Language } from '../../labs/_kit/results.ts';

/** The signed-in user, set by the auth middleware (null for guests). */
export interface SessionUser {
  id: number;
  email: string;
  timezone: string;
  /** The language they last chose on a lab page, or null before they chose one. */
  labLanguage: Language | null;
}

/** Hono environment for all API routes. */
export interface AppEnv {
  Variables: {
    user: SessionUser | null;
    /** A stable key for rate limits: `user:<id>` or `ip:<socket address>`. */
    clientKey: string;
  };
}

/** Services handed to createApp; tests build these with in-memory or temporary pieces. */
export interface AppDeps {
  config: Config;
  db: Db;
  kafka: KafkaRuntime;
  /** Injected clock so expiry and timer logic can be tested without waiting. */
  now: () => number;
  /** Every lab, read once at start-up by the lab registry (the only reader of lab folders). */
  labs: LabRegistry;
  /** Lab runs (queue, sandbox, grading); absent when the server cannot run labs. */
  grading?: GradingService;
  /** Whether learner programs can be sandboxed on this host (reported by /api/health). */
  sandbox?: () => SandboxSupport;
  /** Which learner languages this host can run (reported by /api/health). */
  languages?: () => LanguageSupport[];
}
