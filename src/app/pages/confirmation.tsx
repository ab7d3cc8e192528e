// The confirmation page (GET /registrations/:id): "You're in", the registration's details and the
// confirmation email's delivery status in words. Ids are unguessable; the page shows the runner's
// name but not their email or address.
import { formatRaceDate } from '../../domain/confirmation-email.js';
import { findDistance, type Race } from '../../domain/race.js';
import type { RegistrationWithDelivery } from '../../ports/store.js';
import { deliveryWords } from './format.js';
import { Layout, type Site } from './layout.js';

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

export function ConfirmationPage(props: { site: Site; race: Race; found: RegistrationWithDelivery }) {
  const { race } = props;
  const { registration, email } = props.found;
  const distance = findDistance(race, registration.distance);
  const words = deliveryWords(email.status, email.attempts);
  const path = `/registrations/${registration.id}`;
  return (
    <Layout title="You're in" site={props.site}>
      <article class="card confirmation" aria-labelledby="title">
        <div class="tick">
          <TickIcon />
        </div>
        <h1 id="title">You're in, {registration.firstName}!</h1>
        <p class="lead">Your place in {race.name} is confirmed. Keep this page's address to check on it later.</p>
        <dl class="details">
          <dt>Name</dt>
          <dd>
            {registration.firstName} {registration.lastName}
          </dd>
          <dt>Distance</dt>
          <dd>{distance?.label ?? registration.distance}</dd>
          <dt>Start time</dt>
          <dd>{distance ? `${distance.startTime} (${race.timeZone})` : 'To be announced'}</dd>
          <dt>Date</dt>
          <dd>{formatRaceDate(race)}</dd>
          <dt>Place</dt>
          <dd>{race.place}</dd>
          <dt>Registration</dt>
          <dd class="mono">{registration.id}</dd>
        </dl>
        <section class="status" aria-labelledby="email-title">
          <div>
            <h2 id="email-title">
              Confirmation email: <span class={`badge ${words.tone}`}>{words.label}</span>
            </h2>
            <p class="muted">{words.sentence}</p>
          </div>
        </section>
        <div class="actions">
          <a class="button secondary" href={path}>
            Check the email status again
          </a>
          <a class="button secondary" href="/">
            Sign up someone else
          </a>
        </div>
      </article>
    </Layout>
  );
}
