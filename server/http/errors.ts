// Uniform JSON errors. Every 4xx/5xx body is { error: { code, message, details? } } where message
// says what happened and what to do, so the UI can show it verbatim.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';

export interface ApiError {
  error: { code: string; message: string; details?: unknown };
}

/** Builds an error response. */
export function apiError<S extends ContentfulStatusCode>(c: Context, status: S, code: string, message: string, details?: unknown) {
  const body = { error: { code, message, ...(details === undefined ? {} : { details: details as never }) } } satisfies ApiError;
  return c.json(body, status);
}

/** The zod schema of an error body, for route `responses` in OpenAPI definitions. */
export { ApiErrorSchema } from './error-schema.ts';

/** Turns a ZodError into one readable sentence plus per-field details. */
export function describeZodError(err: ZodError): { message: string; details: { path: string; message: string }[] } {
  const details = err.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message }));
  const first = details[0];
  return { message: `Invalid request: ${first.path}: ${first.message}`, details };
}

/** The defaultHook for OpenAPIHono/zod-validator: a 400 with every field problem listed. */
export function validationHook(result: { success: boolean; error?: ZodError }, c: Context) {
  if (!result.success && result.error) {
    const { message, details } = describeZodError(result.error);
    return apiError(c, 400, 'invalid_request', message, details);
  }
  return undefined;
}
