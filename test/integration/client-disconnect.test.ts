// A client that goes away in the middle of sending its body: the body read fails on our side, and that
// is the client's doing, not a database outage — no 503, no error log line. A real Node server
// (@hono/node-server on an ephemeral port, real PostgreSQL) and a raw TCP socket that announces more
// bytes than it sends, then closes.
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { runner } from '../support/fixtures.js';
import { eventually } from '../support/http.js';
import { useStack } from '../support/stack.js';
import { startNodeTarget } from '../support/targets.js';

interface LogLine {
  level: string;
  event: string;
  requestId?: string;
  status?: number;
}

async function connect(url: string): Promise<net.Socket> {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  socket.on('error', () => {});
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  return socket;
}

/** The head, then part of the body; then the socket is destroyed without reading any answer. */
async function sendPartly(url: string, head: string, partialBody: string): Promise<void> {
  const socket = await connect(url);
  await new Promise<void>((resolve) => socket.write(`${head}\r\n\r\n${partialBody}`, () => resolve()));
  // Not a timing assertion: lets the server start reading the body before the connection goes, so
  // the disconnect lands mid-read (it fails the same way if it lands earlier).
  await new Promise((r) => setTimeout(r, 50));
  socket.destroy();
}

/** The whole request through the same kind of socket; resolves with the status line's code. */
async function sendWhole(url: string, head: string, body: string): Promise<number> {
  const socket = await connect(url);
  socket.write(`${head}\r\n\r\n${body}`);
  let received = '';
  for await (const chunk of socket) {
    received += String(chunk);
    if (received.includes('\r\n')) break;
  }
  socket.destroy();
  return Number(received.split(' ')[1]);
}

describe('a client that disconnects mid-body (Node)', () => {
  const lines: LogLine[] = [];
  const stack = useStack(
    'fl_disconnect',
    startNodeTarget,
    {},
    { log: (line) => lines.push(JSON.parse(line) as LogLine) },
  );

  const head = (path: string, requestId: string, headers: string[]) =>
    [
      `POST ${path} HTTP/1.1`,
      `host: ${new URL(stack.target.url).host}`,
      // The form post's CSRF check wants a same-origin Origin.
      `origin: ${stack.target.url}`,
      `x-request-id: ${requestId}`,
      ...headers,
    ].join('\r\n');

  const requestLine = (requestId: string) => lines.find((l) => l.event === 'request' && l.requestId === requestId);

  const CASES: [string, string, string[], string][] = [
    [
      'JSON API, Content-Length 1000',
      '/api/registrations',
      ['content-type: application/json', 'content-length: 1000'],
      '{"firstName":"Ada","lastName":"Lo',
    ],
    [
      'sign-up form, Content-Length 1000',
      '/register',
      ['content-type: application/x-www-form-urlencoded', 'content-length: 1000'],
      'firstName=Ada&lastName=Lo',
    ],
    [
      'JSON API, chunked without its last chunk (read by the body limit)',
      '/api/registrations',
      ['content-type: application/json', 'transfer-encoding: chunked'],
      '10\r\n{"firstName":"Ad\r\n',
    ],
  ];

  for (const [name, path, headers, partial] of CASES) {
    it(`${name}: a 400, not a 503, and no error logged`, async () => {
      const requestId = `gone-${crypto.randomUUID()}`;
      await sendPartly(stack.target.url, head(path, requestId, headers), partial);
      // The request line is logged once the app has answered (to nobody).
      await eventually(() => expect(requestLine(requestId)).toBeDefined());
      expect(requestLine(requestId)?.status).toBe(400);
      expect(lines.filter((l) => l.level !== 'info')).toEqual([]);
      expect(lines.filter((l) => l.event === 'request.error')).toEqual([]);
    });
  }

  it('nothing was stored', async () => {
    const [row] = await stack.db.query<{ n: number }>('SELECT count(*)::int AS n FROM registrations');
    expect(row?.n).toBe(0);
  });

  // Last: the same raw requests, sent whole, are accepted — the 400s above are about the missing bytes.
  it('sanity: the whole body through the same socket is a 201', async () => {
    const body = JSON.stringify(runner({ email: 'whole-body@example.com' }));
    const requestId = `whole-${crypto.randomUUID()}`;
    const status = await sendWhole(
      stack.target.url,
      head('/api/registrations', requestId, [
        'content-type: application/json',
        `content-length: ${Buffer.byteLength(body)}`,
        'connection: close',
      ]),
      body,
    );
    expect(status).toBe(201);
    await eventually(() => expect(requestLine(requestId)?.status).toBe(201));
  });
});
