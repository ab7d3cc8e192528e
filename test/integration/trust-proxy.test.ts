// TRUST_PROXY on Node: behind N trusted reverse proxies the client is the address N hops from the
// right of X-Forwarded-For (what a client writes further left is ignored), so each client has its own
// rate-limit bucket; without trusted proxies the headers are ignored and the socket decides.
import { afterAll, describe, expect, it } from 'vitest';
import { createJsonLogger } from '../../src/ports/logger.js';
import { type NodeService, startNodeService } from '../../src/runtime/node/service.js';
import { runner } from '../support/fixtures.js';
import { useDatabase } from '../support/stack.js';

const fresh = useDatabase('trust_proxy');
const services: NodeService[] = [];
afterAll(async () => {
  for (const service of services) await service.stop();
});

async function start(trustProxy: string): Promise<NodeService> {
  const service = await startNodeService(
    { PORT: '0', DATABASE_URL: fresh.db.url, DEV_MODE: '1', RATE_LIMIT_PER_MINUTE: '2', TRUST_PROXY: trustProxy },
    createJsonLogger(() => {}),
  );
  services.push(service);
  return service;
}

/** A registration attempt as forwarded by a proxy; only the status matters (the limit runs first). */
async function attempt(service: NodeService, forwardedFor?: string): Promise<number> {
  const res = await fetch(`${service.url}/api/registrations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) },
    body: JSON.stringify(runner()),
  });
  await res.arrayBuffer();
  return res.status;
}

describe('TRUST_PROXY', () => {
  it('1 hop: each forwarded client has its own bucket, so one client cannot block the others', async () => {
    const service = await start('1');
    expect([await attempt(service, '203.0.113.1'), await attempt(service, '203.0.113.1')]).toEqual([201, 201]);
    expect(await attempt(service, '203.0.113.1')).toBe(429);
    // Another client behind the same proxy is not affected.
    expect(await attempt(service, '203.0.113.2')).toBe(201);
    // A client cannot escape its bucket by prepending addresses: only the right-most hop counts.
    expect(await attempt(service, '198.51.100.7, 203.0.113.1')).toBe(429);
  });

  it('2 hops: the client is the second address from the right', async () => {
    const service = await start('2');
    const via = (client: string) => `10.9.9.9, ${client}, 10.0.0.2`; // forged, client, first proxy
    expect(await attempt(service, via('203.0.113.5'))).toBe(201);
    expect(await attempt(service, via('203.0.113.5'))).toBe(201);
    expect(await attempt(service, via('203.0.113.5'))).toBe(429);
    expect(await attempt(service, via('203.0.113.6'))).toBe(201);
  });

  it('0 (the default): X-Forwarded-For is ignored; the socket address decides', async () => {
    const service = await start('0');
    expect(await attempt(service, '203.0.113.1')).toBe(201);
    expect(await attempt(service, '203.0.113.2')).toBe(201);
    // Same socket address (127.0.0.1) whatever the header says: the third is refused.
    expect(await attempt(service, '203.0.113.3')).toBe(429);
  });
});
