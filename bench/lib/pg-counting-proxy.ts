// A TCP proxy in front of PostgreSQL that counts what its clients ask for, by reading the frontend side
// of the wire protocol (https://www.postgresql.org/docs/15/protocol-message-formats.html): every
// statement (Execute, or a simple Query) and every round trip (Sync, or a simple Query — each is one
// wait for the server's ReadyForQuery). Statements are grouped by what they do, from their SQL text:
// node-postgres sends the text with every Parse of an unnamed statement, and with the one Parse of a
// named (prepared) statement per connection, whose later Binds name it.
//
// For counting only: it adds a hop, so benchmarks measure speed without it and count with it.

import type { AddressInfo } from 'node:net';
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface StatementCounts {
  /** Statements run (Execute messages + simple Queries). */
  statements: number;
  /** Waits for ReadyForQuery (Sync messages + simple Queries). */
  roundTrips: number;
  /** Statements the server had to parse (Parse messages + simple Queries): fewer when they are prepared. */
  parses: number;
  /** Statements by kind (see `kindOf`). */
  byKind: Record<string, number>;
}

/** What a statement does, from its SQL: the names the bench reports. */
export function kindOf(sql: string): string {
  const s = sql.replace(/\s+/g, ' ');
  if (/INSERT INTO registrations/i.test(s))
    return /INSERT INTO tasks/i.test(s) ? 'store registration + task' : 'store registration';
  if (/FOR UPDATE SKIP LOCKED/i.test(s)) return 'claim (sweeper)';
  if (/UPDATE tasks SET batch_id = /i.test(s)) return 'form batch';
  if (/jsonb_to_recordset/i.test(s) && /INSERT INTO task_attempts/i.test(s)) return 'finish batch';
  if (/INSERT INTO task_attempts/i.test(s)) return 'finish task';
  if (/send_budget/i.test(s)) return 'send budget';
  return `other: ${s.trim().slice(0, 40)}`;
}

export interface CountingProxy {
  port: number;
  /** Counts since the start or the last `reset`. */
  counts(): StatementCounts;
  reset(): void;
  close(): Promise<void>;
}

export async function startCountingProxy(target: { host: string; port: number }): Promise<CountingProxy> {
  let counts: StatementCounts = { statements: 0, roundTrips: 0, parses: 0, byKind: {} };
  const sockets = new Set<Socket>();

  const onConnection = (client: Socket) => {
    const server = connect(target.port, target.host);
    sockets.add(client).add(server);
    let buffer: Buffer = Buffer.alloc(0);
    let started = false; // the StartupMessage has no type byte
    let lastParsed = '';
    // This connection's prepared statements (name → text), and the text of the one bound last.
    const prepared = new Map<string, string>();
    let bound = '';
    const count = (kind: string) => {
      counts.statements++;
      counts.byKind[kind] = (counts.byKind[kind] ?? 0) + 1;
    };
    client.on('data', (chunk: Buffer) => {
      server.write(chunk);
      buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
      for (;;) {
        if (!started) {
          if (buffer.length < 4) break;
          const length = buffer.readInt32BE(0);
          if (buffer.length < length) break;
          buffer = buffer.subarray(length);
          started = true;
          continue;
        }
        if (buffer.length < 5) break;
        const type = String.fromCharCode(buffer[0] as number);
        const length = buffer.readInt32BE(1);
        if (buffer.length < 1 + length) break;
        const body = buffer.subarray(5, 1 + length);
        if (type === 'Q') {
          counts.roundTrips++;
          counts.parses++;
          count(kindOf(body.toString('utf8', 0, body.length - 1)));
        } else if (type === 'P') {
          counts.parses++;
          const nameEnd = body.indexOf(0);
          lastParsed = body.toString('utf8', nameEnd + 1, body.indexOf(0, nameEnd + 1));
          if (nameEnd > 0) prepared.set(body.toString('utf8', 0, nameEnd), lastParsed);
        } else if (type === 'B') {
          // Bind: the portal's name, then the statement's ('' = the unnamed one, parsed last).
          const portalEnd = body.indexOf(0);
          const name = body.toString('utf8', portalEnd + 1, body.indexOf(0, portalEnd + 1));
          bound = name ? (prepared.get(name) ?? '') : lastParsed;
        } else if (type === 'E') {
          count(kindOf(bound));
        } else if (type === 'S') {
          counts.roundTrips++;
        }
        buffer = buffer.subarray(1 + length);
      }
    });
    server.on('data', (chunk: Buffer) => client.write(chunk));
    const end = () => {
      client.destroy();
      server.destroy();
      sockets.delete(client);
      sockets.delete(server);
    };
    client.on('close', end).on('error', end);
    server.on('close', end).on('error', end);
  };

  const proxy: Server = createServer(onConnection);
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    port: (proxy.address() as AddressInfo).port,
    counts: () => structuredClone(counts),
    reset() {
      counts = { statements: 0, roundTrips: 0, parses: 0, byKind: {} };
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        proxy.close(() => resolve());
      }),
  };
}
