// The confirmation page (GET /registrations/:id): "You're in", the registration's details and the
// confirmation email's delivery status in words, with what the provider reported of it ("Delivered to
// your inbox", "Bounced — …") — or, for a sign-up that joined a full distance's waitlist, "You're on
// the waitlist, number N"; an offered place with its deadline (on the race's clock); a withdrawal or an
// expired offer. Ids are unguessable; the page shows the runner's name but not their email or address,
// nor their manage link (that is in their emails). The one thing it changes: when the confirmation could
// not be delivered, the address (AddressFix) — for whoever also knows the address signed up with.
import { findDistance, type Race } from '../../domain/race.js';
import type { Registration, RegistrationWithDelivery } from '../../ports/store.js';
import { AddressFix, asksForAnotherAddress, EMAIL_REFUSALS, type EmailNotice, emailNoticeText } from './address-fix.js';
import { deliveryWords, formatDeadline, offerHeldFor, providerDeliveryWords } from './format.js';
import { Layout, type Site } from './layout.js';
import { RaceFacts } from './race-facts.js';

function TickIcon() {
  return (
    <svg
      viewBox="0 0 24 24"
      aria-hidden="true"
      focusable="false"
      fill="none"
      stroke="currentColor"
      stroke-width="2.5"
      stroke-linecap="round"
      stroke-linejoin="round"
    >
      <path d="M5 12.5l4.5 4.5L19 7.5" />
    </svg>
  );
}

/** The heading and the sentence under it, by the registration's status. */
function headline(race: Race, registration: Registration, label: string): { title: string; h1: string; lead: string } {
  const { firstName } = registration;
  const keep = "Keep this page's address to check on it later.";
  switch (registration.status) {
    case 'registered':
      return {
        title: "You're in",
        h1: `You're in, ${firstName}!`,
        lead: `Your place in ${race.name} is confirmed. ${keep}`,
      };
    case 'waitlisted': {
      const held = offerHeldFor(race);
      return {
        title: "You're on the waitlist",
        h1: `You're on the waitlist, number ${registration.position ?? '?'}`,
        lead:
          `${label} is full, so you're on its waitlist. If a place frees up, it is offered by email to the runners on ` +
          `the waitlist in order${held ? `, and an offer is held for ${held}` : ''}. We're emailing you your number ` +
          'and the link to your own page, where you can leave the waitlist or take an offered place.',
      };
    }
    case 'offered':
      return {
        title: 'A place is offered to you',
        h1: `A place is offered to you, ${firstName}`,
        lead:
          `A place in ${label} has freed up and is held for you` +
          `${registration.holdExpiresAt ? ` until ${formatDeadline(registration.holdExpiresAt, race)}` : ''}. ` +
          'Accept it through the link in the email we sent you.',
      };
    case 'pending_verification':
      return {
        title: 'Your place is held',
        h1: `Your place is held, ${firstName}`,
        lead: `Your place in ${race.name} is held while we confirm your email address. ${keep}`,
      };
    case 'withdrawn':
      return {
        title: 'Registration withdrawn',
        h1: 'This registration is withdrawn',
        lead: `${firstName} no longer holds a place in ${race.name}, nor one on its waitlist.`,
      };
    case 'expired':
      return {
        title: 'Offer expired',
        h1: 'This offer has expired',
        lead: `The place in ${label} offered to ${firstName} was not accepted in time and has passed on to the next runner.`,
      };
  }
}

export function ConfirmationPage(props: {
  site: Site;
  race: Race;
  found: RegistrationWithDelivery;
  /** What the address form's post came to (`?done=`). */
  notice?: EmailNotice;
}) {
  const { race } = props;
  const { registration, email } = props.found;
  const distance = findDistance(race, registration.distance);
  const label = distance?.label ?? registration.distance;
  const words = deliveryWords(email.status, email.attempts);
  const path = `/registrations/${registration.id}`;
  const head = headline(race, registration, label);
  // Only a place confirmed has a confirmation email (and a tick).
  const registered = registration.status === 'registered';
  const fix = asksForAnotherAddress(registration, email) ? email.delivery : undefined;
  const notice = props.notice ? emailNoticeText(props.notice, race) : undefined;
  // A refused address is said at its field when the form is there; any other notice at the top.
  const atField = fix && props.notice && EMAIL_REFUSALS.includes(props.notice) ? notice : undefined;
  return (
    <Layout title={head.title} site={props.site}>
      <article class="card confirmation" aria-labelledby="title">
        {notice && !atField ? (
          <div class={`alert ${notice.tone}`} role="status">
            <p>{notice.text}</p>
          </div>
        ) : null}
        {registered ? (
          <div class="tick">
            <TickIcon />
          </div>
        ) : null}
        <h1 id="title">{head.h1}</h1>
        <p class="lead">{head.lead}</p>
        <dl class="details">
          <dt>Name</dt>
          <dd>
            {registration.firstName} {registration.lastName}
          </dd>
          <dt>Distance</dt>
          <dd>{label}</dd>
          {registration.status === 'waitlisted' && registration.position !== null ? (
            <>
              <dt>Waitlist number</dt>
              <dd>{registration.position}</dd>
            </>
          ) : null}
          {registration.status === 'offered' && registration.holdExpiresAt ? (
            <>
              <dt>Offer held until</dt>
              <dd>{formatDeadline(registration.holdExpiresAt, race)}</dd>
            </>
          ) : null}
          <RaceFacts race={race} distance={distance} />
          <dt>Registration</dt>
          <dd class="mono">{registration.id}</dd>
        </dl>
        {registered && !fix ? (
          <section class="status" aria-labelledby="email-title">
            <div>
              <h2 id="email-title">
                Confirmation email: <span class={`badge ${words.tone}`}>{words.label}</span>
              </h2>
              <p class="muted">{words.sentence}</p>
              {email.delivery ? (
                <p>
                  <strong>{providerDeliveryWords(email.delivery)}.</strong>
                </p>
              ) : null}
            </div>
          </section>
        ) : null}
        {fix ? (
          <AddressFix
            registration={registration}
            delivery={fix}
            action={`${path}/email`}
            error={atField?.text}
            askCurrent
          />
        ) : null}
        <div class="actions">
          <a class="button secondary" href={path}>
            {registered ? 'Check the email status again' : 'Check again'}
          </a>
          <a class="button secondary" href="/">
            Sign up someone else
          </a>
        </div>
      </article>
    </Layout>
  );
}
