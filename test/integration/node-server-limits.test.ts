// Node's HTTP server limits: a client that trickles its headers or body is cut off (408) instead of
// holding a connection for Node's 300 s default. The limits are shortened here so the test sees them act.
// (Host: 127.0.0.1: in dev mode another Host name is answered 421 at once, before any body is read.)
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJsonLogger } from '../../src/ports/logger.js';
import { type NodeService, SERVER_LIMITS, startNodeService } from '../../src/runtime/node/service.js';
import { useDatabase } from '../support/stack.js';

const fresh = useDatabase('node_server_limits');
let service: NodeService;
const lines: Record<string, unknown>[] = [];
beforeAll(async () => {
  service = await startNodeService(
    { PORT: '0', DATABASE_URL: fresh.db.url, DEV_MODE: '1' },
    createJsonLogger((line) => lines.push(JSON.parse(line))),
    { serverLimits: { headersTimeout: 300, requestTimeout: 600, connectionsCheckingInterval: 50 } },
  );
});
afterAll(async () => {
  await service?.stop();
});

/** Sends `data` and never finishes the request; resolves with what the server answered before closing. */
function trickle(data: string): Promise<string> {
  const { port } = new URL(service.url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1', () => socket.write(data));
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => (answer += chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
  });
}

describe('Node server limits', () => {
  it('are short by default: seconds, not Node’s 300 s', () => {
    expect(SERVER_LIMITS.headersTimeout).toBeLessThanOrEqual(15_000);
    expect(SERVER_LIMITS.requestTimeout).toBeLessThanOrEqual(30_000);
    expect(SERVER_LIMITS.requestTimeout).toBeGreaterThanOrEqual(SERVER_LIMITS.headersTimeout);
  });

  it('a client that never finishes its headers is answered 408 and disconnected', async () => {
    const answer = await trickle('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('a client that never finishes its body is answered 408 and disconnected', async () => {
    const answer = await trickle(
      'POST /api/registrations HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"firstName":',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    // The service is fine afterwards.
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
  });

  it('each 408 leaves a log line, with nothing the client sent', async () => {
    const before = lines.filter((line) => line.event === 'request.timeout').length;
    await trickle('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Secret: ada@example.com\r\n');
    await trickle(
      'POST /api/registrations HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"email":"ada@example.com"',
    );
    const timeouts = lines.filter((line) => line.event === 'request.timeout').slice(before);
    expect(timeouts).toEqual([
      { time: expect.any(String), level: 'warn', event: 'request.timeout', status: 408, bytesRead: expect.any(Number) },
      { time: expect.any(String), level: 'warn', event: 'request.timeout', status: 408, bytesRead: expect.any(Number) },
    ]);
    const text = JSON.stringify(lines);
    expect(text).not.toContain('ada@example.com');
  });
});
