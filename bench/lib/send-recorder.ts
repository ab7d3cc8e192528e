// A recording pass-through in front of the mail provider (the Resend stand-in): every POST /emails is
// forwarded unchanged and remembered with its recipients, start, end and status, so a benchmark can
// draw when each send attempt happened and how it ended — including the failed ones, which the
// stand-in does not keep. Loopback only; adds one local hop (about a millisecond) to each send.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedSend {
  /** Recipients' addresses, lower-cased, without display names. */
  to: string[];
  idempotencyKey: string | null;
  /** Date.now() when the request reached the recorder, and when its answer was passed on. */
  startedAt: number;
  endedAt: number;
  /** The provider's status, or 0 when there was no answer (connection error or the caller gave up). */
  status: number;
}

export interface SendRecorder {
  url: string;
  sends(): RecordedSend[];
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive']);

/** `Name <a@b.c>` → `a@b.c`, lower-cased. */
export function bareAddress(value: string): string {
  return (/<([^<>]+)>\s*$/.exec(value)?.[1] ?? value).trim().toLowerCase();
}

function recipients(body: Buffer): string[] {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    const emails = Array.isArray(parsed) ? parsed : [parsed];
    return emails.flatMap((e) => {
      const to = (e as { to?: unknown } | null)?.to;
      const list = typeof to === 'string' ? [to] : Array.isArray(to) ? to : [];
      return list.filter((t): t is string => typeof t === 'string').map(bareAddress);
    });
  } catch {
    return [];
  }
}

export async function startSendRecorder(target: string): Promise<SendRecorder> {
  const sends: RecordedSend[] = [];
  const inFlight = new Set<AbortController>();

  async function forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const startedAt = Date.now();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const isSend =
      req.method === 'POST' && /^\/emails(\/batch)?\/?$/.test(new URL(req.url ?? '/', 'http://x').pathname);
    const record: RecordedSend | undefined = isSend
      ? {
          to: recipients(body),
          idempotencyKey: (req.headers['idempotency-key'] as string | undefined) ?? null,
          startedAt,
          endedAt: startedAt,
          status: 0,
        }
      : undefined;
    if (record) sends.push(record);

    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (!HOP_BY_HOP.has(name) && typeof value === 'string') headers[name] = value;
    }
    const abort = new AbortController();
    inFlight.add(abort);
    res.once('close', () => {
      if (!res.writableFinished) abort.abort(); // the caller gave up (its timeout): give up upstream too
    });
    try {
      const upstream = await fetch(target + (req.url ?? '/'), {
        method: req.method,
        headers,
        body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
        signal: abort.signal,
      });
      const answer = Buffer.from(await upstream.arrayBuffer());
      const out: Record<string, string> = {};
      upstream.headers.forEach((value, name) => {
        if (!HOP_BY_HOP.has(name) && name !== 'content-encoding') out[name] = value;
      });
      if (record) {
        record.status = upstream.status;
        record.endedAt = Date.now();
      }
      res.writeHead(upstream.status, out).end(answer);
    } catch {
      if (record) record.endedAt = Date.now();
      res.destroy();
    } finally {
      inFlight.delete(abort);
    }
  }

  const server = createServer((req, res) => {
    forward(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sends: () => sends,
    async close() {
      for (const abort of inFlight) abort.abort();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
