// The worker-thread side of runLoadOnThread (bench/lib/load-thread.ts): runs the load, reports progress
// at most every 100 ms, and posts the samples when done.
import { parentPort, workerData } from 'node:worker_threads';
import { runLoad } from './load.js';
import type { LoadThreadInput, LoadThreadMessage } from './load-thread.js';

const { urls, emails, concurrency, fields } = workerData as LoadThreadInput;
const stop = new AbortController();
parentPort?.on('message', (message) => {
  if (message === 'stop') stop.abort();
});
const post = (message: LoadThreadMessage) => parentPort?.postMessage(message);

let lastProgress = 0;
const { samples, wallMs } = await runLoad(
  (i) => urls[i % urls.length] as string,
  emails,
  concurrency,
  0,
  (_, done) => {
    if (Date.now() - lastProgress < 100 && done < emails.length) return;
    lastProgress = Date.now();
    post({ type: 'progress', done });
  },
  stop.signal,
  fields,
);
// A sparse array would not survive structured cloning as such: holes become null explicitly.
post({ type: 'done', samples: Array.from(samples, (s) => s ?? null), wallMs });
parentPort?.close();
