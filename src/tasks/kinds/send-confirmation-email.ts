// Task kind `send-confirmation-email`: the runner's confirmation, written in the registration's own
// statement and sent right after the answer (the fast path). Priority 0: nothing goes before it.
import { emailKind, type KindDeps } from './email.js';

export const SEND_CONFIRMATION_EMAIL = 'send-confirmation-email';

export const sendConfirmationEmail = (deps: KindDeps) => emailKind(SEND_CONFIRMATION_EMAIL, 0, deps);
