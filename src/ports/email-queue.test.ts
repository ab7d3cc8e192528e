// Scheduled tasks on the queue: grouped by the delay that brings each when due, one send per group.
import { describe, expect, it } from 'vitest';
import { announceTasks, type EmailQueue, MAX_QUEUE_DELAY_SECONDS, tasksByDelay } from './email-queue.js';

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

describe('announceTasks', () => {
  it('sends each delay group once, delayed to its time; a refused group is reported, the others still go', async () => {
    const sent: { ids: string[]; delaySeconds?: number }[] = [];
    const queue: EmailQueue = {
      async send(messages, options) {
        const ids = messages.map((m) => (m.type === 'task' ? m.taskId : ''));
        if (ids.includes('refused')) throw new Error('queue unavailable');
        sent.push({ ids, delaySeconds: options?.delaySeconds });
      },
    };
    const refused: string[][] = [];
    const now = Date.now();
    await announceTasks(
      queue,
      [
        { id: 'letter' },
        { id: 'email', runAt: null },
        { id: 'expiry', runAt: new Date(now + 3_500) },
        { id: 'refused', runAt: new Date(now + 60_000) },
      ],
      (ids) => refused.push(ids),
    );
    expect(sent).toEqual([
      { ids: ['letter', 'email'], delaySeconds: undefined },
      { ids: ['expiry'], delaySeconds: 4 },
    ]);
    expect(refused).toEqual([['refused']]);
  });
});
