// The letters the waitlist writes to runners from background statements (an offer made when someone
// else withdraws, an offer that expired): the task's payload holds the runner's values, taken from their
// row in SQL, and the email is rendered from it when it is sent — the same bytes on every attempt.
import * as z from 'zod/mini';
import type { EmailMessage } from './mailer.js';

export const RUNNER_LETTERS = ['waitlist', 'offer', 'withdrawn', 'expired', 'verify'] as const;

export const runnerLetterSchema = z.object({
  letter: z.enum(RUNNER_LETTERS),
  registrationId: z.string(),
  to: z.string(),
  firstName: z.string(),
  distance: z.string(),
  /** waitlist: the runner's number when they joined. */
  position: z.optional(z.number()),
  /** offer, verify: the deadline (as the database wrote it). */
  expiresAt: z.optional(z.string()),
  /** withdrawn: what the runner withdrew from. */
  was: z.optional(z.enum(['registered', 'waitlisted', 'offered', 'pending_verification'])),
  /** expired: an offer, or a verification hold. */
  what: z.optional(z.enum(['offer', 'hold'])),
});
export type RunnerLetter = z.infer<typeof runnerLetterSchema>;

/** The email of a letter, with the runner's manage link. */
export type RenderLetter = (letter: RunnerLetter) => Promise<EmailMessage>;
