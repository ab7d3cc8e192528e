// Every kind of task the engine runs. Adding a kind: its file in this folder (../types.ts `TaskKind`:
// payload schema, send, batch size, priority, attempts, backoff) and one line below.
import type { TaskKind } from '../types.js';
import type { KindDeps } from './email.js';
import { sendConfirmationEmail } from './send-confirmation-email.js';
import { sendReminderEmail } from './send-reminder-email.js';

export type { KindDeps };

export function taskKinds(deps: KindDeps): TaskKind[] {
  return [sendConfirmationEmail(deps), sendReminderEmail(deps)];
}
