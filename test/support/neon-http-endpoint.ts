// A tiny stand-in for Neon's HTTP SQL endpoint (`POST /sql`), backed by a real local Postgres.
//
// Neon itself is unreachable from CI, but we still want the production code path —
// `neon()` from @neondatabase/serverless (1.2.0) + drizzle-orm/neon-http — exercised end to end.
// The wire format below mirrors what that driver sends and expects (see `execute()` and
// `processQueryResult()` in node_modules/@neondatabase/serverless/index.mjs):
//
//   request   POST <fetchEndpoint(host, port)>, JSON body `{ query, params }` for one query or
//             `{ queries: [{ query, params }, ...] }` for `sql.transaction([...])`. Params are already
//             text (the driver runs pg's prepareValue and encodes Buffers as '\x..' bytea hex).
//   headers   Neon-Connection-String (ignored: we always use `targetUrl`), Neon-Raw-Text-Output and
//             Neon-Array-Mode (the driver always sends 'true' for both), and for transactions only
//             Neon-Batch-Isolation-Level / Neon-Batch-Read-Only / Neon-Batch-Deferrable.
//   success   200 `{ fields, command, rowCount, rows, rowAsArray }`, or `{ results: [...] }` for a batch.
//             Values stay raw Postgres text: the driver parses them itself by `fields[].dataTypeID`.
//   failure   400 with the Postgres error fields (`message`, `code`, `severity`, `detail`, ...), which
//             the driver copies onto the `NeonDbError` it throws. Any other status becomes a generic
//             "Server error (HTTP status N)" in the driver, which we use for our own bugs only.
//
// Anything else the driver or older versions send (Authorization, Neon-Pool-Opt-In, ...) is ignored.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';

export interface NeonHttpEndpoint {
  /** Base URL, e.g. http://127.0.0.1:54321 (no trailing slash). */
  url: string;
  /** Pass as `neonConfig.fetchEndpoint`: every Neon host is routed to this endpoint. */
  fetchEndpoint: (host: string, port: number | string, options?: unknown) => string;
  /** SQL queries run for clients so far: each query of a transaction counts, BEGIN/COMMIT do not. */
  queryCount(): number;
  close(): Promise<void>;
}

interface WireQuery {
  query: string;
  params: unknown[];
}

// Postgres error fields the driver copies onto NeonDbError (its `hi` list), plus `message`.
const PG_ERROR_FIELDS = [
  'severity',
  'code',
  'detail',
  'hint',
  'position',
  'internalPosition',
  'internalQuery',
  'where',
  'schema',
  'table',
  'column',
  'dataType',
  'constraint',
  'file',
  'line',
  'routine',
] as const;

const ISOLATION_LEVELS: Record<string, string> = {
  ReadUncommitted: 'READ UNCOMMITTED',
  ReadCommitted: 'READ COMMITTED',
  RepeatableRead: 'REPEATABLE READ',
  Serializable: 'SERIALIZABLE',
};

// Keep every value as the text Postgres sent: with Neon-Raw-Text-Output the driver does the parsing,
// so parsing here too would double-parse (e.g. a timestamptz would arrive as a JS Date string).
// Cast because pg-types' overloads also describe a binary (Buffer) parser we never ask for.
const RAW_TEXT = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;

/** Client-side mistakes (bad body, unknown header value): answered with 400 like Neon does. */
class BadRequest extends Error {}

export async function startNeonHttpEndpoint(options: { targetUrl: string }): Promise<NeonHttpEndpoint> {
  const pool = new pg.Pool({ connectionString: options.targetUrl, types: RAW_TEXT, max: 5 });
  // An idle client dying (e.g. the test database dropped WITH (FORCE)) must not crash the test run.
  pool.on('error', () => {});
  let queries = 0;

  async function run(client: pg.Pool | pg.PoolClient, q: WireQuery, arrayMode: boolean) {
    queries++;
    const result = await client.query({
      text: q.query,
      values: q.params,
      rowMode: arrayMode ? 'array' : undefined,
      // Neon runs every HTTP query as an extended-protocol (prepared) statement, so several
      // `;`-separated statements in one query fail there; force the same here instead of letting pg
      // fall back to the simple protocol for parameterless queries, so tests can't pass on SQL Neon rejects.
      queryMode: 'extended',
    } as pg.QueryConfig);
    return {
      fields: result.fields.map((f) => ({
        name: f.name,
        dataTypeID: f.dataTypeID,
        tableID: f.tableID,
        columnID: f.columnID,
        dataTypeSize: f.dataTypeSize,
        dataTypeModifier: f.dataTypeModifier,
        format: f.format,
      })),
      command: result.command,
      rowCount: result.rowCount ?? 0,
      rows: result.rows,
      rowAsArray: arrayMode,
    };
  }

  async function runTransaction(batch: WireQuery[], arrayMode: boolean, req: IncomingMessage) {
    let begin = 'BEGIN';
    const isolation = header(req, 'neon-batch-isolation-level');
    if (isolation !== undefined) {
      const level = ISOLATION_LEVELS[isolation];
      if (!level) throw new BadRequest(`invalid Neon-Batch-Isolation-Level: ${isolation}`);
      begin += ` ISOLATION LEVEL ${level}`;
    }
    const readOnly = header(req, 'neon-batch-read-only');
    if (readOnly !== undefined) begin += readOnly === 'true' ? ' READ ONLY' : ' READ WRITE';
    const deferrable = header(req, 'neon-batch-deferrable');
    if (deferrable !== undefined) begin += deferrable === 'true' ? ' DEFERRABLE' : ' NOT DEFERRABLE';

    // One client for the whole batch: BEGIN/COMMIT only mean something on a single connection.
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query(begin);
      const results = [];
      for (const q of batch) results.push(await run(client, q, arrayMode));
      await client.query('COMMIT');
      return { results };
    } catch (err) {
      // If even ROLLBACK fails the connection is unusable: release(err) destroys it instead of pooling it.
      await client.query('ROLLBACK').catch((rollbackErr: Error) => {
        broken = rollbackErr;
      });
      throw err;
    } finally {
      client.release(broken);
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    try {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (req.method !== 'POST' || path !== '/sql') {
        return send(res, 404, { message: `no route for ${req.method} ${path}` });
      }
      const body = parseBody(await readBody(req));
      // The driver always asks for arrays; honour the header anyway so a bare fetch gets objects as on Neon.
      const arrayMode = header(req, 'neon-array-mode') === 'true';
      const payload = Array.isArray(body)
        ? await runTransaction(body, arrayMode, req)
        : await run(pool, body, arrayMode);
      send(res, 200, payload);
    } catch (err) {
      if (err instanceof pg.DatabaseError) {
        const out: Record<string, unknown> = { message: err.message };
        for (const key of PG_ERROR_FIELDS) if (err[key] !== undefined) out[key] = err[key];
        send(res, 400, out);
      } else if (err instanceof BadRequest) {
        send(res, 400, { message: err.message });
      } else {
        // Not a Postgres answer (e.g. target unreachable): a 500 surfaces as "Server error" in the driver.
        send(res, 500, { message: String(err instanceof Error ? err.stack : err) });
      }
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    fetchEndpoint: () => `${url}/sql`,
    queryCount: () => queries,
    async close() {
      // fetch keeps connections alive; drop them so close() resolves now rather than after the idle timeout.
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
      await pool.end();
    },
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** `{ query, params }` → one query; `{ queries: [...] }` → a transaction batch. */
function parseBody(text: string): WireQuery | WireQuery[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new BadRequest('request body is not valid JSON');
  }
  const toQuery = (value: unknown): WireQuery => {
    const q = value as { query?: unknown; params?: unknown } | null;
    if (typeof q?.query !== 'string') throw new BadRequest('expected { query: string, params?: unknown[] }');
    if (q.params !== undefined && !Array.isArray(q.params)) throw new BadRequest('params must be an array');
    return { query: q.query, params: q.params ?? [] };
  };
  const batch = (body as { queries?: unknown } | null)?.queries;
  if (batch === undefined) return toQuery(body);
  if (!Array.isArray(batch)) throw new BadRequest('queries must be an array');
  return batch.map(toQuery);
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
