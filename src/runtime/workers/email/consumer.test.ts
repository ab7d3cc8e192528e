// The consumer's decision for each message once its task's delivery is over (the whole flow runs in
// workerd: test/workerd/queue-delivery.test.ts).
import { describe, expect, it } from 'vitest';
import { isDeadLetterQueue, nextStep } from './consumer.js';

describe('queue consumer: ack or retry', () => {
  it('acks a task that is done, dead or gone: a redelivered or duplicated message ends there', () => {
    expect(nextStep(undefined, false)).toEqual({ ack: true });
    expect(nextStep({ status: 'succeeded', dueInMs: 0, leaseLeftMs: 0 }, false)).toEqual({ ack: true });
    expect(nextStep({ status: 'dead', dueInMs: 0, leaseLeftMs: 0 }, false)).toEqual({ ack: true });
  });

  it('retries a pending task when it is due: the backoff or Retry-After, in whole seconds', () => {
    expect(nextStep({ status: 'pending', dueInMs: 0, leaseLeftMs: 0 }, false)).toEqual({ retryAfterSeconds: 0 });
    expect(nextStep({ status: 'pending', dueInMs: 1200, leaseLeftMs: 0 }, false)).toEqual({ retryAfterSeconds: 2 });
    // Queues' longest delay is 12 hours.
    expect(nextStep({ status: 'pending', dueInMs: 10 * 86_400_000, leaseLeftMs: 0 }, false)).toEqual({
      retryAfterSeconds: 43_200,
    });
  });

  it('acks a pending task while delivery is paused: it waits in the table, the sweeper announces it again', () => {
    expect(nextStep({ status: 'pending', dueInMs: 60_000, leaseLeftMs: 0 }, true)).toEqual({ ack: true });
  });

  it('retries a task someone holds after its lease: if the holder died, the redelivery claims it', () => {
    expect(nextStep({ status: 'running', dueInMs: 0, leaseLeftMs: 2500 }, false)).toEqual({ retryAfterSeconds: 4 });
    expect(nextStep({ status: 'running', dueInMs: 0, leaseLeftMs: 0 }, true)).toEqual({ retryAfterSeconds: 1 });
  });

  it('knows a dead-letter queue by its name', () => {
    expect(isDeadLetterQueue('finishline-email-dlq')).toBe(true);
    expect(isDeadLetterQueue('finishline-email')).toBe(false);
  });
});
