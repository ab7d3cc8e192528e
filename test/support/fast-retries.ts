// Task settings that make retries happen in milliseconds instead of minutes, for fault tests.
export const FAST_RETRIES = {
  TASK_TIMEOUT_MS: '500',
  TASK_LEASE_MS: '2000',
  TASK_RETRY_BASE_MS: '20',
  TASK_RETRY_MAX_MS: '300',
  TASK_SWEEP_INTERVAL_MS: '100',
  TASK_MAX_ATTEMPTS: '40',
  EMAIL_RATE_LIMIT_PER_SEC: '2000',
  TASK_CONCURRENCY: '20',
};
