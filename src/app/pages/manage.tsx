// The runner's own page, reached through the manage link every email carries (`/manage/<token>`):
// where they stand — registered, on the waitlist (their number), offered a place (until a deadline on
// the race's clock), withdrawn or expired — and what they can do about it, each a plain form post (no
// JavaScript): accept an offered place at once; withdraw, leave the waitlist or decline an offer only
// after a second page asks "are you sure?" (ManageConfirmPage). After a post the page comes back with a
// notice from a fixed list (`?done=<code>`, routes/manage-pages.tsx): nothing of the request is echoed.
// When the provider could not deliver the confirmation (a bounce, a complaint, a suppression, a failure)
// the page says so, with the address masked, and asks for another (AddressFix).
import { findDistance, type Race } from '../../domain/race.js';
import type { Registration, RegistrationStatus, RegistrationWithDelivery } from '../../ports/store.js';
import { AddressFix, asksForAnotherAddress, EMAIL_NOTICES, EMAIL_REFUSALS, emailNoticeText } from './address-fix.js';
import { formatDeadline, offerHeldFor, providerDeliveryWords } from './format.js';
import { Layout, type Site } from './layout.js';
import { RaceFacts } from './race-facts.js';

/** What a form post on the page came to, shown once the browser is back on the page. */
export const MANAGE_NOTICES = [
  'withdrawn',
  'left',
  'accepted',
  'declined',
  'offer-expired',
  'not-offered',
  'verified',
  'hold-expired',
  ...EMAIL_NOTICES,
] as const;
export type ManageNotice = (typeof MANAGE_NOTICES)[number];

export function isManageNotice(code: string | undefined): code is ManageNotice {
  return (MANAGE_NOTICES as readonly (string | undefined)[]).includes(code);
}

/** The notice's words and tone: fixed texts, the race's name the only value in them. */
export function manageNoticeText(
  notice: ManageNotice,
  race: Pick<Race, 'name'>,
): { tone: 'ok' | 'error'; text: string } {
  switch (notice) {
    case 'withdrawn':
      return { tone: 'ok', text: `You have withdrawn from ${race.name}. An email confirming it is on its way.` };
    case 'left':
      return { tone: 'ok', text: 'You have left the waitlist. An email confirming it is on its way.' };
    case 'accepted':
      return { tone: 'ok', text: 'The place is yours. Your confirmation email is on its way.' };
    case 'declined':
      return { tone: 'ok', text: 'You have declined the place. It passes on to the next runner.' };
    case 'offer-expired':
      return {
        tone: 'error',
        text: 'Too late: the offer ran out before you accepted it, and the place has passed on to the next runner.',
      };
    case 'not-offered':
      return { tone: 'error', text: 'There is no place offered to you to accept or decline.' };
    case 'verified':
      return {
        tone: 'ok',
        text: 'Your address is confirmed and the place is yours. Your confirmation email is on its way.',
      };
    case 'hold-expired':
      return {
        tone: 'error',
        text: 'Too late: the place was held until a deadline that has passed, and it has been released.',
      };
    default:
      return emailNoticeText(notice, race);
  }
}

const STATUS_WORDS: Record<RegistrationStatus, { label: string; tone: string }> = {
  registered: { label: 'Registered', tone: 'status-registered' },
  pending_verification: { label: 'Place held', tone: 'status-offered' },
  offered: { label: 'Place offered', tone: 'status-offered' },
  waitlisted: { label: 'On the waitlist', tone: 'status-waitlisted' },
  withdrawn: { label: 'Withdrawn', tone: 'status-gone' },
  expired: { label: 'Offer expired', tone: 'status-gone' },
};

export interface ManagePageProps {
  site: Site;
  race: Race;
  registration: Registration;
  /** The page's own path, `/manage/<token>`: the forms post below it. */
  path: string;
  notice?: ManageNotice;
  /** The confirmation email's state (its delivery as the provider reported it), when there is one. */
  email?: RegistrationWithDelivery['email'];
  /** The moment the page is for: an offer whose deadline is behind it is shown as passing on. */
  now: Date;
}

function distanceLabel(race: Race, registration: Registration): string {
  return findDistance(race, registration.distance)?.label ?? registration.distance;
}

/** The offer's deadline in words, when the registration has one. */
function deadlineOf(race: Race, registration: Registration): string | undefined {
  return registration.holdExpiresAt ? formatDeadline(registration.holdExpiresAt, race) : undefined;
}

function Details(props: { race: Race; registration: Registration; email?: RegistrationWithDelivery['email'] }) {
  const { race, registration, email } = props;
  const distance = findDistance(race, registration.distance);
  const status = STATUS_WORDS[registration.status];
  return (
    <dl class="details">
      <dt>Name</dt>
      <dd>
        {registration.firstName} {registration.lastName}
      </dd>
      <dt>Distance</dt>
      <dd>{distance?.label ?? registration.distance}</dd>
      <RaceFacts race={race} distance={distance} />
      <dt>Status</dt>
      <dd>
        <span class={`badge ${status.tone}`}>{status.label}</span>
      </dd>
      {email?.delivery ? (
        <>
          <dt>Confirmation email</dt>
          <dd>{providerDeliveryWords(email.delivery)}</dd>
        </>
      ) : null}
    </dl>
  );
}

/** The heading, the sentence under it and the actions, by status. */
function Standing(props: { race: Race; registration: Registration; path: string; now: Date }) {
  const { race, registration, path } = props;
  const label = distanceLabel(race, registration);
  const deadline = deadlineOf(race, registration);
  switch (registration.status) {
    case 'registered':
      return (
        <>
          <h1 id="title">You're registered, {registration.firstName}</h1>
          <p class="lead">
            Your place in {label} at {race.name} is confirmed. If you can no longer run, withdraw: your place then goes
            to
            {race.waitlist ? ' the next runner on the waitlist.' : ' someone else.'}
          </p>
          <div class="actions">
            <a class="button secondary" href={`${path}/withdraw`}>
              Withdraw
            </a>
          </div>
        </>
      );
    case 'pending_verification':
      return (
        <>
          <h1 id="title">Your place is held, {registration.firstName}</h1>
          <p class="lead">
            Your place in {label} at {race.name} is held{deadline ? ` until ${deadline}` : ''} while we confirm your
            email address.
          </p>
          <div class="actions">
            <form method="post" action={`${path}/verify`}>
              <button type="submit" class="button">
                Confirm my place
              </button>
            </form>
            <a class="button secondary" href={`${path}/withdraw`}>
              Withdraw
            </a>
          </div>
        </>
      );
    case 'waitlisted': {
      const held = offerHeldFor(race);
      return (
        <>
          <h1 id="title">
            You're on the waitlist{registration.position !== null ? `, number ${registration.position}` : ''}
          </h1>
          <p class="lead">
            {label} is full. If a place frees up, it is offered by email to the runners on the waitlist in order
            {held ? `, and an offer is held for ${held}` : ''}. Nothing to do until then.
          </p>
          <div class="actions">
            <a class="button secondary" href={`${path}/withdraw`}>
              Leave the waitlist
            </a>
          </div>
        </>
      );
    }
    case 'offered': {
      if (registration.holdExpiresAt && registration.holdExpiresAt <= props.now) {
        return (
          <>
            <h1 id="title">The offer has run out</h1>
            <p class="lead">
              The place in {label} was held for you until {deadline}. That time has passed: the place is passing on to
              the next runner.
            </p>
          </>
        );
      }
      return (
        <>
          <h1 id="title">A place is yours if you want it, {registration.firstName}</h1>
          <p class="lead">
            A place in {label} at {race.name} has freed up and is held for you
            {deadline ? (
              <>
                {' '}
                until <strong>{deadline}</strong>
              </>
            ) : null}
            . Accept it before then, or it passes on to the next runner on the waitlist.
          </p>
          <div class="actions">
            <form method="post" action={`${path}/accept`}>
              <button type="submit" class="button">
                Accept the place
              </button>
            </form>
            <a class="button secondary" href={`${path}/decline`}>
              Decline
            </a>
          </div>
        </>
      );
    }
    case 'withdrawn':
      return (
        <>
          <h1 id="title">You have withdrawn</h1>
          <p class="lead">
            You no longer hold a place in {race.name}, nor one on its waitlist. This registration is closed: this page
            can no longer change it.
          </p>
        </>
      );
    case 'expired':
      return (
        <>
          <h1 id="title">Your offer has expired</h1>
          <p class="lead">
            The place in {label} offered to you was not accepted in time{deadline ? ` (by ${deadline})` : ''}, so it has
            passed on to the next runner. This registration is closed: this page can no longer change it.
          </p>
        </>
      );
  }
}

export function ManagePage(props: ManagePageProps) {
  const { race, registration, email } = props;
  const notice = props.notice ? manageNoticeText(props.notice, race) : undefined;
  const fix = asksForAnotherAddress(registration, email) ? email?.delivery : undefined;
  // A refused address is said at its field when the form is there; any other notice at the top.
  const atField =
    fix && props.notice && (EMAIL_REFUSALS as readonly string[]).includes(props.notice) ? notice : undefined;
  return (
    <Layout title="Your registration" site={props.site}>
      <article class="card confirmation" aria-labelledby="title">
        {notice && !atField ? (
          <div class={`alert ${notice.tone}`} role="status">
            <p>{notice.text}</p>
          </div>
        ) : null}
        <Standing race={race} registration={registration} path={props.path} now={props.now} />
        {fix ? (
          <AddressFix registration={registration} delivery={fix} action={`${props.path}/email`} error={atField?.text} />
        ) : null}
        <Details race={race} registration={registration} email={email} />
        <p class="muted small">
          This page is yours: its address is the link in your emails. Anyone with the link can change your registration,
          so keep it to yourself.
        </p>
      </article>
    </Layout>
  );
}

/** What the second step asks about: giving up a place, a number on the waitlist, or an offered place. */
export type ManageConfirmation = 'withdraw' | 'leave' | 'decline';

/** The confirmation a registration's status calls for, or undefined when there is nothing to give up. */
export function confirmationFor(status: RegistrationStatus): ManageConfirmation | undefined {
  switch (status) {
    case 'registered':
    case 'pending_verification':
      return 'withdraw';
    case 'waitlisted':
      return 'leave';
    case 'offered':
      return 'decline';
    case 'withdrawn':
    case 'expired':
      return undefined;
  }
}

/** "Are you sure?": the one form that withdraws, leaves the waitlist or declines, and the way back. */
export function ManageConfirmPage(props: {
  site: Site;
  race: Race;
  registration: Registration;
  path: string;
  confirm: ManageConfirmation;
}) {
  const { race, registration, path } = props;
  const label = distanceLabel(race, registration);
  const next = race.waitlist ? 'the next runner on the waitlist' : 'someone else';
  const words = {
    withdraw: {
      title: `Withdraw from ${race.name}?`,
      text: `You give up your place in ${label}. It goes to ${next}, and you cannot have it back.`,
      action: 'withdraw',
      yes: 'Yes, withdraw',
      no: 'No, keep my place',
    },
    leave: {
      title: 'Leave the waitlist?',
      text: `You give up your number${registration.position !== null ? ` (${registration.position})` : ''} on the waitlist for ${label}, and you cannot have it back.`,
      action: 'withdraw',
      yes: 'Yes, leave the waitlist',
      no: 'No, stay on the waitlist',
    },
    decline: {
      title: 'Decline the place?',
      text: `You give up the place in ${label} offered to you. It goes to ${next}, and you cannot have it back.`,
      action: 'decline',
      yes: 'Yes, decline the place',
      no: 'No, go back',
    },
  }[props.confirm];
  return (
    <Layout title={words.title} site={props.site}>
      <article class="card confirmation" aria-labelledby="title">
        <h1 id="title">{words.title}</h1>
        <p class="lead">{words.text}</p>
        <div class="actions">
          <form method="post" action={`${path}/${words.action}`}>
            <button type="submit" class="button">
              {words.yes}
            </button>
          </form>
          <a class="button secondary" href={path}>
            {words.no}
          </a>
        </div>
      </article>
    </Layout>
  );
}
