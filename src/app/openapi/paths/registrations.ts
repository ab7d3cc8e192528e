// Paths of the sign-up: register, re-send the confirmation, follow a registration, the race.
import { RESEND_WINDOW_MS } from '../../sign-up/resend-confirmation.js';
import { errors, NO_STORE, SIGN_UP_ERRORS } from '../errors.js';
import { idParam, json, registrationBody } from '../refs.js';
import { PUBLIC } from '../security.js';

export const registrationPaths = {
  '/api/registrations': {
    post: {
      tags: ['registrations'],
      operationId: 'register',
      summary: 'Register a runner',
      description:
        'Stores the registration and its email task in one statement, answers, then sends the email ' +
        'after the response; retried until accepted, never twice. A full distance refuses the runner (409 ' +
        '`distance_full`) — unless they asked to join its waitlist (`joinWaitlist`) and the race has one: then ' +
        'the answer is 201 `waitlisted` with their number, and an email says so.',
      security: PUBLIC,
      parameters: [
        {
          name: 'Idempotency-Key',
          in: 'header',
          schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
          description:
            'Same key and body → the original answer again, with `Idempotent-Replayed: true`. ' +
            'Same key, other body → 422 `idempotency_key_reused`.',
        },
      ],
      requestBody: registrationBody,
      responses: {
        '201': {
          description: 'Registered (the email is on its way), or on the distance’s waitlist',
          headers: {
            ...NO_STORE,
            Location: {
              description: 'The registration: `/api/registrations/{id}`',
              required: true,
              schema: { type: 'string', pattern: '^/api/registrations/[0-9a-f-]{36}$' },
            },
            'Idempotent-Replayed': {
              description: '`true` when this is the remembered answer to an earlier request with the same key',
              schema: { const: 'true' },
            },
          },
          content: json('RegistrationAnswer'),
        },
        ...errors(
          SIGN_UP_ERRORS.map((name) => (name === 'validation_failed' ? 'validation_or_key_reused' : name)),
          NO_STORE,
        ),
      },
    },
  },
  '/api/registrations/resend-confirmation': {
    post: {
      tags: ['registrations'],
      operationId: 'resendConfirmation',
      summary: 'Send a runner’s confirmation email again',
      description:
        'Answers 202 whether or not the address is registered, so the answer never tells anyone who is: ' +
        'only the address’s owner learns it, from the email. A registered address gets its confirmation ' +
        'again (the same email, retried until accepted like the first), at most once every ' +
        `${RESEND_WINDOW_MS / 60_000} minutes; asking again within that time sends nothing more and is ` +
        'answered the same.',
      security: PUBLIC,
      requestBody: { required: true, content: json('ResendConfirmationInput') },
      responses: {
        '202': {
          description: 'Accepted: if the address is registered, its confirmation is on its way',
          headers: NO_STORE,
          content: json('ResendAccepted'),
        },
        ...errors(
          [
            'resend_rate_limited',
            'payload_too_large',
            'unsupported_media_type',
            'invalid_json',
            'validation_failed',
            'internal',
            'unavailable',
          ],
          NO_STORE,
        ),
      },
    },
  },
  '/api/registrations/{id}': {
    get: {
      tags: ['registrations'],
      operationId: 'getRegistration',
      summary: 'One registration and its email delivery status',
      security: PUBLIC,
      parameters: [idParam('The id from the 201 answer (random, so it is the only way in)')],
      responses: {
        '200': { description: 'Found', headers: NO_STORE, content: json('RegistrationStatus') },
        ...errors(['not_found', 'internal', 'unavailable'], NO_STORE),
      },
    },
  },
  '/api/race': {
    get: {
      tags: ['registrations'],
      operationId: 'getRace',
      summary: 'The race and the places left per distance',
      security: PUBLIC,
      responses: {
        '200': { description: 'The race', content: json('Race') },
        ...errors(['internal', 'unavailable']),
      },
    },
  },
};
