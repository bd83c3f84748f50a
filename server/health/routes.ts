// GET /api/health: is the database answering, and is Kafka ready for labs (and if not, what to do).
import { languageSchema } from '../../labs/_kit/results.ts';
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { dbStatus } from '../db/index.ts';
import type { AppDeps, AppEnv } from '../http/types.ts';

const KafkaStatusSchema = z.object({
  mode: z.enum(['local', 'external', 'unavailable']),
  provisioned: z.boolean(),
  version: z.string().nullable(),
  source: z.enum(['maven-cache', 'kafka-home', 'external']).nullable(),
  javaVersion: z.string().nullable(),
  poolSize: z.number(),
  warmBrokers: z.number(),
  startingBrokers: z.number(),
  missing: z.array(z.string()),
  fix: z.array(z.string()),
  lastError: z.string().optional(),
});

const HealthSchema = z
  .object({
    status: z.enum(['ok', 'degraded']),
    database: z.object({ ok: z.boolean(), migrations: z.number(), error: z.string().optional() }),
    kafka: KafkaStatusSchema,
    sandbox: z
      .object({
        ok: z.boolean().openapi({ description: 'Lab programs can run here (in the sandbox or in local mode)' }),
        mode: z.enum(['bwrap', 'local', 'refused']).openapi({ description: 'bwrap: the bubblewrap sandbox; local: plain processes of the server\'s user, not isolated (LAB_SANDBOX, loopback HOST only); refused: no runs' }),
        warning: z.string().optional().openapi({ description: 'In local mode: what is not isolated, and how to get the sandbox' }),
        problems: z.array(z.string()).openapi({ description: 'When refused, why and what to do first; then what the bubblewrap sandbox lacks here' }),
        enforced: z.array(z.string()),
        notEnforced: z.array(z.string()),
      })
      .optional()
      .openapi({ description: 'How lab programs run here and what is enforced; absent when not checked' }),
    languages: z
      .array(z.object({ language: languageSchema, available: z.boolean(), runtime: z.string().optional(), problem: z.string().optional(), fix: z.string().optional() }))
      .optional()
      .openapi({ description: 'Which languages lab programs can be written in on this server; for a missing one, why and how to get it' }),
  })
  .openapi('Health');

const route = createRoute({
  method: 'get',
  path: '/',
  summary: 'Database and Kafka runtime status',
  responses: { 200: { description: 'Status of the platform', content: { 'application/json': { schema: HealthSchema } } } },
});

/** The health sub-app, mounted at /api/health. */
export function healthRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();
  return app.openapi(route, (c) => {
    const database = dbStatus(deps.db);
    const kafka = deps.kafka.status();
    const sandbox = deps.sandbox?.();
    const languages = deps.languages?.();
    const ready = database.ok && kafka.mode !== 'unavailable' && (sandbox?.ok ?? true);
    return c.json({ status: ready ? ('ok' as const) : ('degraded' as const), database, kafka, ...(sandbox ? { sandbox } : {}), ...(languages ? { languages } : {}) }, 200);
  });
}
