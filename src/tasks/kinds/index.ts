// Every kind of task the engine runs. Adding a kind: its file in this folder (../types.ts `TaskKind`:
// payload schema, send, batch size, priority, attempts, backoff) and one line below.
import type { TaskKind } from '../types.js';
import type { KindDeps } from './email.js';
import { expireHold } from './expire-hold.js';
import { offerFreePlaces } from './offer-free-places.js';
import { sendConfirmationEmail } from './send-confirmation-email.js';
import { sendReminderEmail } from './send-reminder-email.js';
import { sendRunnerEmail } from './send-runner-email.js';

export type { KindDeps };

export function taskKinds(deps: KindDeps): TaskKind[] {
  const kinds = [sendConfirmationEmail(deps), sendReminderEmail(deps)];
  if (deps.waitlist) {
    kinds.push(sendRunnerEmail(deps, deps.waitlist), expireHold(deps.waitlist), offerFreePlaces(deps.waitlist));
  }
  return kinds;
}
