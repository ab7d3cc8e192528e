// Drives the local Neon HTTP endpoint with the REAL @neondatabase/serverless driver (and drizzle on top),
// so we know the production Neon code path works against it before other tests rely on it.
import { randomBytes } from 'node:crypto';
import { NeonDbError, neon, neonConfig } from '@neondatabase/serverless';
import { sql as dsql, eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/neon-http';
import { integer, pgTable, text } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NeonHttpEndpoint, startNeonHttpEndpoint } from './neon-http-endpoint.js';

const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
// Looks like a real Neon URL; the endpoint ignores it and always talks to the test database.
const NEON_URL = 'postgres://user:pass@ep-test-123.us-east-2.aws.neon.tech/neondb';
const dbName = `neon_ep_${randomBytes(6).toString('hex')}`;

let endpoint: NeonHttpEndpoint;
const sql = neon(NEON_URL);

/** Runs `fn`, expecting it to reject with a NeonDbError, and returns that error. */
async function neonError(fn: () => Promise<unknown>): Promise<NeonDbError> {
  const err = await fn().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(NeonDbError);
  return err as NeonDbError;
}

beforeAll(async () => {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();

  endpoint = await startNeonHttpEndpoint({ targetUrl: `postgres://postgres@127.0.0.1:5432/${dbName}` });
  // fetchEndpoint is global-only in driver 1.2.0 (NeonConfigGlobalOnly): neon()'s options don't accept it.
  // Vitest isolates modules per test file, so this does not leak into other files.
  neonConfig.fetchEndpoint = endpoint.fetchEndpoint;

  await sql.query('CREATE TABLE runners (id serial PRIMARY KEY, email text UNIQUE NOT NULL, name text)');
  await sql.query('CREATE TABLE bibs (id serial PRIMARY KEY, runner_id int NOT NULL REFERENCES runners(id), bib int)');
});

afterAll(async () => {
  await endpoint?.close();
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
});

describe('neon HTTP endpoint', () => {
  it('routes every host to the local /sql endpoint', () => {
    expect(endpoint.fetchEndpoint('ep-whatever.neon.tech', 443)).toBe(`${endpoint.url}/sql`);
    expect(endpoint.fetchEndpoint('other-host', '5432', { jwtAuth: true })).toBe(`${endpoint.url}/sql`);
  });

  it('returns typed values for a parameterised select (driver parses raw text by dataTypeID)', async () => {
    const at = new Date('2024-05-06T07:08:09.123Z');
    const rows = await sql`
      SELECT ${42}::int AS n, ${'hello'}::text AS t, ${true}::boolean AS b,
             ${at.toISOString()}::timestamptz AS at, ${JSON.stringify({ a: [1, 'x'] })}::jsonb AS j,
             NULL::text AS nothing, ARRAY[1, 2]::int[] AS arr`;
    expect(rows).toEqual([{ n: 42, t: 'hello', b: true, at, j: { a: [1, 'x'] }, nothing: null, arr: [1, 2] }]);
    expect(rows[0]?.at).toBeInstanceOf(Date);
  });

  it('supports sql.query(text, params), with array mode and full results', async () => {
    expect(await sql.query('SELECT $1::int + $2::int AS sum', [2, 3])).toEqual([{ sum: 5 }]);
    const arrays = await sql.query('SELECT $1::text AS a, $2::int AS b', ['x', 7], { arrayMode: true });
    expect(arrays).toEqual([['x', 7]]);

    const full = await sql.query('SELECT $1::int AS n', [1], { fullResults: true });
    expect(full).toMatchObject({ command: 'SELECT', rowCount: 1, rows: [{ n: 1 }] });
    expect(full.fields[0]).toMatchObject({ name: 'n', dataTypeID: 23, format: 'text' });
  });

  it('runs insert … returning through the tagged template', async () => {
    const rows = await sql`
      INSERT INTO runners (email, name) VALUES (${'ada@example.com'}, ${'Ada'}) RETURNING id, email, name`;
    expect(rows).toEqual([{ id: expect.any(Number), email: 'ada@example.com', name: 'Ada' }]);
    expect(await sql`SELECT name FROM runners WHERE email = ${'ada@example.com'}`).toEqual([{ name: 'Ada' }]);
  });

  it('surfaces Postgres errors as NeonDbError with code/constraint (unique violation → 23505)', async () => {
    await sql`INSERT INTO runners (email) VALUES (${'dup@example.com'})`;
    const err = await neonError(() => sql`INSERT INTO runners (email) VALUES (${'dup@example.com'})`);
    expect(err.code).toBe('23505');
    expect(err.constraint).toBe('runners_email_key');
    expect(err.table).toBe('runners');
    expect(err.message).toMatch(/duplicate key value violates unique constraint/);
    expect(err.detail).toMatch(/dup@example.com/);
  });

  it('reports syntax errors with their position, and rejects multi-statement strings like Neon', async () => {
    const syntax = await neonError(() => sql.query('SELEC 1'));
    expect(syntax.code).toBe('42601');
    expect(syntax.position).toBe('1');
    // Neon runs each HTTP query as a prepared statement, so `a; b` fails there; it must fail here too.
    const multi = await neonError(() => sql.query('SELECT 1; SELECT 2'));
    expect(multi.message).toMatch(/multiple commands/);
  });

  it('commits a transaction of several queries', async () => {
    const [first, second] = await sql.transaction([
      sql`INSERT INTO runners (email) VALUES (${'tx1@example.com'}) RETURNING email`,
      sql`INSERT INTO runners (email) VALUES (${'tx2@example.com'}) RETURNING email`,
    ]);
    expect(first).toEqual([{ email: 'tx1@example.com' }]);
    expect(second).toEqual([{ email: 'tx2@example.com' }]);
    const rows = await sql`SELECT count(*)::int AS n FROM runners WHERE email LIKE 'tx_@example.com'`;
    expect(rows).toEqual([{ n: 2 }]);
  });

  it('rolls back the whole transaction when one query fails', async () => {
    const err = await neonError(() =>
      sql.transaction([
        sql`INSERT INTO runners (email) VALUES (${'rb@example.com'})`,
        sql`INSERT INTO runners (email) VALUES (${'rb@example.com'})`,
      ]),
    );
    expect(err.code).toBe('23505');
    expect(await sql`SELECT * FROM runners WHERE email = ${'rb@example.com'}`).toEqual([]);
  });

  it('honours isolation level and read-only transaction options', async () => {
    const [settings] = await sql.transaction(
      [
        sql`SELECT current_setting('transaction_isolation') AS level,
                   current_setting('transaction_read_only') AS ro`,
      ],
      { isolationLevel: 'Serializable', readOnly: true, deferrable: true },
    );
    expect(settings).toEqual([{ level: 'serializable', ro: 'on' }]);

    const err = await neonError(() =>
      sql.transaction([sql`INSERT INTO runners (email) VALUES (${'ro@example.com'})`], { readOnly: true }),
    );
    expect(err.code).toBe('25006'); // read_only_sql_transaction
  });

  it('runs a data-modifying CTE as one statement', async () => {
    const rows = await sql`
      WITH a AS (INSERT INTO runners (email, name) VALUES (${'cte@example.com'}, ${'Cte'}) RETURNING id)
      INSERT INTO bibs (runner_id, bib) SELECT id, ${101} FROM a
      RETURNING runner_id, bib`;
    expect(rows).toEqual([{ runner_id: expect.any(Number), bib: 101 }]);
    const joined = await sql`SELECT r.email, b.bib FROM bibs b JOIN runners r ON r.id = b.runner_id`;
    expect(joined).toEqual([{ email: 'cte@example.com', bib: 101 }]);
  });

  it('works underneath drizzle-orm/neon-http', async () => {
    const db = drizzle({ client: sql });
    const result = await db.execute(dsql`select 1 as one, ${'two'}::text as two`);
    expect(result.rows).toEqual([{ one: 1, two: 'two' }]);

    const runners = pgTable('runners', {
      id: integer('id').primaryKey(),
      email: text('email').notNull(),
      name: text('name'),
    });
    const found = await db
      .select({ email: runners.email, name: runners.name })
      .from(runners)
      .where(eq(runners.email, 'ada@example.com'));
    expect(found).toEqual([{ email: 'ada@example.com', name: 'Ada' }]);
  });

  it('counts the queries it has run', async () => {
    const before = endpoint.queryCount();
    await sql`SELECT 1`;
    await sql.transaction([sql`SELECT 1`, sql`SELECT 2`]);
    expect(endpoint.queryCount() - before).toBe(3);
  });
});
