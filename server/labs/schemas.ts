// The run contract's schemas (labs/_kit/results.ts) as named OpenAPI components, so
// /api/openapi.json describes a run's results once and every route refers to it.
import { diagnosticSchema, runResultsSchema } from '../../labs/_kit/results.ts';

export const RunResultsSchema = runResultsSchema.openapi('RunResults');
export const DiagnosticSchema = diagnosticSchema.openapi('Diagnostic');
