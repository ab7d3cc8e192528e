// What a runner is told about their confirmation email (the API's `email.status`, the pages' badge),
// and the one place where the state of the email's task becomes that word.
import type { TaskStatus } from './tasks.js';

export const EMAIL_DELIVERY_STATUSES = ['sending', 'pending', 'sent', 'failed', 'cancelled', 'not_tracked'] as const;
export type EmailDeliveryStatus = (typeof EMAIL_DELIVERY_STATUSES)[number];

const BY_TASK_STATUS: Record<TaskStatus, EmailDeliveryStatus> = {
  running: 'sending',
  pending: 'pending',
  succeeded: 'sent',
  dead: 'failed',
  cancelled: 'cancelled',
};

/** The status of a registration's email from its latest task's status; no task (a seed strategy): `not_tracked`. */
export function emailDeliveryStatus(taskStatus: TaskStatus | null): EmailDeliveryStatus {
  return taskStatus === null ? 'not_tracked' : BY_TASK_STATUS[taskStatus];
}

/**
 * What the provider reported of an email (Resend's webhooks), lowest precedence first. An email's
 * delivery is the highest of its events, whatever order they arrived in: a late `email.delivered` or
 * `email.sent` never moves a bounce back, nor a late `email.delivery_delayed` a delivery. Bounced,
 * complained, failed and suppressed are final over the rest; among them the runner's own complaint
 * ranks first, then a bounce, a suppression, a failure.
 */
export const PROVIDER_DELIVERY_STATUSES = [
  'sent',
  'delayed',
  'delivered',
  'failed',
  'suppressed',
  'bounced',
  'complained',
] as const;
export type ProviderDeliveryStatus = (typeof PROVIDER_DELIVERY_STATUSES)[number];

/**
 * The webhook event type of each provider delivery status, in the same order (precedence): an email's
 * delivery is the one of its highest-ranked event (in SQL: `topDeliveryEvent`, src/adapters/db/email-events.ts).
 */
export const PROVIDER_DELIVERY_EVENTS = [
  'email.sent',
  'email.delivery_delayed',
  'email.delivered',
  'email.failed',
  'email.suppressed',
  'email.bounced',
  'email.complained',
] as const;

const BY_EVENT_TYPE = new Map<string, ProviderDeliveryStatus>(
  PROVIDER_DELIVERY_EVENTS.map((type, rank) => [type, PROVIDER_DELIVERY_STATUSES[rank] as ProviderDeliveryStatus]),
);

/** The delivery status of one event type (undefined: a type that tells no delivery, such as email.opened). */
export function deliveryOfEvent(type: string): ProviderDeliveryStatus | undefined {
  return BY_EVENT_TYPE.get(type);
}

/** Deliveries after which nothing more is sent to the address (it is suppressed: src/adapters/db/email-events.ts). */
export const UNREACHABLE_DELIVERIES: readonly ProviderDeliveryStatus[] = ['suppressed', 'bounced', 'complained'];
