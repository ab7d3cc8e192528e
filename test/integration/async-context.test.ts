// A Node service that records no spans (production's default: no OTLP endpoint, no dev mode) must
// not turn on async context tracking: on Node 20 an AsyncLocalStorage puts promise hooks on every
// promise of the process (docs/design.md, Architecture). Server-Timing must still count the request's
// own database time. Once spans are recorded, the context follows.
//
// This file runs in a process of its own (vitest isolates test files): nothing registered a context
// manager before its first service starts.
import { context, createContextKey } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/ports/logger.js';
import { type NodeService, startNodeService } from '../../src/runtime/node/service.js';
import { runner } from '../support/fixtures.js';
import { useStack } from '../support/stack.js';

const PROBE = createContextKey('finishline.test.probe');

/** Whether a value set in a context is still there after an await inside it. */
async function contextFollowsAwaits(): Promise<boolean> {
  return context.with(context.active().setValue(PROBE, true), async () => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    return context.active().getValue(PROBE) === true;
  });
}

describe('async context on Node: only when spans are recorded', () => {
  const stack = useStack('fl_async_context', null);
  const services: NodeService[] = [];
  const start = async (extra: Record<string, string>, spanExporter?: InMemorySpanExporter) => {
    const env = {
      PORT: '0',
      DATABASE_URL: stack.db.url,
      RESEND_API_KEY: stack.resend.apiKey,
      RESEND_BASE_URL: stack.resend.url,
      ...extra,
    };
    const service = await startNodeService(env, silentLogger, { spanExporter });
    services.push(service);
    return service;
  };

  afterAll(async () => {
    for (const service of services) await service.stop();
  });

  it('a production service without tracing: no context manager, and Server-Timing still counts db', async () => {
    const service = await start({});
    expect(await contextFollowsAwaits()).toBe(false);
    const res = await fetch(`${service.url}/api/registrations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(runner()),
    });
    expect(res.status).toBe(201);
    const db = /db;dur=([\d.]+)/.exec(res.headers.get('server-timing') ?? '');
    expect(Number(db?.[1])).toBeGreaterThan(0);
    await stack.resend.waitForAccepted(1, 10_000);
    expect(await contextFollowsAwaits()).toBe(false);
  });

  it('a service that records spans registers one', async () => {
    await start({}, new InMemorySpanExporter());
    expect(await contextFollowsAwaits()).toBe(true);
  });
});
