import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createResendMailer } from '../../adapters/mail/resend.js';
import { MailError } from '../../ports/mailer.js';
import { createProviderPost, providerPost } from './provider-post.js';

const tls = (name: string) => readFileSync(new URL(`../../../test/support/tls/${name}`, import.meta.url));

describe('providerPost (Node: node:http with keep-alive)', () => {
  const seen: { method?: string; url?: string; key?: string; length?: string; body: string }[] = [];
  let connections = 0;
  function handle(req: IncomingMessage, res: ServerResponse) {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      seen.push({
        method: req.method,
        url: req.url,
        key: req.headers['idempotency-key'] as string,
        length: req.headers['content-length'],
        body,
      });
      if (req.url?.startsWith('/moved')) return res.writeHead(308, { location: '/emails' }).end();
      if (req.url?.startsWith('/limited'))
        return res
          .writeHead(429, { 'content-type': 'application/json', 'retry-after': '7' })
          .end('{"name":"rate_limit_exceeded","message":"Too many requests"}');
      if (req.url?.startsWith('/slow')) return; // never answers
      if (req.url?.startsWith('/late')) {
        setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"em_late"}'), 300);
        return;
      }
      if (req.url?.startsWith('/cut')) {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' }).write('{"id":');
        setTimeout(() => res.destroy(), 20);
        return;
      }
      if (req.url?.startsWith('/huge')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        const block = 'x'.repeat(64 * 1024);
        const write = () => {
          while (!res.destroyed && res.write(block));
          if (!res.destroyed) res.once('drain', write);
        };
        res.on('error', () => {});
        write();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"em_1"}');
    });
  }
  const server = createServer(handle);
  server.on('connection', () => {
    connections++;
  });
  const secureServer = createHttpsServer({ key: tls('localhost-key.pem'), cert: tls('localhost-cert.pem') }, handle);
  let base = '';
  let secureBase = '';
  beforeAll(async () => {
    server.listen(0, '127.0.0.1');
    secureServer.listen(0, '127.0.0.1');
    await Promise.all([once(server, 'listening'), once(secureServer, 'listening')]);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    secureBase = `https://127.0.0.1:${(secureServer.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    secureServer.closeAllConnections();
    await Promise.all([
      new Promise<void>((resolve) => server.close(() => resolve())),
      new Promise<void>((resolve) => secureServer.close(() => resolve())),
    ]);
  });

  const message = {
    from: 'Race <race@example.com>',
    to: 'ada@example.com',
    subject: 'Hi',
    html: '<p>é</p>',
    text: 'é',
  };
  const mailerAt = (baseUrl: string, post = providerPost) => createResendMailer({ apiKey: 're_test', baseUrl, post });
  const failureOf = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: unknown) => error,
    );

  it('sends the request as given (UTF-8 body, its byte length) and reuses the connection', async () => {
    seen.length = 0;
    const before = connections;
    const mailer = mailerAt(base);
    expect(await mailer.send(message, { idempotencyKey: 'key-1' })).toEqual({ id: 'em_1' });
    expect(await mailer.send(message, { idempotencyKey: 'key-2' })).toEqual({ id: 'em_1' });
    expect(seen).toEqual([
      {
        method: 'POST',
        url: '/emails',
        key: 'key-1',
        length: String(Buffer.byteLength(seen[0]?.body ?? '')),
        body: expect.stringContaining('"html":"<p>é</p>"'),
      },
      expect.objectContaining({ key: 'key-2' }),
    ]);
    expect(connections - before).toBe(1);
  });

  it('closes a connection idle for idleMs, and never cuts a send that takes longer', async () => {
    const post = createProviderPost({ idleMs: 100 });
    const before = connections;
    expect(await mailerAt(base, post).send(message, { idempotencyKey: 'idle-1' })).toEqual({ id: 'em_1' });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await mailerAt(base, post).send(message, { idempotencyKey: 'idle-2' })).toEqual({ id: 'em_1' });
    expect(connections - before).toBe(2);
    // An answer 300 ms late, three times idleMs: still received.
    expect(await mailerAt(`${base}/late`, post).send(message, { idempotencyKey: 'idle-3' })).toEqual({ id: 'em_late' });
  });

  it('over HTTPS too', async () => {
    seen.length = 0;
    const post = createProviderPost({ tls: { ca: tls('localhost-cert.pem') } });
    expect(await mailerAt(secureBase, post).send(message, { idempotencyKey: 'key-tls' })).toEqual({ id: 'em_1' });
    expect(seen.map((s) => s.key)).toEqual(['key-tls']);
    // And it checks the certificate: the default client does not know this one.
    expect(await failureOf(mailerAt(secureBase).send(message, { idempotencyKey: 'key-x' }))).toMatchObject({
      kind: 'retryable',
      code: 'network_error',
    });
  });

  it("an error answer is read as Resend's: status, name, Retry-After", async () => {
    const failure = await failureOf(mailerAt(`${base}/limited`).send(message, { idempotencyKey: 'key-3' }));
    expect(failure).toBeInstanceOf(MailError);
    expect(failure).toMatchObject({ kind: 'retryable', status: 429, code: 'rate_limit_exceeded', retryAfterMs: 7000 });
  });

  it('refuses a redirect instead of following it: a retryable network error, nothing sent twice', async () => {
    seen.length = 0;
    const failure = await failureOf(mailerAt(`${base}/moved`).send(message, { idempotencyKey: 'key-4' }));
    expect(failure).toMatchObject({ kind: 'retryable', code: 'network_error' });
    expect(seen.map((s) => s.url)).toEqual(['/moved/emails']);

    // The runtime's plain fetch would have followed it.
    seen.length = 0;
    const following = createResendMailer({ apiKey: 're_test', baseUrl: `${base}/moved` });
    expect(await following.send(message, { idempotencyKey: 'key-5' })).toEqual({ id: 'em_1' });
    expect(seen.map((s) => s.url)).toEqual(['/moved/emails', '/emails']);
  });

  it('an aborted send is a timeout; an answer cut short or too large is a network error', async () => {
    const controller = new AbortController();
    const pending = failureOf(
      mailerAt(`${base}/slow`).send(message, { idempotencyKey: 'k', signal: controller.signal }),
    );
    setTimeout(() => controller.abort(new DOMException('send timed out', 'TimeoutError')), 20);
    expect(await pending).toMatchObject({ kind: 'retryable', code: 'timeout' });

    expect(await failureOf(mailerAt(`${base}/cut`).send(message, { idempotencyKey: 'k' }))).toMatchObject({
      kind: 'retryable',
      code: 'network_error',
    });
    expect(await failureOf(mailerAt(`${base}/huge`).send(message, { idempotencyKey: 'k' }))).toMatchObject({
      kind: 'retryable',
      code: 'network_error',
    });
  });

  it('timeoutMs: a send with no answer in time is a timeout; one answered in time is not cut later', async () => {
    // The server never answers /slow: only the timer can end it.
    expect(
      await failureOf(mailerAt(`${base}/slow`).send(message, { idempotencyKey: 'k', timeoutMs: 100 })),
    ).toMatchObject({ kind: 'retryable', code: 'timeout' });
    // However far the answer got (/cut sends half a body, then drops), a timer that fired makes it a timeout.
    expect(await failureOf(mailerAt(`${base}/cut`).send(message, { idempotencyKey: 'k', timeoutMs: 5 }))).toMatchObject(
      { code: 'timeout' },
    );
    expect(await mailerAt(`${base}/late`).send(message, { idempotencyKey: 'k', timeoutMs: 2_000 })).toEqual({
      id: 'em_late',
    });
  });

  it('a refused connection is a network error', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await failureOf(mailerAt(`http://127.0.0.1:${port}`).send(message, { idempotencyKey: 'k' }))).toMatchObject({
      kind: 'retryable',
      code: 'network_error',
    });
  });
});
