// The bare reference for `npm run bench:http`: what a minimal Hono + node-postgres service does for the
// same two routes, so the project's speed has something to be compared with (issue 13).
//
//   POST /api/registrations     outbox: ONE statement stores the registration, its distance counter and
//                               its task (already leased) — the project's SQL, written out by hand —,
//                               answer 201, then send through the provider and record the task as
//                               succeeded with its attempt row (one statement, as src/tasks/sql/complete.ts).
//   POST /api/marathon-waituntil the same registration statement without the task, answer 201, then send.
//
// Deliberately bare: a shape check instead of the project's validation rules, a template literal of
// the same size for the email, one POST /emails per email (no batches, no send budget, no sweeper, no
// tracing, no request log). Built by the bench with esbuild and run with plain node, as the project is.
//
// Environment: DATABASE_URL, RESEND_BASE_URL, RESEND_API_KEY, RACE_ID, CAP, PORT (0: any free port),
// POOL_MAX (default 10, the project's), BARE_CLIENT (`fetch`, the default, or `node-http`: keep-alive
// node:http, the client the project uses on Node). Prints `listening on http://… (pid N)` on stderr when ready.
import http from 'node:http';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import pg from 'pg';

const env = process.env;
const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: Number(env.POOL_MAX ?? 10) });
pool.on('error', () => {});
const providerUrl = `${env.RESEND_BASE_URL}/emails`;
const apiKey = env.RESEND_API_KEY ?? '';
const raceId = env.RACE_ID ?? 'riverside-2027';
const cap = Number(env.CAP ?? 2_147_483_647);
const owner = `bare-${process.pid}`;
const FROM = 'Marathon <onboarding@resend.dev>';

interface Input {
  firstName: string;
  lastName: string;
  email: string;
  address: string;
  distance: string;
}

function shapeOk(body: unknown): body is Input {
  const b = body as Record<string, unknown> | null;
  return (
    !!b &&
    ['firstName', 'lastName', 'email', 'address', 'distance'].every((k) => typeof b[k] === 'string' && b[k] !== '')
  );
}

// About the size of the project's confirmation email (text and HTML parts), without its markup work.
function email(id: string, input: Input) {
  const facts = `Distance: ${input.distance}\nDate: Sunday 18 April 2027\nRegistration: ${id}`;
  return {
    from: FROM,
    to: input.email,
    subject: "You're registered for Riverside Marathon 2027",
    text: `Hi ${input.firstName},\n\nThanks for registering!\n\n${facts}\n`,
    html: `<!DOCTYPE html><html lang="en"><body><p>Hi ${input.firstName.replace(/[<&"']/g, '')},</p><pre>${facts}</pre>${'<!-- layout -->'.repeat(150)}</body></html>`,
  };
}

// The project's registration statement (src/adapters/db/registrations.ts, storeStatement), with the
// outbox task's INSERT (src/tasks/sql/enqueue.ts) as one more CTE when `withTask`.
function storeSql(withTask: boolean): string {
  const task = withTask
    ? `,
    task AS (
      INSERT INTO tasks (id, kind, payload, status, attempts, max_attempts, run_at, lease_owner, lease_expires_at,
                         registration_id, trace_parent)
      SELECT $12, 'send-confirmation-email', $13::jsonb, 'running', 1, 10, now(), $14,
             now() + 60000 * interval '1 millisecond', registration.id, NULL
      FROM registration
    )`
    : '';
  return `
    WITH slot AS (
      INSERT INTO distance_counts AS c (race_id, distance, taken) VALUES ($1, $2, 1)
      ON CONFLICT (race_id, distance) DO UPDATE SET taken = c.taken + 1 WHERE c.taken < $3
      RETURNING taken
    ),
    registration AS (
      INSERT INTO registrations (id, race_id, first_name, last_name, email, email_normalized, address, distance, strategy)
      SELECT $4, $5, $6, $7, $8, $9, $10, $11, ${withTask ? "'outbox'" : "'wait-until'"}
      FROM slot
      RETURNING id
    )${task}
    SELECT (SELECT count(*) FROM registration)::int AS stored,
           EXISTS (SELECT 1 FROM registrations WHERE race_id = $1 AND email_normalized = $9) AS duplicate`;
}
const STORE_OUTBOX = storeSql(true);
const STORE_PLAIN = storeSql(false);

// As src/tasks/sql/complete.ts: the task's new state and its attempt row in one statement.
const COMPLETE = `
  WITH moved AS (
    UPDATE tasks SET status = 'succeeded', result = $2::jsonb, lease_owner = NULL, lease_expires_at = NULL,
      last_error = NULL, updated_at = now()
    WHERE id = $1 AND status = 'running' AND lease_owner = $3 AND attempts = 1
    RETURNING id, attempts
  )
  INSERT INTO task_attempts (task_id, number, started_at, duration_ms, outcome, error, batch_id)
  SELECT id, attempts, $4::timestamptz, $5, 'succeeded', NULL, NULL::uuid FROM moved
  RETURNING task_id`;

const agent = new http.Agent({ keepAlive: true });

/** The same POST over node:http (the stand-in is plain HTTP on loopback). */
function sendOverHttp(body: string, headers: Record<string, string>): Promise<{ id: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      providerUrl,
      { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) }, timeout: 15_000 },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          if (response.statusCode !== 200) reject(new Error(`provider answered ${response.statusCode}`));
          else resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        });
      },
    );
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', reject);
    request.end(body);
  });
}

async function send(message: ReturnType<typeof email>, key: string): Promise<{ id: string }> {
  if (env.BARE_CLIENT === 'node-http') {
    return sendOverHttp(JSON.stringify(message), {
      authorization: `Bearer ${apiKey}`,
      'content-type': 'application/json',
      'idempotency-key': key,
      'user-agent': 'finishline-bare-reference',
    });
  }
  const response = await fetch(providerUrl, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${apiKey}`,
      'content-type': 'application/json',
      'idempotency-key': key,
      'user-agent': 'finishline-bare-reference',
    },
    body: JSON.stringify(message),
    signal: AbortSignal.timeout(15_000),
  });
  if (!response.ok) throw new Error(`provider answered ${response.status}`);
  return (await response.json()) as { id: string };
}

async function store(input: Input, withTask: boolean) {
  const id = crypto.randomUUID();
  const message = email(id, input);
  const taskId = crypto.randomUUID();
  const params = [
    raceId,
    input.distance,
    cap,
    id,
    raceId,
    input.firstName,
    input.lastName,
    input.email,
    input.email.toLowerCase(),
    input.address,
    input.distance,
  ];
  if (withTask) params.push(taskId, JSON.stringify(message), owner);
  const { rows } = await pool.query(withTask ? STORE_OUTBOX : STORE_PLAIN, params);
  return { id, taskId, message, stored: rows[0]?.stored === 1 };
}

const app = new Hono();

app.post('/api/registrations', async (c) => {
  const body = await c.req.json().catch(() => null);
  if (!shapeOk(body)) return c.json({ error: { code: 'validation_failed' } }, 422);
  const { id, taskId, message, stored } = await store(body, true);
  if (!stored) return c.json({ error: { code: 'already_registered' } }, 409);
  const startedAt = new Date();
  send(message, taskId)
    .then((accepted) =>
      pool.query(COMPLETE, [taskId, JSON.stringify(accepted), owner, startedAt.toISOString(), Date.now() - +startedAt]),
    )
    .catch(() => {}); // the bench counts what the stand-in accepted
  return c.json({ id, status: 'registered', distance: body.distance, email: { status: 'sending' } }, 201);
});

app.post('/api/marathon-waituntil', async (c) => {
  const body = await c.req.json().catch(() => null);
  if (!shapeOk(body)) return c.json({ error: { code: 'validation_failed' } }, 422);
  const { id, message, stored } = await store(body, false);
  if (!stored) return c.json({ error: { code: 'already_registered' } }, 409);
  send(message, id).catch(() => {});
  return c.text('Thanks for registering for our Marathon', 201);
});

const server = serve({ fetch: app.fetch, port: Number(env.PORT ?? 0), hostname: '127.0.0.1' }, (info) => {
  console.error(`bare reference listening on http://127.0.0.1:${info.port} (pid ${process.pid})`);
});
process.once('SIGTERM', () => {
  server.close();
  pool.end().then(() => process.exit(0));
});
