// A task's payload comes back from the database as `unknown`: each kind parses it with its own schema
// before use, rather than trusting a cast. A payload that does not parse now never will, so it is a
// permanent error (dead letter at once). The error names the fields at fault and what is wrong with
// them, never their values: they carry the runner's data, and the error is kept on the task row.
import type * as z from 'zod/mini';
import { PermanentError } from './errors.js';

/** Issues named in the error; a payload that is wrong everywhere needs no longer message. */
const MAX_ISSUES = 5;

/** The payload parsed by `schema`, or a PermanentError naming the fields at fault. */
export function parsePayload<Payload>(schema: z.ZodMiniType<Payload>, payload: unknown): Payload {
  const parsed = schema.safeParse(payload);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, MAX_ISSUES)
      .map((issue) => `${issue.path.join('.') || '(payload)'}: ${issue.code}`);
    throw new PermanentError(`invalid payload (${issues.join('; ')})`);
  }
  return parsed.data;
}
