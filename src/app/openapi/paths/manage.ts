// Paths of the manage API: a runner's own registration through the manage link in every email
// (`<PUBLIC_URL>/manage/<token>`): where they stand, withdraw, take up or decline an offered place,
// confirm a held place, change distance, give another address.
import { type ErrorName, errors, NO_STORE } from '../errors.js';
import { json } from '../refs.js';
import { PUBLIC } from '../security.js';

const token = {
  name: 'token',
  in: 'path',
  required: true,
  schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' },
  description:
    'The token of the runner’s manage link (`/manage/<token>`, in every email they were sent). Only its hash ' +
    'is stored; anything else is 404',
};

/** The actions take no body and count against the client's limit, as sign-ups do. */
const actionErrors = (...names: ErrorName[]) =>
  errors(['manage_rate_limited', 'payload_too_large', 'unknown_token', ...names, 'internal', 'unavailable'], NO_STORE);

export const managePaths = {
  '/api/manage/{token}': {
    get: {
      tags: ['manage'],
      operationId: 'getManagedRegistration',
      summary: 'The runner’s registration, through their manage link',
      description: 'The same answer as `GET /api/registrations/{id}`: their status, number or offer deadline.',
      security: PUBLIC,
      parameters: [token],
      responses: {
        '200': { description: 'Found', headers: NO_STORE, content: json('RegistrationStatus') },
        ...errors(['unknown_token', 'internal', 'unavailable'], NO_STORE),
      },
    },
  },
  '/api/manage/{token}/withdraw': {
    post: {
      tags: ['manage'],
      operationId: 'withdrawRegistration',
      summary: 'Withdraw: give up a place, an offer or a place in the waitlist',
      description:
        'A place given up is offered, in the same statement, to the head of the distance’s waitlist; a waitlisted ' +
        'runner leaves the list; reminders are cancelled; a withdrawal email goes out. Withdrawing again changes ' +
        'nothing and answers the same.',
      security: PUBLIC,
      parameters: [token],
      responses: {
        '200': { description: 'Withdrawn (or already gone)', headers: NO_STORE, content: json('Withdrawal') },
        ...actionErrors(),
      },
    },
  },
  '/api/manage/{token}/accept': {
    post: {
      tags: ['manage'],
      operationId: 'acceptOffer',
      summary: 'Take up the place offered from the waitlist, before its deadline',
      description:
        'Registered, with a confirmation email (accepting again answers the same). After the deadline the place ' +
        'has passed on: 410 `offer_expired`. Nothing offered: 409 `not_offered`.',
      security: PUBLIC,
      parameters: [token],
      responses: {
        '200': { description: 'Registered', headers: NO_STORE, content: json('OfferAccepted') },
        ...actionErrors('not_offered', 'offer_expired'),
      },
    },
  },
  '/api/manage/{token}/decline': {
    post: {
      tags: ['manage'],
      operationId: 'declineOffer',
      summary: 'Decline the place offered: it goes to the next runner waiting',
      description: 'Withdrawn (declining again answers the same). Nothing offered: 409 `not_offered`.',
      security: PUBLIC,
      parameters: [token],
      responses: {
        '200': { description: 'Withdrawn', headers: NO_STORE, content: json('OfferDeclined') },
        ...actionErrors('not_offered'),
      },
    },
  },
  '/api/manage/{token}/verify': {
    post: {
      tags: ['manage'],
      operationId: 'verifyRegistration',
      summary: 'Confirm the address: the place held since the sign-up becomes the runner’s',
      description:
        'A race with `verification`: registered, with a confirmation email (confirming again answers the same). ' +
        'After the hold’s deadline the place has been released: 410 `hold_expired`.',
      security: PUBLIC,
      parameters: [token],
      responses: {
        '200': { description: 'Registered', headers: NO_STORE, content: json('OfferAccepted') },
        ...actionErrors('not_pending_verification', 'hold_expired'),
      },
    },
  },
  '/api/manage/{token}/distance': {
    post: {
      tags: ['manage'],
      operationId: 'changeDistance',
      summary: 'Move to another distance, when it has room',
      description:
        'In one statement: a place of the new distance, and the old place offered to the head of its waitlist. ' +
        'A confirmation of the new distance goes out. No room: 409 `distance_full`, and the runner keeps their place.',
      security: PUBLIC,
      parameters: [token],
      requestBody: { required: true, content: json('DistanceChangeInput') },
      responses: {
        '200': { description: 'Moved (or already there)', headers: NO_STORE, content: json('DistanceChanged') },
        ...actionErrors('unsupported_media_type', 'invalid_json', 'validation_failed', 'distance_refused'),
      },
    },
  },
  '/api/manage/{token}/email': {
    post: {
      tags: ['manage'],
      operationId: 'changeEmail',
      summary: 'Give another address (one the confirmation could not reach, or a typo)',
      description:
        'The address sign-up accepts, in one statement: changed only if it differs (the same address again answers ' +
        'the same and sends nothing). A registered runner gets a new confirmation at it and their pending ' +
        'reminders are rewritten to it; for a runner waiting, offered or holding a place nothing is sent now, and ' +
        'every later email goes to it. Another registration of the race with the address: 409 ' +
        '`already_registered`. An address we could not reach before: 422 `address_unreachable`.',
      security: PUBLIC,
      parameters: [token],
      requestBody: { required: true, content: json('EmailChangeInput') },
      responses: {
        '200': { description: 'The address is the runner’s', headers: NO_STORE, content: json('EmailChanged') },
        ...actionErrors('unsupported_media_type', 'invalid_json', 'email_invalid', 'email_refused'),
      },
    },
  },
};
