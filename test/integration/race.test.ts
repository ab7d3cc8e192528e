// A real race: caps under a stampede, one registration per email, idempotent retries — over HTTP,
// on the Node service and a real PostgreSQL.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/ports/logger.js';
import { startNodeService } from '../../src/runtime/node/service.js';
import { waitUntilDelivered } from '../support/delivery.js';
import { runner } from '../support/fixtures.js';
import { post } from '../support/http.js';
import { useStack } from '../support/stack.js';
import { startNodeTarget } from '../support/targets.js';

const RACE = {
  id: 'small-race-2027',
  name: 'Small Race 2027',
  date: '2027-06-06',
  place: 'Harbour Park',
  timeZone: 'Europe/Amsterdam',
  senderName: 'Small Race',
  distances: [
    { id: '5k', label: '5 km', startTime: '10:00', cap: 100 },
    { id: '10k', label: '10 km', startTime: '09:00', cap: 5000 },
  ],
};

describe('a real race', () => {
  const dir = mkdtempSync(join(tmpdir(), 'finishline-race-'));
  const raceFile = join(dir, 'race.json');
  writeFileSync(raceFile, JSON.stringify(RACE));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const stack = useStack('fl_race', startNodeTarget, {
    RACE_CONFIG: raceFile,
    EMAIL_RATE_LIMIT_PER_SEC: '5000',
    TASK_CONCURRENCY: '50',
  });

  it('500 concurrent sign-ups for 100 places: exactly 100 × 201 and 400 × 409 distance_full', async () => {
    const responses = await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        post(stack.target, i % 2 ? '/api/registrations' : '/api/marathon-outbox', runner({ distance: '5k' })).then(
          async (res) => ({ status: res.status, body: await res.text() }),
        ),
      ),
    );
    expect(responses.filter((r) => r.status === 201)).toHaveLength(100);
    const refused = responses.filter((r) => r.status === 409);
    expect(refused).toHaveLength(400);
    for (const r of refused) expect(JSON.parse(r.body).error.code).toBe('distance_full');
    const [row] = await stack.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM registrations WHERE distance = '5k'",
    );
    expect(row!.n).toBe(100);
    const race = await (await fetch(`${stack.target.url}/api/race`)).json();
    expect(race.distances.find((d: { id: string }) => d.id === '5k')).toMatchObject({ cap: 100, spotsLeft: 0 });
    // Every strategy refuses a full distance.
    for (const route of ['/api/marathon-sequential', '/api/marathon-waituntil', '/api/marathon-fire-and-forget']) {
      const res = await post(stack.target, route, runner({ distance: '5k' }));
      expect(res.status, route).toBe(409);
      expect((await res.json()).error.code).toBe('distance_full');
    }
  });

  it('50 concurrent sign-ups with one email: exactly one 201', async () => {
    const input = runner({ distance: '10k' });
    const statuses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        post(stack.target, '/api/registrations', {
          ...input,
          email: i % 3 === 0 ? input.email.toUpperCase() : i % 3 === 1 ? ` ${input.email} ` : input.email,
        }).then((r) => r.status),
      ),
    );
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    const rows = await stack.db.query('SELECT 1 FROM registrations WHERE email_normalized = $1', [input.email]);
    expect(rows).toHaveLength(1);
  });

  describe('Idempotency-Key', () => {
    it('the same key and body replay the original answer; one registration, one email', async () => {
      const input = runner({ distance: '10k' });
      const key = crypto.randomUUID();
      const first = await post(stack.target, '/api/registrations', input, { 'idempotency-key': key });
      expect(first.status).toBe(201);
      expect(first.headers.get('idempotent-replayed')).toBeNull();
      const original = await first.json();
      // Same content, other spelling (key order, padding): the same request.
      const { firstName, ...rest } = input;
      const again = await post(
        stack.target,
        '/api/registrations',
        { ...rest, firstName: ` ${firstName}` },
        { 'idempotency-key': key },
      );
      expect(again.status).toBe(201);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.headers.get('location')).toBe(`/api/registrations/${original.id}`);
      expect(await again.json()).toEqual(original);
      await waitUntilDelivered(stack.db, [input.email]);
      expect(stack.resend.acceptedFor(input.email)).toBe(1);
      expect(
        await stack.db.query('SELECT 1 FROM registrations WHERE email_normalized = $1', [input.email]),
      ).toHaveLength(1);
    });

    it('the same key with another body is 422 idempotency_key_reused, and writes nothing', async () => {
      const key = crypto.randomUUID();
      expect(
        (await post(stack.target, '/api/registrations', runner({ distance: '10k' }), { 'idempotency-key': key }))
          .status,
      ).toBe(201);
      const other = runner({ distance: '10k' });
      const res = await post(stack.target, '/api/registrations', other, { 'idempotency-key': key });
      expect(res.status).toBe(422);
      expect((await res.json()).error.code).toBe('idempotency_key_reused');
      expect(
        await stack.db.query('SELECT 1 FROM registrations WHERE email_normalized = $1', [other.email]),
      ).toHaveLength(0);
    });

    it('10 concurrent retries with one key all get the one registration', async () => {
      const input = runner({ distance: '10k' });
      const key = crypto.randomUUID();
      const answers = await Promise.all(
        Array.from({ length: 10 }, () =>
          post(stack.target, '/api/registrations', input, { 'idempotency-key': key }).then(async (r) => ({
            status: r.status,
            body: await r.json(),
          })),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(10).fill(201));
      expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
      expect(
        await stack.db.query('SELECT 1 FROM registrations WHERE email_normalized = $1', [input.email]),
      ).toHaveLength(1);
    });

    it('a malformed key is refused before anything is written', async () => {
      for (const key of ['', 'x'.repeat(256), 'has space', 'caf\u00e9']) {
        const input = runner({ distance: '10k' });
        const res = await fetch(`${stack.target.url}/api/registrations`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': key },
          body: JSON.stringify(input),
        });
        expect(res.status, JSON.stringify(key)).toBe(422);
        expect((await res.json()).error.details[0].path).toBe('Idempotency-Key');
        expect(
          await stack.db.query('SELECT 1 FROM registrations WHERE email_normalized = $1', [input.email]),
        ).toHaveLength(0);
      }
    });

    // Keys expire after 24 hours (as Stripe's do), on the database's clock: a key is aged by moving its
    // created_at back, no waiting.
    const age = (key: string, interval: string) =>
      stack.db.query(`UPDATE idempotency_keys SET created_at = now() - interval '${interval}' WHERE key = $1`, [key]);

    it('just under 24 hours, the key still replays', async () => {
      const input = runner({ distance: '10k' });
      const key = crypto.randomUUID();
      const original = await (await post(stack.target, '/api/registrations', input, { 'idempotency-key': key })).json();
      await age(key, '23 hours 59 minutes');
      const again = await post(stack.target, '/api/registrations', input, { 'idempotency-key': key });
      expect(again.status).toBe(201);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect((await again.json()).id).toBe(original.id);
    });

    it('after 24 hours the same key and body are a new attempt: the runner is already registered (409)', async () => {
      const input = runner({ distance: '10k' });
      const key = crypto.randomUUID();
      expect((await post(stack.target, '/api/registrations', input, { 'idempotency-key': key })).status).toBe(201);
      await age(key, '24 hours 1 second');
      const again = await post(stack.target, '/api/registrations', input, { 'idempotency-key': key });
      expect(again.status).toBe(409);
      expect(again.headers.get('idempotent-replayed')).toBeNull();
      expect((await again.json()).error.code).toBe('already_registered');
      expect(
        await stack.db.query('SELECT 1 FROM registrations WHERE email_normalized = $1', [input.email]),
      ).toHaveLength(1);
    });

    it('after 24 hours the key with another body registers that runner (not idempotency_key_reused)', async () => {
      const key = crypto.randomUUID();
      const first = await (
        await post(stack.target, '/api/registrations', runner({ distance: '10k' }), { 'idempotency-key': key })
      ).json();
      await age(key, '25 hours');
      const other = runner({ distance: '10k' });
      const res = await post(stack.target, '/api/registrations', other, { 'idempotency-key': key });
      expect(res.status).toBe(201);
      const created = await res.json();
      expect(created.id).not.toBe(first.id);
      // The key now belongs to the new registration, live again: a retry of it replays.
      const retry = await post(stack.target, '/api/registrations', other, { 'idempotency-key': key });
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      expect((await retry.json()).id).toBe(created.id);
    });
  });

  it('a bad race file stops the start saying which of three things is wrong', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({ ...RACE, distances: [{ id: '5k', label: '5 km', startTime: '25:00', cap: 1 }] }),
    );
    await expect(
      startNodeService({ RACE_CONFIG: bad, DATABASE_URL: stack.db.url, PORT: '0' }, silentLogger),
    ).rejects.toThrow(/RACE_CONFIG is invalid \(.*bad\.json\): distances\.0\.startTime/);
    // Missing file, and a folder: said as such.
    await expect(
      startNodeService({ RACE_CONFIG: join(dir, 'missing.json'), DATABASE_URL: stack.db.url, PORT: '0' }, silentLogger),
    ).rejects.toThrow(/RACE_CONFIG file .*missing\.json does not exist .*check the path/);
    await expect(
      startNodeService({ RACE_CONFIG: dir, DATABASE_URL: stack.db.url, PORT: '0' }, silentLogger),
    ).rejects.toThrow(/RACE_CONFIG file .* is a folder/);
    // Not JSON: where (line and column), not just that.
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{\n  "id": "riverside",\n  "name": "Riverside" oops\n}\n');
    await expect(
      startNodeService({ RACE_CONFIG: broken, DATABASE_URL: stack.db.url, PORT: '0' }, silentLogger),
    ).rejects.toThrow(/RACE_CONFIG .*broken\.json is not valid JSON at line 3, column 2\d: /);
  });
});
