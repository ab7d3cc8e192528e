// Scheduled tasks on the queue: grouped by the delay that brings each when due, one send per group.
import { describe, expect, it } from 'vitest';
import { MAX_QUEUE_DELAY_SECONDS, tasksByDelay } from './email-queue.js';

describe('tasksByDelay', () => {
  it('groups by whole seconds up (due now or past: no delay), leaving out what is beyond the queue', () => {
    const groups = tasksByDelay([
      { id: 'now', dueInMs: 0 },
      { id: 'past', dueInMs: -5_000 },
      { id: 'soon', dueInMs: 1_200 },
      { id: 'soon-too', dueInMs: 1_900 },
      { id: 'last', dueInMs: MAX_QUEUE_DELAY_SECONDS * 1000 },
      { id: 'beyond', dueInMs: MAX_QUEUE_DELAY_SECONDS * 1000 + 1 },
    ]);
    expect([...groups]).toEqual([
      [0, ['now', 'past']],
      [2, ['soon', 'soon-too']],
      [MAX_QUEUE_DELAY_SECONDS, ['last']],
    ]);
  });
});
