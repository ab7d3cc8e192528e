// The Workers runtime types that the generated `worker-configuration.d.ts` (`npm run types`) names as
// globals. Taken from @cloudflare/workers-types' module form, so that its other globals (fetch,
// Request, …) do not clash with the DOM's and Node's, which the rest of the code is typed with.
import type * as Workers from '@cloudflare/workers-types/index.js';

declare global {
  type Hyperdrive = Workers.Hyperdrive;
  type RateLimit = Workers.RateLimit;
  type Queue<Body = unknown> = Workers.Queue<Body>;
  type Workflow<Params = unknown> = Workers.Workflow<Params>;
  // The RPC methods are typed by the port instead (src/adapters/cloudflare/email-worker.ts).
  type Service<_Entrypoint = undefined> = Workers.Fetcher;
}
