// "We could not reach you at a…@example.com": what the runner's pages (the manage page, and the
// confirmation page) say when the provider could not deliver the confirmation — a bounce, a complaint,
// a suppression, a failure — with the address masked, and the form for another address. The notices
// its posts come back with (`?done=<code>`) are from the fixed list below: nothing of the request is echoed.
import type { Race } from '../../domain/race.js';
import { type ProviderDeliveryStatus, UNREACHABLE_DELIVERIES } from '../../ports/email-delivery.js';
import type { Registration, RegistrationStatus, RegistrationWithDelivery } from '../../ports/store.js';
import { providerDeliveryWords } from './format.js';

export const EMAIL_NOTICES = [
  'email-changed',
  'email-updated',
  'email-invalid',
  'email-taken',
  'email-unreachable',
  'email-closed',
  'email-not-yours',
] as const;
export type EmailNotice = (typeof EMAIL_NOTICES)[number];

/** The notices that refuse a new address: shown at the address's field when the form is on the page. */
export const EMAIL_REFUSALS: readonly EmailNotice[] = [
  'email-invalid',
  'email-taken',
  'email-unreachable',
  'email-not-yours',
];

export function isEmailNotice(code: string | undefined): code is EmailNotice {
  return (EMAIL_NOTICES as readonly (string | undefined)[]).includes(code);
}

/**
 * The notice an address change comes back with (waitlist/actions.ts `changeEmail`): a registered runner's
 * confirmation goes out again, the others' next letters go to the address; the same address again changed
 * nothing and comes back without one.
 */
export function emailChangeNotice(
  outcome: 'changed' | 'unchanged' | 'closed' | 'suppressed' | 'already_registered',
  status: RegistrationStatus,
): EmailNotice | undefined {
  switch (outcome) {
    case 'changed':
      return status === 'registered' ? 'email-changed' : 'email-updated';
    case 'unchanged':
      return undefined;
    case 'closed':
      return 'email-closed';
    case 'already_registered':
      return 'email-taken';
    case 'suppressed':
      return 'email-unreachable';
  }
}

export function emailNoticeText(notice: EmailNotice, race: Pick<Race, 'name'>): { tone: 'ok' | 'error'; text: string } {
  switch (notice) {
    case 'email-changed':
      return { tone: 'ok', text: 'Your email address is changed. Your confirmation email is on its way to it.' };
    case 'email-updated':
      return { tone: 'ok', text: 'Your email address is changed: our next emails go to it.' };
    case 'email-invalid':
      return { tone: 'error', text: 'That is not an email address we can use: check it and try again.' };
    case 'email-taken':
      return { tone: 'error', text: `That address is already registered for ${race.name}: use another.` };
    case 'email-unreachable':
      return { tone: 'error', text: 'We could not reach this address before; use another.' };
    case 'email-closed':
      return { tone: 'error', text: 'This registration is closed: its address can no longer change.' };
    case 'email-not-yours':
      return { tone: 'error', text: 'That is not the address this registration was made with.' };
  }
}

/** The deliveries after which the page asks for another address: nothing more reaches this one. */
const ASK_FOR_ANOTHER: readonly ProviderDeliveryStatus[] = [...UNREACHABLE_DELIVERIES, 'failed'];

/** `a…@example.com`: enough for the runner to recognise their address, not enough to give it away. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  const first = Array.from(email.slice(0, Math.max(at, 0)))[0] ?? '';
  return `${first}…${at >= 0 ? email.slice(at) : ''}`;
}

/** Whether the page asks for another address: the confirmation could not reach this one, and the registration is open. */
export function asksForAnotherAddress(
  registration: Registration,
  email: RegistrationWithDelivery['email'] | undefined,
): boolean {
  if (registration.status === 'withdrawn' || registration.status === 'expired') return false;
  return email?.delivery !== undefined && ASK_FOR_ANOTHER.includes(email.delivery);
}

/**
 * "We could not reach you at a…@example.com": the provider's word on the confirmation, and the form
 * for another address (a plain post; a refusal comes back as a notice shown at the field).
 */
export function AddressFix(props: {
  registration: Registration;
  delivery: ProviderDeliveryStatus;
  /** Where the form posts. */
  action: string;
  error?: string;
  /**
   * Ask for the address signed up with too (the confirmation page: its address is the registration's
   * id alone, so knowing the address it could not reach is what shows the runner is the one asking).
   */
  askCurrent?: boolean;
}) {
  const { registration, error } = props;
  return (
    <section class="status" aria-labelledby="address-title">
      <div>
        <h2 id="address-title">
          We could not reach you at <span class="address">{maskEmail(registration.email)}</span>
        </h2>
        <p class="muted">
          {providerDeliveryWords(props.delivery)}. Enter another address: we send your confirmation there, and our
          emails from now on.
        </p>
        <form method="post" action={props.action} class="stack">
          {props.askCurrent ? (
            <div class="field">
              <label for="current-email">The address you signed up with</label>
              <input type="email" id="current-email" name="current" autocomplete="off" required maxlength={254} />
            </div>
          ) : null}
          <div class="field">
            <label for="new-email">Your correct address</label>
            <input
              type="email"
              id="new-email"
              name="email"
              autocomplete="email"
              required
              maxlength={254}
              {...(error ? { 'aria-invalid': 'true', 'aria-describedby': 'new-email-error' } : {})}
            />
            {error ? (
              <span class="error-message" id="new-email-error">
                {error}
              </span>
            ) : null}
          </div>
          <button type="submit" class="button">
            Use this address
          </button>
        </form>
      </div>
    </section>
  );
}
