import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createResendMailer } from '../../adapters/mail/resend.js';
import { MailError } from '../../ports/mailer.js';
import { providerFetch } from './provider-fetch.js';

describe('providerFetch (Node)', () => {
  const seen: { method?: string; url?: string; key?: string; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, key: req.headers['idempotency-key'] as string, body });
      if (req.url?.startsWith('/moved')) {
        res.writeHead(308, { location: '/emails' }).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"em_1"}');
    });
  });
  let base = '';
  beforeAll(async () => {
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const message = {
    from: 'Race <race@example.com>',
    to: 'ada@example.com',
    subject: 'Hi',
    html: '<p>é</p>',
    text: 'é',
  };

  it('sends the request as given', async () => {
    seen.length = 0;
    const mailer = createResendMailer({ apiKey: 're_test', baseUrl: base, fetch: providerFetch });
    expect(await mailer.send(message, { idempotencyKey: 'key-1' })).toEqual({ id: 'em_1' });
    expect(seen).toEqual([
      { method: 'POST', url: '/emails', key: 'key-1', body: expect.stringContaining('"html":"<p>é</p>"') },
    ]);
  });

  it('refuses a redirect instead of following it: a retryable network error, nothing sent twice', async () => {
    seen.length = 0;
    const mailer = createResendMailer({ apiKey: 're_test', baseUrl: `${base}/moved`, fetch: providerFetch });
    const failure = await mailer.send(message, { idempotencyKey: 'key-2' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MailError);
    expect(failure).toMatchObject({ kind: 'retryable', code: 'network_error' });
    expect(seen.map((s) => s.url)).toEqual(['/moved/emails']);

    // The runtime's plain fetch would have followed it.
    seen.length = 0;
    const following = createResendMailer({ apiKey: 're_test', baseUrl: `${base}/moved` });
    expect(await following.send(message, { idempotencyKey: 'key-3' })).toEqual({ id: 'em_1' });
    expect(seen.map((s) => s.url)).toEqual(['/moved/emails', '/emails']);
  });
});
