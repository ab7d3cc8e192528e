// The sign-up page: the race, its distances with places left, and the form (POST /register). Works
// without JavaScript; after a refused post (redirected back here, sign-up/form-flash.ts) the page comes
// back with the runner's input kept and each message beside its field (aria-invalid +
// aria-describedby), listed again in a summary at the top; an address already registered is offered
// its confirmation again. When the race has a waitlist, a full distance stays selectable ("Full — join
// the waitlist") and the form asks to join (`joinWaitlist`): a sign-up for it gets a number instead.

import type { Child } from 'hono/jsx';
import { formatRaceDate } from '../../domain/confirmation-email.js';
import type { Race } from '../../domain/race.js';
import type { FieldProblem } from '../../domain/registration.js';
import { formatCount, offerHeldFor } from './format.js';
import { Layout, type Site } from './layout.js';

export const FORM_FIELDS = ['firstName', 'lastName', 'email', 'address', 'distance'] as const;
/**
 * The form's hidden field on a race with a waitlist: join the waitlist when the distance is full (the
 * API's `joinWaitlist: true`). Every sign-up from the page asks it: a full distance says so in its label.
 */
export const JOIN_WAITLIST_FIELD = 'joinWaitlist';
export type FormField = (typeof FORM_FIELDS)[number];
export type FormValues = Partial<Record<FormField, string>>;
export type FormErrors = Partial<Record<FormField, string>>;

const LABELS: Record<FormField, string> = {
  firstName: 'First name',
  lastName: 'Last name',
  email: 'Email address',
  address: 'Postal address',
  distance: 'Distance',
};

const MISSING: Record<FormField, string> = {
  firstName: 'Enter your first name',
  lastName: 'Enter your last name',
  email: 'Enter your email address',
  address: 'Enter your postal address',
  distance: 'Choose a distance',
};

function isFormField(path: string): path is FormField {
  return (FORM_FIELDS as readonly string[]).includes(path);
}

/** The validator's problems (the same rules as the API) as one sentence per field. */
export function problemsToErrors(problems: FieldProblem[]): FormErrors {
  const errors: FormErrors = {};
  for (const problem of problems) {
    const field = isFormField(problem.path) ? problem.path : undefined;
    if (!field || errors[field]) continue;
    const missing = problem.message === 'is required' || problem.message === 'must not be empty';
    if (missing) errors[field] = MISSING[field];
    else if (field === 'email' && problem.message === 'must be a valid address') {
      errors[field] = 'Enter an email address like name@example.com';
    } else errors[field] = `${LABELS[field]} ${problem.message}`;
  }
  return errors;
}

export interface SignUpPageProps {
  site: Site;
  race: Race;
  /** Registrations per distance id. */
  taken: Record<string, number>;
  values?: FormValues;
  errors?: FormErrors;
  /**
   * The address the last sign-up was refused for as already registered: offer to send its confirmation
   * again (a form of its own, POST /resend-confirmation, whose button sits beside the email's error).
   */
  resendFor?: string;
}

/** The re-send form's id: its button, inside the sign-up form, belongs to it (the `form` attribute). */
const RESEND_FORM = 'resend-confirmation';

function CalendarIcon() {
  return (
    <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" stroke-width="2">
      <rect x="3" y="5" width="18" height="16" rx="2" />
      <path d="M3 10h18M8 3v4M16 3v4" />
    </svg>
  );
}

function PinIcon() {
  return (
    <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" stroke-width="2">
      <path d="M12 21s-7-6.2-7-11.5a7 7 0 0 1 14 0C19 14.8 12 21 12 21z" />
      <circle cx="12" cy="9.5" r="2.5" />
    </svg>
  );
}

function RouteIcon() {
  return (
    <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" stroke-width="2">
      <circle cx="6" cy="18" r="2.5" />
      <circle cx="18" cy="6" r="2.5" />
      <path d="M8.5 18H15a3 3 0 0 0 0-6H9a3 3 0 0 1 0-6h6.5" />
    </svg>
  );
}

function ErrorMessage(props: { field: string; message: string | undefined }) {
  if (!props.message) return null;
  return (
    <span class="error-message" id={`${props.field}-error`}>
      <span class="visually-hidden">Error: </span>
      {props.message}
    </span>
  );
}

function TextField(props: {
  field: Exclude<FormField, 'distance' | 'address'>;
  type: 'text' | 'email';
  autocomplete: string;
  maxlength: number;
  values: FormValues;
  errors: FormErrors;
  hint?: string;
  /** Shown below the field's error (the email's offer to re-send the confirmation). */
  after?: Child;
}) {
  const { field } = props;
  const error = props.errors[field];
  const describedBy = [props.hint ? `${field}-hint` : '', error ? `${field}-error` : ''].filter(Boolean).join(' ');
  return (
    <div class="field">
      <label for={field}>{LABELS[field]}</label>
      {props.hint ? (
        <span class="hint" id={`${field}-hint`}>
          {props.hint}
        </span>
      ) : null}
      <input
        type={props.type}
        id={field}
        name={field}
        value={props.values[field] ?? ''}
        autocomplete={props.autocomplete}
        maxlength={props.maxlength}
        spellcheck={props.type === 'email' ? false : undefined}
        required
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy || undefined}
      />
      <ErrorMessage field={field} message={error} />
      {props.after ?? null}
    </div>
  );
}

export function SignUpPage(props: SignUpPageProps) {
  const { race, taken } = props;
  const values = props.values ?? {};
  const errors = props.errors ?? {};
  const messages = FORM_FIELDS.flatMap((field) => (errors[field] ? [{ field, message: errors[field] }] : []));
  const spotsLeft = (id: string, cap: number) => Math.max(0, cap - (taken[id] ?? 0));
  const open = race.distances.some((d) => spotsLeft(d.id, d.cap) > 0);
  const date = formatRaceDate(race);
  // With a waitlist a full distance can be chosen too (its sign-up joins the waitlist).
  const waitlist = race.waitlist !== undefined;
  const firstOpen =
    (waitlist ? undefined : race.distances.find((d) => spotsLeft(d.id, d.cap) > 0)) ?? race.distances[0];
  const anyFull = race.distances.some((d) => spotsLeft(d.id, d.cap) === 0);
  const held = offerHeldFor(race);
  const waitlistHint = waitlist && anyFull;
  const distanceDescribedBy = [waitlistHint ? 'distance-hint' : '', errors.distance ? 'distance-error' : '']
    .filter(Boolean)
    .join(' ');

  const banner = (
    <section class="hero" aria-labelledby="race-name">
      <div class="inner">
        <p class="eyebrow">{open ? 'Registration open' : waitlist ? 'Sold out · waitlist open' : 'Sold out'}</p>
        <h1 id="race-name">{race.name}</h1>
        <ul class="facts">
          <li>
            <CalendarIcon />
            <span>{date}</span>
          </li>
          <li>
            <PinIcon />
            <span>{race.place}</span>
          </li>
          <li>
            <RouteIcon />
            <span>{race.distances.map((d) => d.label).join(' · ')}</span>
          </li>
        </ul>
      </div>
    </section>
  );

  return (
    <Layout
      title={messages.length > 0 ? 'Error: Sign up' : 'Sign up'}
      site={props.site}
      section="sign-up"
      banner={banner}
    >
      <div class="layout">
        <section class="card" aria-labelledby="form-title">
          {messages.length > 0 ? (
            <div class="alert error" role="alert" aria-labelledby="error-summary-title">
              <h2 id="error-summary-title">
                {messages.length === 1 ? 'There is a problem' : `There are ${messages.length} problems`}
              </h2>
              <ul>
                {messages.map((m) => (
                  <li>
                    <a href={m.field === 'distance' ? `#distance-${firstOpen?.id ?? ''}` : `#${m.field}`}>
                      {m.message}
                    </a>
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          <h2 id="form-title">Sign up</h2>
          <p class="muted">All fields are required. We use your details for this race only.</p>
          <form class="stack" method="post" action="/register" novalidate>
            <div class="row">
              <TextField
                field="firstName"
                type="text"
                autocomplete="given-name"
                maxlength={100}
                {...{ values, errors }}
              />
              <TextField
                field="lastName"
                type="text"
                autocomplete="family-name"
                maxlength={100}
                {...{ values, errors }}
              />
            </div>
            <TextField
              field="email"
              type="email"
              autocomplete="email"
              maxlength={254}
              hint="Your confirmation is sent here."
              {...{ values, errors }}
              after={
                props.resendFor ? (
                  // Not the sign-up form's button (Enter in a field still registers): the `form`
                  // attribute makes it submit the re-send form below, with the address it was refused for.
                  <p class="field-action">
                    Lost the email?{' '}
                    <button type="submit" form={RESEND_FORM} class="button secondary small">
                      Send me my confirmation again
                    </button>
                  </p>
                ) : undefined
              }
            />
            <div class="field">
              <label for="address">{LABELS.address}</label>
              <textarea
                id="address"
                name="address"
                rows={3}
                maxlength={300}
                autocomplete="street-address"
                required
                aria-invalid={errors.address ? 'true' : undefined}
                aria-describedby={errors.address ? 'address-error' : undefined}
              >
                {values.address ?? ''}
              </textarea>
              <ErrorMessage field="address" message={errors.address} />
            </div>
            <fieldset
              id="distance"
              aria-invalid={errors.distance ? 'true' : undefined}
              aria-describedby={distanceDescribedBy || undefined}
            >
              <legend class="legend">{LABELS.distance}</legend>
              {waitlistHint ? (
                <span class="hint" id="distance-hint">
                  A full distance takes runners on its waitlist: if a place frees up, it is offered by email in order
                  {held ? `, and held for ${held}` : ''}.
                </span>
              ) : null}
              <div class="choices">
                {race.distances.map((d) => {
                  const left = spotsLeft(d.id, d.cap);
                  const full = left === 0;
                  const soldOut = full && !waitlist;
                  const few = !full && (left <= 10 || left <= d.cap / 10);
                  const spots = full
                    ? waitlist
                      ? 'Full — join the waitlist'
                      : 'Sold out'
                    : `${formatCount(left)} ${left === 1 ? 'place' : 'places'} left`;
                  return (
                    <label class={soldOut ? 'choice sold-out' : 'choice'} for={`distance-${d.id}`}>
                      <input
                        type="radio"
                        id={`distance-${d.id}`}
                        name="distance"
                        value={d.id}
                        checked={!soldOut && values.distance === d.id}
                        disabled={soldOut}
                        required
                      />
                      <span>
                        <span class="what">{d.label}</span>
                        <span class="when">Starts at {d.startTime}</span>
                      </span>
                      <span class={few || (full && waitlist) ? 'spots few' : 'spots'}>{spots}</span>
                    </label>
                  );
                })}
              </div>
              <ErrorMessage field="distance" message={errors.distance} />
            </fieldset>
            {waitlist ? <input type="hidden" name={JOIN_WAITLIST_FIELD} value="true" /> : null}
            <div>
              <button type="submit" class="button wide-on-phone">
                Register
              </button>
            </div>
          </form>
          {props.resendFor ? (
            <form id={RESEND_FORM} method="post" action="/resend-confirmation">
              <input type="hidden" name="email" value={props.resendFor} />
            </form>
          ) : null}
        </section>
        <aside class="card" aria-labelledby="next-title">
          <h2 id="next-title">What happens next</h2>
          <ol class="steps">
            <li>
              <strong>Your place is yours at once</strong>
              <span class="muted">It is stored before you see the confirmation page.</span>
            </li>
            <li>
              <strong>A confirmation email follows</strong>
              <span class="muted">Retried automatically until it arrives, and never sent twice.</span>
            </li>
            <li>
              <strong>See you at the start line</strong>
              <span class="muted">
                {date}, {race.place}. Start times are local ({race.timeZone}).
              </span>
            </li>
          </ol>
        </aside>
      </div>
    </Layout>
  );
}
