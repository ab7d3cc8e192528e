// The OpenAPI document's component schemas, as Zod, and their conversion to JSON Schema 2020-12.
// Request bodies come from the SAME Zod schemas that validate requests (z.toJSONSchema), so the
// description cannot drift from what the server accepts; response schemas are Zod too, and the HTTP
// contract tests check every real answer against them (Ajv), so they cannot drift from what the server
// sends either.
//
// Converted when building, not when serving: `npm run openapi:components` writes the conversion to
// components.generated.json (for a stand-in race: its one distance is ANY_DISTANCE), and components.ts
// puts the race's distances in its place at startup. So neither runtime loads Zod's JSON Schema
// conversion (about 21 KB of the Worker's upload). components.test.ts fails when the file is not what
// this module makes now, and when components.ts, for any race, gives anything but this conversion.
// Zod Mini, as the request schemas (src/domain): the same schemas, as functions.
import * as z from 'zod/mini';
import { DEFAULT_RACE, type Race } from '../../domain/race.js';
import { registrationInputSchema, resendInputSchema } from '../../domain/registration.js';
import {
  EMAIL_DELIVERY_STATUSES,
  PROVIDER_DELIVERY_STATUSES,
  type ProviderDeliveryStatus,
} from '../../ports/email-delivery.js';
import { REGISTRATION_STATUSES, STRATEGIES } from '../../ports/store.js';
import { ATTEMPT_OUTCOMES, TASK_STATUSES, type TaskStatus } from '../../ports/tasks.js';
import { ANY_DISTANCE, type JsonSchema } from './refs.js';

const count = () => z.int().check(z.minimum(0));
const instant = () => z.iso.datetime();

const errorSchema = z.strictObject({
  error: z.strictObject({
    code: z.string().check(z.meta({ examples: ['validation_failed'] })),
    message: z.string(),
    details: z
      .optional(z.array(z.strictObject({ path: z.string(), message: z.string() })))
      .check(z.meta({ description: 'One entry per field at fault (validation_failed)' })),
  }),
});

const emailStatus = z.enum(EMAIL_DELIVERY_STATUSES).check(
  z.meta({
    description:
      '`sending` (first attempt under way), `pending` (retry scheduled), `sent`, `failed` (dead letter), ' +
      '`not_tracked` (a seed strategy: nothing records its email)',
  }),
);
const strategy = z.enum(STRATEGIES);

const registrationStatusWord = z.enum(REGISTRATION_STATUSES).check(
  z.meta({
    description:
      'Where the runner stands: `registered`; `pending_verification` (a place held until the address is ' +
      'confirmed); `offered` (a place freed and held for this runner from the waitlist until `offerExpiresAt`); ' +
      '`waitlisted` (with `position`); `withdrawn`; `expired` (an offer or a hold ran out)',
  }),
);
const position = z
  .int()
  .check(
    z.minimum(1),
    z.meta({ description: 'The runner’s number in the distance’s waitlist now: 1 is offered the next place freed' }),
  );

const registrationCreated = z.strictObject({
  id: z.uuid(),
  status: z.literal('registered'),
  distance: z.string(),
  email: z.strictObject({ status: emailStatus }),
});

const registrationWaitlisted = z
  .strictObject({ id: z.uuid(), status: z.literal('waitlisted'), distance: z.string(), position })
  .check(
    z.meta({
      description:
        'The distance was full and the runner asked to join its waitlist (`joinWaitlist`): an email with ' +
        'their number and manage link is on its way',
    }),
  );

const registrationAnswer = z
  .discriminatedUnion('status', [registrationCreated, registrationWaitlisted])
  .check(z.meta({ description: 'Registered, or (a full distance, `joinWaitlist`) on its waitlist' }));

const resendAccepted = z
  .strictObject({ status: z.literal('accepted') })
  .check(z.meta({ description: 'The same answer for every address, registered or not' }));

const registrationStatus = z.strictObject({
  id: z.uuid(),
  status: registrationStatusWord,
  position: z.optional(position).check(z.meta({ description: 'While `waitlisted`: the runner’s number now' })),
  offerExpiresAt: z
    .optional(instant())
    .check(z.meta({ description: 'While `offered`: until when the place is held for the runner' })),
  firstName: z.string(),
  lastName: z.string(),
  distance: z.string(),
  strategy,
  createdAt: instant(),
  email: z.strictObject({
    status: emailStatus,
    attempts: count(),
    sentAt: z.nullable(instant()),
    delivery: z.optional(z.enum(PROVIDER_DELIVERY_STATUSES)).check(
      z.meta({
        description:
          'What Resend reported of the confirmation (its delivery webhooks), by precedence, not arrival: ' +
          '`complained`, `bounced`, `suppressed`, `failed` are final over `delivered`, `delayed`, `sent`. ' +
          'Absent until an event came',
      }),
    ),
  }),
});

/** A runner's status after a withdrawal. */
const afterWithdrawal = z
  .enum(['withdrawn', 'expired'])
  .check(
    z.meta({ description: '`withdrawn`; or `expired` when the runner’s offer had already run out (nothing changed)' }),
  );

const withdrawal = z
  .strictObject({ status: afterWithdrawal })
  .check(z.meta({ description: 'The runner’s status after the withdrawal (again: the same answer)' }));

const offerAccepted = z.strictObject({ status: z.literal('registered') });

const offerDeclined = z.strictObject({ status: z.literal('withdrawn') });

const distanceChanged = z.strictObject({ status: z.literal('registered'), distance: z.string() });

const emailChanged = z
  .strictObject({
    status: z.enum(['registered', 'pending_verification', 'offered', 'waitlisted']),
    email: z.string().check(z.meta({ description: 'The address now on the registration, as sent' })),
  })
  .check(
    z.meta({
      description:
        'The address is the runner’s (again: the same answer, nothing sent). Registered: a new confirmation is ' +
        'on its way to it, and the pending reminders go to it',
    }),
  );

const raceDistance = z.strictObject({
  id: z.string(),
  label: z.string(),
  startTime: z.string().check(z.meta({ examples: ['09:00'] })),
  cap: count(),
  spotsLeft: count(),
});

const raceView = z.strictObject({
  id: z.string(),
  name: z.string(),
  date: z.iso.date(),
  place: z.string(),
  timeZone: z.string().check(z.meta({ examples: ['Europe/Amsterdam'] })),
  distances: z.array(raceDistance),
});

const health = z.strictObject({ status: z.literal('ok') });

const deliveryState = z
  .discriminatedUnion('state', [
    z.strictObject({ state: z.literal('running') }),
    z.strictObject({
      state: z.literal('paused'),
      reason: z.string().check(
        z.meta({
          description:
            'Why: an account-wide provider failure (`invalid_api_key`, …), or `no_provider` (no provider key ' +
            'configured: tasks are stored and wait)',
          examples: ['invalid_api_key', 'no_provider'],
        }),
      ),
      until: z
        .nullable(instant())
        .check(
          z.meta({ description: 'When delivery resumes by itself; null when only a configuration change ends it' }),
        ),
    }),
  ])
  .check(z.meta({ description: 'Whether this process (isolate, on Workers) is sending emails' }));

const readiness = z.strictObject({ status: z.literal('ready'), delivery: deliveryState });

const nextCursor = z
  .nullable(z.string())
  .check(z.meta({ description: 'Pass as `cursor` for the next page; null on the last' }));

const adminTaskAttempt = z.strictObject({
  number: z.int().check(z.minimum(1)),
  startedAt: instant(),
  durationMs: count(),
  outcome: z.enum(ATTEMPT_OUTCOMES),
  error: z.nullable(z.string()),
});

const adminTask = z.strictObject({
  id: z.uuid().check(z.meta({ description: 'Also the provider Idempotency-Key of every attempt' })),
  kind: z.string().check(z.meta({ description: 'What the task does', examples: ['send-confirmation-email'] })),
  key: z
    .nullable(z.string())
    .check(z.meta({ description: "Unique among its kind's pending and running tasks; null when it has none" })),
  priority: z.int().check(z.meta({ description: 'Lower runs first' })),
  status: z.enum(TASK_STATUSES),
  attempts: count(),
  maxAttempts: count(),
  runAt: instant().check(z.meta({ description: 'When it is (or was last) due' })),
  leaseExpiresAt: z.nullable(instant()),
  lastError: z.nullable(z.string()),
  registrationId: z.nullable(z.uuid()),
  createdAt: instant(),
  updatedAt: instant(),
  attemptsLog: z.array(adminTaskAttempt).check(z.meta({ description: 'Every recorded attempt, oldest first' })),
});

const adminTaskList = z.strictObject({ tasks: z.array(adminTask), nextCursor });

const taskReplayed = z.strictObject({ id: z.uuid(), status: z.literal('pending') });

const adminRegistration = z.strictObject({
  id: z.uuid(),
  firstName: z.string(),
  lastName: z.string(),
  email: z.string(),
  address: z.string(),
  distance: z.string(),
  strategy,
  createdAt: instant(),
  emailStatus,
  delivery: z.nullable(z.enum(PROVIDER_DELIVERY_STATUSES)).check(
    z.meta({
      description:
        'What Resend reported of the latest confirmation, its highest-ranked event (as `email.delivery` of ' +
        'GET /api/registrations/{id}); null until an event came',
    }),
  ),
  status: registrationStatusWord,
  position: z.nullable(position).check(z.meta({ description: 'While `waitlisted`: the runner’s number; else null' })),
  offerExpiresAt: z
    .nullable(instant())
    .check(z.meta({ description: 'While `offered`: until when the place is held; else null' })),
});

const adminWithdrawal = z.strictObject({ id: z.uuid(), status: afterWithdrawal });

const distancePlaces = z.strictObject({
  cap: count().check(z.meta({ description: 'The distance’s places' })),
  taken: count().check(
    z.meta({ description: 'Places held: registered + pending verification + open offers (never above `cap`)' }),
  ),
  offersOpen: count().check(z.meta({ description: 'Places offered to a runner from the waitlist, not yet taken up' })),
  waitlistLength: count().check(z.meta({ description: 'Runners waiting for a place' })),
});

const adminRegistrationList = z.strictObject({ registrations: z.array(adminRegistration), nextCursor });

/** Every task status, each with its count (0 when none). */
const countPerTaskStatus = z.strictObject(
  Object.fromEntries(TASK_STATUSES.map((status) => [status, count()])) as Record<TaskStatus, ReturnType<typeof count>>,
);

/** Every provider delivery status, each with its count (0 when none). */
const countPerDelivery = z.strictObject(
  Object.fromEntries(PROVIDER_DELIVERY_STATUSES.map((status) => [status, count()])) as Record<
    ProviderDeliveryStatus,
    ReturnType<typeof count>
  >,
);

/** Every distance of the race, each with its places. */
const placesPerDistance = (race: Race) =>
  z
    .strictObject(Object.fromEntries(race.distances.map((d) => [d.id, distancePlaces])))
    .check(z.meta({ description: 'Per distance of the race (by id): its cap, places taken, open offers, waitlist' }));

const adminMetrics = (race: Race) =>
  z.strictObject({
    tasksByStatus: countPerTaskStatus,
    tasksByKind: z
      .record(z.string(), countPerTaskStatus)
      .check(z.meta({ description: 'Per kind with at least one task: its tasks in each status' })),
    attemptsByOutcome: z.partialRecord(z.enum(ATTEMPT_OUTCOMES), count()),
    oldestPendingAgeSeconds: z.number().check(z.minimum(0)),
    emailDeliveries: countPerDelivery.check(
      z.meta({
        description:
          'Sent emails (tasks of any kind with a provider id) by delivery: their highest-ranked webhook event, ' +
          '`sent` until one came',
      }),
    ),
    registrationDeliveries: countPerDelivery.check(
      z.meta({
        description: 'Registrations by their latest confirmation’s delivery (those without an event yet: not counted)',
      }),
    ),
    emailEventsByType: z
      .record(z.string(), count())
      .check(z.meta({ description: 'Webhook events stored, by type (every type received)' })),
    emailsSkipped: z
      .record(z.string(), count())
      .check(z.meta({ description: 'Email tasks skipped, never sent, by reason (`suppressed`)' })),
    suppressedAddresses: count().check(z.meta({ description: 'Addresses no email is sent to any more' })),
    delivery: deliveryState,
    places: placesPerDistance(race),
  });

const devMailMessage = z.strictObject({
  id: z.uuid(),
  idempotencyKey: z.string(),
  from: z.string(),
  to: z.string(),
  subject: z.string(),
  html: z.string(),
  text: z.string(),
  createdAt: instant(),
});

const devMailList = z.strictObject({ messages: z.array(devMailMessage) });

const openApiSelf = z
  .looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.looseObject({}) })
  .check(z.meta({ description: 'This document' }));

/** A distance change's body: one of the race's distances (the route checks the same). */
function distanceChangeInput(race: Race) {
  return z.strictObject({ distance: z.enum(race.distances.map((d) => d.id) as [string, ...string[]]) });
}

/** The components, as JSON Schema 2020-12; a schema registered here is a `$ref` wherever it is used. */
export function convertComponentSchemas(race: Race): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  const named: [string, z.ZodMiniType][] = [
    ['RegistrationInput', registrationInputSchema(race)],
    ['RegistrationAnswer', registrationAnswer],
    ['RegistrationCreated', registrationCreated],
    ['RegistrationWaitlisted', registrationWaitlisted],
    ['ResendConfirmationInput', resendInputSchema(race)],
    ['ResendAccepted', resendAccepted],
    ['RegistrationStatus', registrationStatus],
    ['EmailStatus', emailStatus],
    ['Withdrawal', withdrawal],
    ['OfferAccepted', offerAccepted],
    ['OfferDeclined', offerDeclined],
    ['DistanceChangeInput', distanceChangeInput(race)],
    ['DistanceChanged', distanceChanged],
    ['EmailChangeInput', resendInputSchema(race)],
    ['EmailChanged', emailChanged],
    ['Race', raceView],
    ['RaceDistance', raceDistance],
    ['Health', health],
    ['Readiness', readiness],
    ['DeliveryState', deliveryState],
    ['AdminTaskList', adminTaskList],
    ['AdminTask', adminTask],
    ['AdminTaskAttempt', adminTaskAttempt],
    ['TaskReplayed', taskReplayed],
    ['AdminRegistrationList', adminRegistrationList],
    ['AdminRegistration', adminRegistration],
    ['AdminWithdrawal', adminWithdrawal],
    ['AdminMetrics', adminMetrics(race)],
    ['DistancePlaces', distancePlaces],
    ['DevMailList', devMailList],
    ['DevMailMessage', devMailMessage],
    ['OpenApiDocument', openApiSelf],
    ['Error', errorSchema],
  ];
  for (const [id, schema] of named) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    io: 'input',
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  });
  // Each is a part of this document, not a document of its own: no dialect, no $id.
  return Object.fromEntries(
    named.map(([id]) => {
      const { $schema: _dialect, $id: _id, ...schema } = schemas[id] as JsonSchema;
      return [id, schema];
    }),
  );
}

/** The stand-in race of the generated file: its one distance, ANY_DISTANCE, stands for the race's. */
const ANY_RACE: Race = {
  ...DEFAULT_RACE,
  distances: [{ id: ANY_DISTANCE, label: 'Any distance', startTime: '09:00', cap: 1 }],
};

/** The text of components.generated.json, as `npm run openapi:components` writes it. */
export function componentsFile(): string {
  return `${JSON.stringify(convertComponentSchemas(ANY_RACE), null, 2)}\n`;
}
