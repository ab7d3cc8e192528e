// The database goes away (a TCP proxy in front of PostgreSQL is cut) and comes back: the service
// answers 503 unavailable with Retry-After quickly, writes nothing half, and recovers without a restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { urlFor } from '../../tools/postgres.js';
import { runner } from '../support/fixtures.js';
import { eventually, post } from '../support/http.js';
import { useDatabase } from '../support/stack.js';
import { TARGETS, type Target } from '../support/targets.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

for (const [name, startTarget] of TARGETS) {
  describe(`database down on ${name}`, () => {
    // The target reaches this database through a TCP proxy the test can cut, so it is started here
    // rather than by useStack (which wires it straight to the database).
    const fresh = useDatabase(`fl_down_${name}`);
    let proxy: TcpProxy;
    let target: Target;

    beforeAll(async () => {
      proxy = await startTcpProxy(5432);
      const viaProxy = new URL(urlFor(fresh.db.name));
      viaProxy.port = String(proxy.port);
      target = await startTarget({ databaseUrl: viaProxy.toString(), hyperdrive: false });
    });
    afterAll(async () => {
      await target?.stop();
      await proxy?.close();
    });

    it('answers 503 with Retry-After while the database is unreachable, then recovers', async () => {
      expect((await post(target, '/api/registrations', runner())).status).toBe(201);

      proxy.cut();
      const input = runner();
      // No stopwatch (the suite must pass on a loaded machine): the cut proxy closes connections at
      // once, so the answer is a 503 rather than a hang; a hang would fail at the test's timeout.
      const res = await fetch(`${target.url}/api/registrations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(input),
      });
      expect(res.status).toBe(503);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await res.json()).error.code).toBe('unavailable');
      const ready = await fetch(`${target.url}/readyz`);
      expect(ready.status).toBe(503);
      expect((await ready.json()).error.code).toBe('unavailable');

      proxy.restore();
      await eventually(async () => {
        expect((await fetch(`${target.url}/readyz`)).status).toBe(200);
      }, 15_000);
      const again = await post(target, '/api/registrations', input);
      expect(again.status).toBe(201);
      const rows = await fresh.db.query('SELECT id FROM registrations WHERE email_normalized = $1', [input.email]);
      expect(rows).toHaveLength(1);
    });
  });
}
