import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, type Env, parseConfig, type Runtime, resolveModes, servedHosts } from './config.js';

/** Runs parseConfig expecting a ConfigError, and returns its message. */
function configError(env: Env): string {
  try {
    parseConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).name).toBe('ConfigError');
    return (error as Error).message;
  }
  throw new Error(`expected a ConfigError for ${Object.keys(env).join(', ')}`);
}

describe('parseConfig defaults (docs/configuration.md)', () => {
  it('an empty environment gives the documented defaults', () => {
    expect(parseConfig({})).toEqual({
      port: 8787,
      host: '127.0.0.1',
      databaseUrl: undefined,
      dataDir: './.data',
      resendApiKey: undefined,
      resendBaseUrl: 'https://api.resend.com',
      emailFrom: 'Marathon <onboarding@resend.dev>',
      adminToken: undefined,
      raceConfig: undefined,
      taskMaxAttempts: 10,
      taskRetryBaseMs: 1000,
      taskRetryMaxMs: 900_000,
      taskTimeoutMs: 10_000,
      taskLeaseMs: 60_000,
      taskSweepIntervalMs: 5000,
      emailRateLimitPerSec: 5,
      emailBatchWindowMs: 10,
      taskConcurrency: 10,
      shutdownGraceMs: 10_000,
      rateLimitPerMinute: 20,
      otlpEndpoint: undefined,
      otlpHeaders: {},
      devMode: undefined,
      strategyRoutes: undefined,
      trustProxy: 0,
      allowedHosts: [],
      publicOrigin: undefined,
    });
  });

  it('empty strings count as unset', () => {
    const env: Env = {};
    for (const name of [
      'PORT',
      'HOST',
      'DATABASE_URL',
      'DATA_DIR',
      'RESEND_API_KEY',
      'RESEND_BASE_URL',
      'EMAIL_FROM',
      'ADMIN_TOKEN',
      'RACE_CONFIG',
      'TASK_MAX_ATTEMPTS',
      'TASK_RETRY_BASE_MS',
      'TASK_RETRY_MAX_MS',
      'TASK_TIMEOUT_MS',
      'TASK_LEASE_MS',
      'TASK_SWEEP_INTERVAL_MS',
      'EMAIL_RATE_LIMIT_PER_SEC',
      'EMAIL_BATCH_WINDOW_MS',
      'SHUTDOWN_GRACE_MS',
      'DEV_MODE',
      'STRATEGY_ROUTES',
      'TRUST_PROXY',
      'ALLOWED_HOSTS',
      'PUBLIC_URL',
    ]) {
      env[name] = '';
    }
    expect(parseConfig(env)).toEqual(parseConfig({}));
  });

  it('reads every variable when set', () => {
    const config = parseConfig({
      PORT: '3000',
      HOST: '0.0.0.0',
      DATABASE_URL: 'postgresql://app:secret@db.internal:5432/finishline',
      DATA_DIR: '/var/lib/finishline',
      RESEND_API_KEY: 're_live_123',
      RESEND_BASE_URL: 'http://127.0.0.1:4010//',
      EMAIL_FROM: 'Riverside <race@example.com>',
      ADMIN_TOKEN: 'a-very-long-admin-token-0123',
      RACE_CONFIG: './race.json',
      TASK_MAX_ATTEMPTS: '3',
      TASK_RETRY_BASE_MS: '500',
      TASK_RETRY_MAX_MS: '60000',
      TASK_TIMEOUT_MS: '2000',
      TASK_LEASE_MS: '2001',
      TASK_SWEEP_INTERVAL_MS: '250',
      EMAIL_RATE_LIMIT_PER_SEC: '5',
      EMAIL_BATCH_WINDOW_MS: '25',
      TASK_CONCURRENCY: '4',
      SHUTDOWN_GRACE_MS: '0',
      RATE_LIMIT_PER_MINUTE: '0',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-honeycomb-team=abc%3D%3D, Authorization=Basic%20dXNlcg',
      DEV_MODE: '0',
      STRATEGY_ROUTES: 'on',
      TRUST_PROXY: '2',
      ALLOWED_HOSTS: ' Race.Example.com., 192.168.1.20,::1 ,',
      PUBLIC_URL: 'https://Race.Example.com/',
    });
    expect(config).toEqual({
      port: 3000,
      host: '0.0.0.0',
      databaseUrl: 'postgresql://app:secret@db.internal:5432/finishline',
      dataDir: '/var/lib/finishline',
      resendApiKey: 're_live_123',
      resendBaseUrl: 'http://127.0.0.1:4010', // trailing slashes removed
      emailFrom: 'Riverside <race@example.com>',
      adminToken: 'a-very-long-admin-token-0123',
      raceConfig: './race.json',
      taskMaxAttempts: 3,
      taskRetryBaseMs: 500,
      taskRetryMaxMs: 60_000,
      taskTimeoutMs: 2000,
      taskLeaseMs: 2001,
      taskSweepIntervalMs: 250,
      emailRateLimitPerSec: 5,
      emailBatchWindowMs: 25,
      taskConcurrency: 4,
      shutdownGraceMs: 0,
      rateLimitPerMinute: 0,
      otlpEndpoint: 'http://collector:4318',
      otlpHeaders: { 'x-honeycomb-team': 'abc==', authorization: 'Basic dXNlcg' },
      devMode: false,
      strategyRoutes: true,
      trustProxy: 2,
      allowedHosts: ['race.example.com', '192.168.1.20', '[::1]'],
      publicOrigin: 'https://race.example.com',
    });
  });

  it('accepts postgres:// as well as postgresql://, and trims values', () => {
    expect(parseConfig({ DATABASE_URL: ' postgres://localhost/db ' }).databaseUrl).toBe('postgres://localhost/db');
    expect(parseConfig({ PORT: ' 8080 ' }).port).toBe(8080);
    expect(parseConfig({ PORT: '0' }).port).toBe(0);
    expect(parseConfig({ PORT: '65535' }).port).toBe(65535);
  });
});

describe('parseConfig rejects invalid values, naming the variable', () => {
  const cases: { env: Env; variable: string; secret?: string }[] = [
    { env: { PORT: 'abc' }, variable: 'PORT' },
    { env: { PORT: '-1' }, variable: 'PORT' },
    { env: { PORT: '80.5' }, variable: 'PORT' },
    { env: { PORT: '1e3' }, variable: 'PORT' },
    { env: { PORT: '65536' }, variable: 'PORT' },
    { env: { TASK_MAX_ATTEMPTS: '0' }, variable: 'TASK_MAX_ATTEMPTS' },
    { env: { TASK_MAX_ATTEMPTS: '101' }, variable: 'TASK_MAX_ATTEMPTS' },
    { env: { TASK_RETRY_BASE_MS: '0' }, variable: 'TASK_RETRY_BASE_MS' },
    { env: { TASK_TIMEOUT_MS: 'ten' }, variable: 'TASK_TIMEOUT_MS' },
    { env: { TASK_SWEEP_INTERVAL_MS: '9' }, variable: 'TASK_SWEEP_INTERVAL_MS' },
    { env: { EMAIL_RATE_LIMIT_PER_SEC: '100001' }, variable: 'EMAIL_RATE_LIMIT_PER_SEC' },
    { env: { EMAIL_BATCH_WINDOW_MS: '10001' }, variable: 'EMAIL_BATCH_WINDOW_MS' },
    { env: { EMAIL_BATCH_WINDOW_MS: '-1' }, variable: 'EMAIL_BATCH_WINDOW_MS' },
    { env: { SHUTDOWN_GRACE_MS: '600001' }, variable: 'SHUTDOWN_GRACE_MS' },
    {
      env: { DATABASE_URL: 'mysql://root:hunter2-secret@db.example.com/app' },
      variable: 'DATABASE_URL',
      secret: 'hunter2-secret',
    },
    { env: { DATABASE_URL: 'not a url at all s3cr3t' }, variable: 'DATABASE_URL', secret: 's3cr3t' },
    { env: { RESEND_BASE_URL: 'notaurl' }, variable: 'RESEND_BASE_URL' },
    { env: { RESEND_BASE_URL: 'ftp://files.example.com' }, variable: 'RESEND_BASE_URL' },
    { env: { TASK_LEASE_MS: '10000' }, variable: 'TASK_LEASE_MS' }, // equal to the default timeout
    { env: { TASK_LEASE_MS: '5000', TASK_TIMEOUT_MS: '6000' }, variable: 'TASK_LEASE_MS' },
    { env: { TASK_RETRY_BASE_MS: '2000', TASK_RETRY_MAX_MS: '1000' }, variable: 'TASK_RETRY_MAX_MS' },
    { env: { ADMIN_TOKEN: 'short-tok3n' }, variable: 'ADMIN_TOKEN', secret: 'short-tok3n' },
    { env: { ADMIN_TOKEN: '123456789012345' }, variable: 'ADMIN_TOKEN', secret: '123456789012345' },
    // Long enough, but easy to guess: repeated patterns and sequences (src/token-strength.ts).
    { env: { ADMIN_TOKEN: 'passwordpassword' }, variable: 'ADMIN_TOKEN', secret: 'passwordpassword' },
    { env: { ADMIN_TOKEN: 'abcabcabcabcabcabcabcabcabc' }, variable: 'ADMIN_TOKEN', secret: 'abcabcabc' },
    { env: { ADMIN_TOKEN: '12345678901234567890123' }, variable: 'ADMIN_TOKEN', secret: '1234567890' },
    { env: { ADMIN_TOKEN: 'abcdefghijklabcdefghijkl' }, variable: 'ADMIN_TOKEN', secret: 'abcdefghijkl' },
    { env: { ADMIN_TOKEN: '0123456789ab0123456789ab' }, variable: 'ADMIN_TOKEN', secret: '0123456789ab' },
    { env: { ADMIN_TOKEN: 'Summer2027!Summer2027!Summer2027!' }, variable: 'ADMIN_TOKEN', secret: 'Summer2027' },
    { env: { ADMIN_TOKEN: 'aAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaA' }, variable: 'ADMIN_TOKEN', secret: 'aAaAaA' },
    { env: { ALLOWED_HOSTS: 'https://race.example.com' }, variable: 'ALLOWED_HOSTS' },
    { env: { ALLOWED_HOSTS: 'race.example.com:8443' }, variable: 'ALLOWED_HOSTS' },
    { env: { ALLOWED_HOSTS: 'race.example.com/admin' }, variable: 'ALLOWED_HOSTS' },
    { env: { ALLOWED_HOSTS: 'user@race.example.com' }, variable: 'ALLOWED_HOSTS' },
    { env: { ALLOWED_HOSTS: '*.example.com' }, variable: 'ALLOWED_HOSTS' },
    { env: { PUBLIC_URL: 'signup.race.test' }, variable: 'PUBLIC_URL' },
    { env: { PUBLIC_URL: 'ftp://race.example.com' }, variable: 'PUBLIC_URL' },
    { env: { PUBLIC_URL: 'https://race.example.com/signup' }, variable: 'PUBLIC_URL' },
    { env: { PUBLIC_URL: 'https://race.example.com/?x=1' }, variable: 'PUBLIC_URL' },
    { env: { PUBLIC_URL: 'https://admin:s3cret-pw@race.example.com' }, variable: 'PUBLIC_URL', secret: 's3cret-pw' },
    { env: { DEV_MODE: 'yes' }, variable: 'DEV_MODE' },
    { env: { STRATEGY_ROUTES: '1' }, variable: 'STRATEGY_ROUTES' },
    { env: { TRUST_PROXY: 'true' }, variable: 'TRUST_PROXY' },
    { env: { TRUST_PROXY: '11' }, variable: 'TRUST_PROXY' },
    { env: { EMAIL_FROM: 'Race <race@example.com>\r\nBcc: victim@example.com' }, variable: 'EMAIL_FROM' },
    { env: { EMAIL_FROM: 'Race <race@example.com>\nBcc: victim@example.com' }, variable: 'EMAIL_FROM' },
    { env: { EMAIL_FROM: 'no address here' }, variable: 'EMAIL_FROM' },
  ];

  for (const { env, variable, secret } of cases) {
    const [name, value] = Object.entries(env).at(-1) ?? [];
    it(`${name}=${JSON.stringify(value)} → ConfigError naming ${variable}`, () => {
      const text = configError(env);
      expect(text).toContain(variable);
      if (secret) expect(text).not.toContain(secret);
      // No message echoes a value that might be a secret (URLs with passwords, tokens).
      for (const v of Object.values(env)) if (v && v.length > 4) expect(text).not.toContain(v);
    });
  }

  it('ADMIN_TOKEN: long random tokens are accepted; the error says what is wanted and how to make one', () => {
    for (const token of [
      randomBytes(32).toString('hex'), // openssl rand -hex 32
      randomBytes(16).toString('hex'),
      randomBytes(32).toString('base64url'),
      randomBytes(18).toString('base64'),
      crypto.randomUUID(),
    ]) {
      expect(parseConfig({ ADMIN_TOKEN: token }).adminToken).toBe(token);
    }
    const message = configError({ ADMIN_TOKEN: 'abcdefghijklabcdefghijkl' });
    expect(message).toMatch(/too easy to guess \(about \d+ bits estimated, at least 96 wanted\)/);
    expect(message).toContain('no repeated or sequential parts');
    expect(message).toContain('openssl rand -hex 32');
    expect(configError({ ADMIN_TOKEN: 'short-tok3n' })).toContain('at least 24 characters');
  });

  it('PUBLIC_URL is kept as its origin', () => {
    expect(parseConfig({ PUBLIC_URL: 'http://localhost:8787' }).publicOrigin).toBe('http://localhost:8787');
    expect(parseConfig({ PUBLIC_URL: 'https://race.example.com:443/' }).publicOrigin).toBe('https://race.example.com');
  });

  it('TASK_LEASE_MS just above TASK_TIMEOUT_MS is accepted', () => {
    const config = parseConfig({ TASK_TIMEOUT_MS: '1000', TASK_LEASE_MS: '1001' });
    expect(config.taskLeaseMs).toBeGreaterThan(config.taskTimeoutMs);
  });
});

describe('OpenTelemetry export settings', () => {
  it('OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL', () => {
    expect(() => parseConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
    expect(() => parseConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://collector' })).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT/,
    );
  });

  it('OTEL_EXPORTER_OTLP_HEADERS must be key=value pairs, and the error never shows the value', () => {
    for (const bad of ['secret-token', '=x', 'bad key=1', 'k=%zz', 'k=a%0Ab']) {
      let message = '';
      try {
        parseConfig({ OTEL_EXPORTER_OTLP_HEADERS: bad });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/^OTEL_EXPORTER_OTLP_HEADERS /);
      expect(message).not.toContain(bad);
    }
  });
});

describe('modes: DEV_MODE, STRATEGY_ROUTES', () => {
  const modes = (env: Env, runtime: Runtime) => resolveModes(parseConfig(env), runtime);

  it('Node on a loopback HOST without RESEND_API_KEY turns dev mode on by itself', () => {
    for (const HOST of ['127.0.0.1', 'localhost', '::1', '127.0.0.2']) {
      expect(modes({ HOST }, 'node')).toEqual({
        devMode: true,
        devModeImplicit: true,
        strategyRoutes: true,
        mailer: 'dev-mailbox',
      });
    }
  });

  it('never by omission elsewhere: another HOST, a provider key, or a Worker', () => {
    expect(modes({ HOST: '0.0.0.0' }, 'node')).toMatchObject({ devMode: false, mailer: 'none', strategyRoutes: false });
    expect(modes({ RESEND_API_KEY: 're_x' }, 'node')).toMatchObject({ devMode: false, mailer: 'resend' });
    expect(modes({}, 'workerd')).toEqual({
      devMode: false,
      devModeImplicit: false,
      strategyRoutes: false,
      mailer: 'none',
    });
  });

  it('DEV_MODE is explicit both ways, and STRATEGY_ROUTES overrides its default', () => {
    expect(modes({ DEV_MODE: '1' }, 'workerd')).toMatchObject({ devMode: true, mailer: 'dev-mailbox' });
    expect(modes({ DEV_MODE: '0' }, 'node')).toMatchObject({ devMode: false, devModeImplicit: false });
    expect(modes({ DEV_MODE: '1', STRATEGY_ROUTES: 'off' }, 'node').strategyRoutes).toBe(false);
    expect(modes({ STRATEGY_ROUTES: 'on', RESEND_API_KEY: 're_x' }, 'workerd').strategyRoutes).toBe(true);
    // A key wins over the dev mailbox: dev mode then keeps only its pages.
    expect(modes({ DEV_MODE: '1', RESEND_API_KEY: 're_x' }, 'node').mailer).toBe('resend');
  });
});

describe('servedHosts: which Host names are served (ALLOWED_HOSTS, PUBLIC_URL)', () => {
  const served = (env: Env, devMode: boolean) => servedHosts(parseConfig(env), { devMode });

  it('production without ALLOWED_HOSTS serves any Host (no check at all)', () => {
    expect(served({}, false)).toBeUndefined();
    expect(served({ PUBLIC_URL: 'https://race.example.com' }, false)).toBeUndefined();
  });

  it('dev mode serves loopback names only, plus ALLOWED_HOSTS and PUBLIC_URL’s host', () => {
    const dev = served({}, true)!;
    for (const host of ['localhost', 'LOCALHOST.', '127.0.0.1', '127.1.2.3', '[::1]'])
      expect(dev(host), host).toBe(true);
    for (const host of ['evil.example', 'localhost.evil.example', '0.0.0.0', '10.0.0.1', '[::2]', '127.0.0.1.nip.io']) {
      expect(dev(host), host).toBe(false);
    }
    const named = served({ ALLOWED_HOSTS: 'laptop.lan', PUBLIC_URL: 'http://race.test:8787' }, true)!;
    expect(named('laptop.lan')).toBe(true);
    expect(named('Laptop.LAN.')).toBe(true);
    expect(named('race.test')).toBe(true);
    expect(named('evil.example')).toBe(false);
  });

  it('HOST itself is served too (the address the start line prints)', () => {
    expect(served({ HOST: '0.0.0.0' }, true)!('0.0.0.0')).toBe(true);
    expect(served({ HOST: '192.168.1.20' }, true)!('192.168.1.20')).toBe(true);
    expect(served({ HOST: '::' }, true)!('[::]')).toBe(true);
    expect(served({ HOST: '0.0.0.0' }, true)!('192.168.1.20')).toBe(false);
  });

  it('production with ALLOWED_HOSTS serves only those and loopback names', () => {
    const prod = served({ ALLOWED_HOSTS: 'race.example.com' }, false)!;
    expect(prod('race.example.com')).toBe(true);
    expect(prod('127.0.0.1')).toBe(true);
    expect(prod('race.example.com.evil.example')).toBe(false);
  });
});

describe('RESEND_WEBHOOK_SECRET', () => {
  const secret = () => `whsec_${randomBytes(24).toString('base64')}`;

  it('is unset by default, and one or more whsec_ secrets, comma-separated, otherwise', () => {
    expect(parseConfig({}).resendWebhookSecrets).toBeUndefined();
    const [a, b] = [secret(), secret()];
    expect(parseConfig({ RESEND_WEBHOOK_SECRET: a }).resendWebhookSecrets).toEqual([a]);
    expect(parseConfig({ RESEND_WEBHOOK_SECRET: ` ${a} , ${b},` }).resendWebhookSecrets).toEqual([a, b]);
  });

  it('refuses what is not a whsec_ secret, without echoing it', () => {
    for (const value of [
      'hunter2',
      'whsec_',
      `${secret()},nope`,
      'whsec_not base64!',
      `whsec_${randomBytes(8).toString('base64')}`,
      ',',
    ]) {
      const message = configError({ RESEND_WEBHOOK_SECRET: value });
      expect(message).toMatch(/^RESEND_WEBHOOK_SECRET must be/);
      const key = value.replace(/^whsec_/, '');
      if (key.length > 6) expect(message).not.toContain(key);
    }
  });
});
