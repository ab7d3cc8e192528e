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
