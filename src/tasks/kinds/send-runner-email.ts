// Task kind `send-runner-email`: the waitlist's letters to a runner (on the waitlist, a place offered,
// withdrawn, an offer expired), written by the statements that change where the runner stands, with
// the runner's values from their row. Priority 0: an offer's deadline is already running.
import { type KindDeps, letterKind, type WaitlistKindDeps } from './email.js';

export const SEND_RUNNER_EMAIL = 'send-runner-email';

export const sendRunnerEmail = (deps: KindDeps, waitlist: WaitlistKindDeps) =>
  letterKind(SEND_RUNNER_EMAIL, 0, { ...deps, renderLetter: waitlist.renderLetter });
