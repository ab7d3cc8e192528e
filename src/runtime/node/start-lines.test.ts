import { describe, expect, it } from 'vitest';
import type { Modes } from '../../config.js';
import { startLines } from './start-lines.js';

const PRODUCTION: Modes = { devMode: false, devModeImplicit: false, strategyRoutes: false, mailer: 'resend' };
const DEV: Modes = { devMode: true, devModeImplicit: true, strategyRoutes: true, mailer: 'dev-mailbox' };
const url = 'http://127.0.0.1:8787';

describe('startLines: what the start tells about the admin token', () => {
  it('production without ADMIN_TOKEN: admin is off, and no token anywhere', () => {
    const lines = startLines({ url, modes: PRODUCTION, adminToken: undefined }, {}, 42);
    expect(lines[0]).toBe(`finishline listening on ${url} (pid 42)`);
    expect(lines).toContain(
      'admin is off: ADMIN_TOKEN is not set, so /admin and /api/admin refuse everyone; set one ' +
        '(`openssl rand -hex 32`) to turn it on',
    );
    expect(lines.join('\n')).not.toMatch(/token for this run/);
  });

  it('dev mode without ADMIN_TOKEN: the token this run made, shown once, with where to use it', () => {
    const token = 'f'.repeat(64);
    const lines = startLines({ url, modes: DEV, adminToken: token }, {}, 42);
    expect(lines.filter((line) => line.includes(token))).toEqual([
      `admin token for this run (dev mode, ADMIN_TOKEN unset): ${token} — sign in at ${url}/admin`,
    ]);
    expect(lines.some((line) => line.startsWith('dev mode: no RESEND_API_KEY'))).toBe(true);
  });

  it('with ADMIN_TOKEN: the token is never printed', () => {
    const token = 'configured-admin-token-0123456789';
    const lines = startLines({ url, modes: DEV, adminToken: token }, { ADMIN_TOKEN: token }, 42);
    expect(lines.join('\n')).not.toContain(token);
    expect(lines.join('\n')).not.toContain('admin is off');
  });
});
