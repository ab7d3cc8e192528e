// Paths of the admin API: tasks and replays, registrations (their export, a withdrawal), metrics and places.
import { PROVIDER_DELIVERY_STATUSES } from '../../../ports/email-delivery.js';
import { REGISTRATION_STATUSES, STRATEGIES } from '../../../ports/store.js';
import { TASK_KIND, TASK_STATUSES } from '../../../ports/tasks.js';
import { type ErrorName, errors, NO_STORE } from '../errors.js';
import { idParam, json } from '../refs.js';
import { ADMIN } from '../security.js';

const cursorParams = [
  {
    name: 'limit',
    in: 'query',
    schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
    description: 'Page size',
  },
  { name: 'cursor', in: 'query', schema: { type: 'string' }, description: '`nextCursor` of the previous page' },
];
const registrationFilters = [
  { name: 'distance', in: 'query', schema: { type: 'string', maxLength: 20 }, description: 'Distance id (exact)' },
  {
    name: 'q',
    in: 'query',
    schema: { type: 'string', maxLength: 200 },
    description: 'First name, last name or email contains (case-insensitive)',
  },
  { name: 'strategy', in: 'query', schema: { type: 'string', enum: [...STRATEGIES] }, description: 'Strategy' },
  {
    name: 'status',
    in: 'query',
    schema: { type: 'string', enum: [...REGISTRATION_STATUSES] },
    description:
      'Only registrations in this status. `waitlisted` lists the waitlist in order — by distance, then position ' +
      '(1 first) — rather than newest first',
  },
  {
    name: 'delivery',
    in: 'query',
    schema: { type: 'string', enum: [...PROVIDER_DELIVERY_STATUSES] },
    description:
      'Only registrations whose latest confirmation’s delivery (its highest-ranked Resend event) is this: ' +
      '`bounced` and `complained` list the runners the race cannot reach',
  },
];
const adminErrors = (...names: ErrorName[]) =>
  errors(['unauthorized', 'admin_rate_limited', ...names, 'internal', 'unavailable'], NO_STORE);

export const adminPaths = {
  '/api/admin/tasks': {
    get: {
      tags: ['admin'],
      operationId: 'listTasks',
      summary: 'Tasks of every kind with their attempts (no payloads), newest first',
      security: ADMIN,
      parameters: [
        {
          name: 'status',
          in: 'query',
          schema: { type: 'string', enum: [...TASK_STATUSES] },
          description: 'Only tasks in this state (`dead`: the dead letters)',
        },
        {
          name: 'kind',
          in: 'query',
          schema: { type: 'string', pattern: TASK_KIND.source },
          description: 'Only tasks of this kind (exact; a kind no task has matches nothing)',
        },
        ...cursorParams,
      ],
      responses: {
        '200': { description: 'A page of tasks', headers: NO_STORE, content: json('AdminTaskList') },
        ...adminErrors('invalid_query'),
      },
    },
  },
  '/api/admin/tasks/{id}/retry': {
    post: {
      tags: ['admin'],
      operationId: 'retryTask',
      summary: 'Replay a dead letter (same task id, so the same Idempotency-Key)',
      description:
        'A task of any kind. It becomes `pending`, due now, with a fresh budget of attempts; its history is ' +
        'kept. Refused (`key_taken`) when a pending or running task of its kind has taken its key since it died.',
      security: ADMIN,
      parameters: [idParam('The task id')],
      responses: {
        '200': { description: 'Replayed', headers: NO_STORE, content: json('TaskReplayed') },
        ...adminErrors('not_found', 'not_dead'),
      },
    },
  },
  '/api/admin/registrations': {
    get: {
      tags: ['admin'],
      operationId: 'listRegistrations',
      summary: 'Registrations with their status, email status and delivery, filtered and cursor-paged, newest first',
      description:
        'With `status=waitlisted`, the waitlist in order (by distance, then position), each runner with their ' +
        '`position`: e.g. `?status=waitlisted&distance=10`. A cursor pages the list it came from (another list’s ' +
        'cursor is 422).',
      security: ADMIN,
      parameters: [...registrationFilters, ...cursorParams],
      responses: {
        '200': {
          description: 'A page of registrations',
          headers: NO_STORE,
          content: json('AdminRegistrationList'),
        },
        ...adminErrors('invalid_query'),
      },
    },
  },
  '/api/admin/registrations/{id}/withdraw': {
    post: {
      tags: ['admin'],
      operationId: 'adminWithdrawRegistration',
      summary: 'Withdraw a runner, as the runner would through their manage link',
      description:
        'From a place, an offer or the waitlist: a place given up is offered, in the same statement, to the head of ' +
        'the distance’s waitlist, and the runner gets a withdrawal email. Withdrawing again changes nothing and ' +
        'answers the same.',
      security: ADMIN,
      parameters: [idParam('The registration id')],
      responses: {
        '200': { description: 'Withdrawn (or already gone)', headers: NO_STORE, content: json('AdminWithdrawal') },
        ...adminErrors('not_found'),
      },
    },
  },
  '/api/admin/registrations.csv': {
    get: {
      tags: ['admin'],
      operationId: 'exportRegistrationsCsv',
      summary: 'All registrations as CSV (same filters, no paging), newest first',
      description:
        'Columns: `id, first_name, last_name, email, address, distance, strategy, created_at, email_status, ' +
        'status, position, delivery` (`position` only for waitlisted runners; with `status=waitlisted` in waitlist ' +
        'order; `delivery` empty until Resend reported on the latest confirmation). ' +
        'At most 50,000 rows; `X-Truncated: true` says there were more (narrow the filters).',
      security: ADMIN,
      parameters: registrationFilters,
      responses: {
        '200': {
          description: 'CSV in UTF-8, starting with a byte order mark, then a header row',
          headers: {
            ...NO_STORE,
            'Content-Disposition': {
              description: 'A download',
              required: true,
              schema: { const: 'attachment; filename="registrations.csv"' },
            },
            'X-Truncated': { description: 'Present when rows were left out', schema: { const: 'true' } },
          },
          content: { 'text/csv': { schema: { type: 'string' } } },
        },
        ...adminErrors('invalid_query'),
      },
    },
  },
  '/api/admin/metrics': {
    get: {
      tags: ['admin'],
      operationId: 'getAdminMetrics',
      summary:
        'Delivery figures (tasks by status and by kind, attempts by outcome, oldest due task, delivery state), ' +
        'what became of the emails (sent emails and registrations by delivery outcome, webhook events by type, ' +
        'skipped emails, suppressed addresses) and places per distance (taken, open offers, waitlist)',
      security: ADMIN,
      responses: {
        '200': { description: 'The figures', headers: NO_STORE, content: json('AdminMetrics') },
        ...adminErrors(),
      },
    },
  },
  '/metrics': {
    get: {
      tags: ['admin'],
      operationId: 'getPrometheusMetrics',
      summary: 'The same figures in Prometheus’ text format, for a scraper',
      security: ADMIN,
      responses: {
        '200': {
          description: 'Prometheus text exposition format 0.0.4',
          headers: NO_STORE,
          content: { 'text/plain': { schema: { type: 'string' } } },
        },
        ...adminErrors(),
      },
    },
  },
};
