// Task kind `send-reminder-email`: a race-week reminder ("7 days to go"), scheduled in the registration's
// own statement at its instant (src/domain/reminders.ts) and keyed `reminder:<registration>:<offset>`,
// so a withdrawal can cancel it. Priority 10: when reminders fall due by the thousand, a confirmation
// still goes first.
import { emailKind, type KindDeps } from './email.js';

export const SEND_REMINDER_EMAIL = 'send-reminder-email';

export const REMINDER_PRIORITY = 10;

/** A reminder's task key: one per registration and reminder. */
export const reminderKey = (registrationId: string, offset: string) => `reminder:${registrationId}:${offset}`;

export const sendReminderEmail = (deps: KindDeps) => emailKind(SEND_REMINDER_EMAIL, REMINDER_PRIORITY, deps);
