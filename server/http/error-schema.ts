// The JSON error body as a zod/OpenAPI schema, so every route can document its 4xx responses.
import { z } from '@hono/zod-openapi';

/** `{ error: { code, message, details? } }`: message says what happened and what to do. */
export const ApiErrorSchema = z
  .object({ error: z.object({ code: z.string(), message: z.string(), details: z.any().optional() }) })
  .openapi('ApiError');
