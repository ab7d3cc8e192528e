// `cloudflare:workers` and `cloudflare:workflows`, the runtime's own modules, typed from
// @cloudflare/workers-types' module form (see runtime-types.d.ts for why that form).
declare module 'cloudflare:workers' {
  import type { CloudflareWorkersModule } from '@cloudflare/workers-types/index.js';
  export const WorkerEntrypoint: typeof CloudflareWorkersModule.WorkerEntrypoint;
  export const WorkflowEntrypoint: typeof CloudflareWorkersModule.WorkflowEntrypoint;
  export type WorkflowEntrypoint<Env, T> = CloudflareWorkersModule.WorkflowEntrypoint<Env, T>;
  export type WorkflowEvent<T> = CloudflareWorkersModule.WorkflowEvent<T>;
  export type WorkflowStep = CloudflareWorkersModule.WorkflowStep;
}

declare module 'cloudflare:workflows' {
  /** Thrown from a step: the instance fails at once, without the step's remaining retries. */
  export class NonRetryableError extends Error {
    constructor(message: string, name?: string);
  }
}
