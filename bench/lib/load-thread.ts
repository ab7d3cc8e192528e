// runLoad (bench/lib/load.ts) on a worker thread of its own, round-robin over several URLs.
//
// Why a thread: a benchmark that keeps the Resend stand-in in its own process would otherwise share one
// event loop between the stand-in and the load generator. At a high concurrency the client's work delays
// the stand-in's handling of requests, which then look bunched to its per-second rate limit (429s that
// the service did not cause) and late in its timestamps. A thread has its own event loop.
import { Worker } from 'node:worker_threads';
import type { Sample, SignUpFields } from './load.js';

export interface LoadThreadInput {
  urls: string[];
  emails: string[];
  concurrency: number;
  /** What every sign-up asks for besides the runner (default: round-robin distances, no waitlist). */
  fields?: SignUpFields;
}

export type LoadThreadMessage =
  | { type: 'progress'; done: number }
  | { type: 'done'; samples: (Sample | null)[]; wallMs: number };

/** Runs the load on a worker thread; `onProgress` gets the answers so far; `stop` ends it early. */
export function runLoadOnThread(
  input: LoadThreadInput,
  onProgress: (done: number) => void,
  stop: AbortSignal,
): Promise<{ samples: (Sample | undefined)[]; wallMs: number }> {
  // Workers do not inherit tsx's loader on Node 20, so the entry registers it before importing the
  // TypeScript module.
  const entry = new URL('./load-worker.ts', import.meta.url).href;
  const worker = new Worker(
    `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`,
    { eval: true, workerData: input },
  );
  const onStop = () => worker.postMessage('stop');
  stop.addEventListener('abort', onStop);
  return new Promise((resolve, reject) => {
    worker.on('message', (message: LoadThreadMessage) => {
      if (message.type === 'progress') onProgress(message.done);
      else resolve({ samples: message.samples.map((s) => s ?? undefined), wallMs: message.wallMs });
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`load thread exited with ${code} before it was done`)));
  }).finally(() => {
    stop.removeEventListener('abort', onStop);
    void worker.terminate();
  }) as Promise<{ samples: (Sample | undefined)[]; wallMs: number }>;
}
