// `cloudflare:workers`, the runtime's own module, typed from @cloudflare/workers-types' module form
// (see runtime-types.d.ts for why that form).
declare module 'cloudflare:workers' {
  import type { CloudflareWorkersModule } from '@cloudflare/workers-types/index.js';
  export const WorkerEntrypoint: typeof CloudflareWorkersModule.WorkerEntrypoint;
}
