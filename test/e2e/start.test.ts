// The README's start command on the embedded defaults: `npm start` with no DATABASE_URL and no
// Resend key. It runs the built JavaScript with plain node (no TypeScript loader at runtime), says
// that it prepares the embedded database on a first start, and then: register, see the email in the
// dev mailbox, restart, and the registration is still there.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/http.js';
import { commandsInGroup, type ServiceProcess, startServiceProcess } from '../support/processes.js';

describe('npm start on the embedded defaults (PGlite + dev mailbox)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'finishline-e2e-'));
  let service: ServiceProcess | undefined;
  afterAll(async () => {
    await service?.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('registers, mails, stops gracefully, and keeps the registration across a restart', async () => {
    service = await startServiceProcess({ DATA_DIR: dataDir });
    // Built JavaScript on plain node: the service is `node dist/main.js`, and nothing in npm's process
    // group is tsx or esbuild (the old `npm start` ran tsx, which kept an esbuild process beside it).
    const argv = readFileSync(`/proc/${service.pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    // Node's own flags first (the heap growth `npm start` sets), then the bundle.
    expect(argv.at(-1)).toBe('dist/main.js');
    expect(argv.slice(1, -1).every((flag) => flag.startsWith('--'))).toBe(true);
    const group = commandsInGroup(service.child.pid!).map((command) => command.join(' '));
    expect(group.length).toBeGreaterThanOrEqual(2); // npm and the service
    expect(group.filter((command) => /tsx|esbuild/.test(command))).toEqual([]);
    // A first start on an empty folder says what it is doing before it listens.
    const preparing = service.output().indexOf(`preparing the embedded database in ${dataDir}`);
    expect(preparing).toBeGreaterThanOrEqual(0);
    expect(preparing).toBeLessThan(service.output().indexOf('listening on'));

    const res = await fetch(`${service.url}/api/registrations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        firstName: 'Grace',
        lastName: 'Hopper',
        email: 'grace@example.com',
        address: '1 Harbour Street',
        distance: 'full',
      }),
    });
    expect(res.status).toBe(201);
    const { id } = await res.json();

    await eventually(async () => {
      const { messages } = await (await fetch(`${service!.url}/api/dev/mail`)).json();
      expect(messages).toHaveLength(1);
      expect(messages[0].to).toBe('grace@example.com');
      expect(messages[0].text).toContain(id);
    });
    const page = await fetch(`${service.url}/dev/mail`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('You&#39;re registered for Riverside Marathon 2027');

    // Dev mode without ADMIN_TOKEN: a token for this run, shown once on stderr, that signs in.
    await eventually(() => expect(service!.output()).toMatch(/admin token for this run/));
    const shown = /admin token for this run \(dev mode, ADMIN_TOKEN unset\): ([0-9a-f]{64}) /.exec(service.output());
    expect(shown).not.toBeNull();
    expect(service.output().split(shown![1]!)).toHaveLength(2); // once
    const admin = await fetch(`${service.url}/api/admin/tasks`, { headers: { authorization: `Bearer ${shown![1]}` } });
    expect(admin.status).toBe(200);

    expect(await service.stop('SIGTERM')).toBe(0);
    expect(service.output()).toContain('"event":"service.stopped"');
    // No personal data in the logs.
    expect(service.output()).not.toContain('grace@example.com');
    expect(service.output()).not.toContain('Harbour');

    service = await startServiceProcess({ DATA_DIR: dataDir });
    expect(service.output()).not.toContain('preparing the embedded database'); // it is there already
    const found = await fetch(`${service.url}/api/registrations/${id}`);
    expect(found.status).toBe(200);
    expect(await found.json()).toMatchObject({ id, firstName: 'Grace', distance: 'full', email: { status: 'sent' } });
    const { messages } = await (await fetch(`${service.url}/api/dev/mail`)).json();
    expect(messages).toHaveLength(1);
  });

  it('production without ADMIN_TOKEN: the start says admin is off, prints no token, and admin refuses', async () => {
    await service?.stop('SIGTERM'); // the test above leaves its second start running on the same DATA_DIR
    service = await startServiceProcess({ DATA_DIR: dataDir, DEV_MODE: '0', RESEND_API_KEY: 're_not_used_here' });
    await eventually(() => expect(service!.output()).toContain('admin is off: ADMIN_TOKEN is not set'));
    // The JSON log line is written by the logger's own writer, which may flush after the start lines.
    await eventually(() => expect(service!.output()).toContain('"admin":"off"'));
    expect(service.output()).not.toContain('admin token for this run');
    const res = await fetch(`${service.url}/api/admin/tasks`);
    expect(res.status).toBe(401);
    expect((await res.json()).error.message).toBe('admin is off: the server has no ADMIN_TOKEN');
    expect(await service.stop('SIGTERM')).toBe(0);
  });

  it('refuses to start on invalid configuration, naming the variable', async () => {
    await expect(startServiceProcess({ DATA_DIR: dataDir, TASK_MAX_ATTEMPTS: 'lots' }, 30_000)).rejects.toThrow(
      /TASK_MAX_ATTEMPTS must be a whole number/,
    );
  });
});
