// Start-up failures say what is wrong and what to do: the port, the database host that refused, the
// database that does not exist, the folder another process holds. Never a password.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openPglite } from '../../src/adapters/db/pglite.js';
import { createJsonLogger } from '../../src/ports/logger.js';
import { startNodeService } from '../../src/runtime/node/service.js';
import { startFailureMessage } from '../../src/runtime/node/start-errors.js';
import { useDatabase } from '../support/stack.js';

const quiet = createJsonLogger(() => {});
const dir = mkdtempSync(join(tmpdir(), 'finishline-start-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startMessage(env: Record<string, string>): Promise<string> {
  try {
    const service = await startNodeService({ PORT: '0', DEV_MODE: '1', ...env }, quiet);
    await service.stop();
  } catch (error) {
    return startFailureMessage(error);
  }
  throw new Error('expected the start to fail');
}

/** Runs an npm script with a clean environment and returns its exit code and output. */
function npm(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['--silent', ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

describe('start-up errors', () => {
  // For the one case that needs a service up: the first holder of the port.
  const fresh = useDatabase('start_errors_port');

  it('a port in use is named, with what to set', async () => {
    const first = await startNodeService({ PORT: '0', DATABASE_URL: fresh.db.url, DEV_MODE: '1' }, quiet);
    try {
      const port = new URL(first.url).port;
      expect(await startMessage({ PORT: port, DATABASE_URL: fresh.db.url })).toBe(
        `port ${port} is in use on 127.0.0.1: stop the other process, or set PORT to a free port`,
      );
    } finally {
      await first.stop();
    }
  });

  it('an unreachable database names the host and port that refused, never the password', async () => {
    const port = await closedPort();
    const message = await startMessage({ DATABASE_URL: `postgres://app:s3cret-pw@127.0.0.1:${port}/race` });
    expect(message).toBe(
      `cannot reach PostgreSQL at 127.0.0.1:${port} (connection refused): start it, or fix DATABASE_URL`,
    );
  });

  it('a database that does not exist says how to create it', async () => {
    const message = await startMessage({ DATABASE_URL: 'postgres://postgres:pw@127.0.0.1:5432/no_such_db_here' });
    expect(message).toBe(
      'database "no_such_db_here" does not exist at 127.0.0.1:5432: create it (createdb no_such_db_here) or fix DATABASE_URL',
    );
  });

  it('a second opener of one DATA_DIR is refused while the first holds it, and welcome after', async () => {
    const dataDir = join(dir, 'lock');
    const first = await openPglite(dataDir);
    await expect(openPglite(dataDir)).rejects.toThrow(
      new RegExp(`DATA_DIR ${dataDir} is in use by another finishline process \\(pid ${process.pid}\\)`),
    );
    await first.close();
    const second = await openPglite(dataDir);
    await second.close();
  });

  it('npm start: a second process on one DATA_DIR exits with a clear line', async () => {
    const dataDir = join(dir, 'two-processes');
    const holder = await openPglite(dataDir);
    try {
      const { code, output } = await npm(['start'], { DATA_DIR: dataDir, PORT: '0' });
      expect(code).toBe(1);
      expect(output).toContain(`DATA_DIR ${dataDir} is in use by another finishline process (pid ${process.pid})`);
    } finally {
      await holder.close();
    }
  });

  it('an ADMIN_TOKEN that is easy to guess is refused at start, saying what is wanted, never echoing it', async () => {
    const weak = 'abcdefghijklabcdefghijkl';
    const message = await startMessage({ ADMIN_TOKEN: weak });
    expect(message).toMatch(
      /^Configuration error: ADMIN_TOKEN is too easy to guess \(about \d+ bits estimated, at least 96 wanted\): use random characters with no repeated or sequential parts; make one with `openssl rand -hex 32`$/,
    );
    expect(message).not.toContain(weak);
  });

  it('npm start: a weak ADMIN_TOKEN exits with that line before opening anything', async () => {
    const weak = 'abcdefghijklabcdefghijkl';
    const { code, output } = await npm(['start'], { DATA_DIR: join(dir, 'weak-token'), PORT: '0', ADMIN_TOKEN: weak });
    expect(code).toBe(1);
    expect(output).toContain('Configuration error: ADMIN_TOKEN is too easy to guess');
    expect(output).not.toContain(weak);
  });

  it('npm run db:migrate: an unreachable database is named, not "Migration failed: Error"', async () => {
    const port = await closedPort();
    const { code, output } = await npm(['run', 'db:migrate'], {
      DATABASE_URL: `postgres://app:s3cret-pw@127.0.0.1:${port}/race`,
    });
    expect(code).toBe(1);
    expect(output.trim()).toBe(
      `cannot reach PostgreSQL at 127.0.0.1:${port} (connection refused): start it, or fix DATABASE_URL`,
    );
    expect(output).not.toContain('s3cret-pw');
  });
});
