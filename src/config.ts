// Configuration: parsed and validated once, at start. Runtime-neutral — entries pass their env in.
// A bad value stops start-up with a message that names the variable (never its value: it may be a secret).
import type { ManageLinks } from './domain/manage-link.js';
import { estimateEntropyBits } from './token-strength.js';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  resendApiKey: string | undefined;
  resendBaseUrl: string;
  emailFrom: string;
  adminToken: string | undefined;
  raceConfig: string | undefined;
  taskMaxAttempts: number;
  taskRetryBaseMs: number;
  taskRetryMaxMs: number;
  taskTimeoutMs: number;
  taskLeaseMs: number;
  taskSweepIntervalMs: number;
  taskConcurrency: number;
  emailRateLimitPerSec: number;
  /** EMAIL_BATCH_WINDOW_MS: how long a batch waits for company when another is already on its way. */
  emailBatchWindowMs: number;
  shutdownGraceMs: number;
  /** Registrations one client may attempt per minute; 0 turns the limit off. */
  rateLimitPerMinute: number;
  /** OTEL_EXPORTER_OTLP_ENDPOINT: where spans go over OTLP/HTTP (JSON); unset → no exporter. */
  otlpEndpoint: string | undefined;
  /** OTEL_EXPORTER_OTLP_HEADERS, parsed (`k=v,k2=v2`). */
  otlpHeaders: Record<string, string>;
  /**
   * DEV_MODE: the dev mailbox, `/dev/*` pages and (by default) the strategy routes. Undefined when
   * unset: the entry decides (`resolveModes`): Node on a loopback HOST without RESEND_API_KEY turns
   * it on; a Worker never does by omission.
   */
  devMode: boolean | undefined;
  /** STRATEGY_ROUTES: the seed's strategy routes; undefined → on in dev mode, off otherwise. */
  strategyRoutes: boolean | undefined;
  /** TRUST_PROXY: reverse-proxy hops in front of the Node service whose X-Forwarded-* headers count. */
  trustProxy: number;
  /**
   * ALLOWED_HOSTS: host names served besides the loopback ones (lower case, no port). In dev mode every
   * other Host is refused (421); in production only once the list is set (`servedHosts`).
   */
  allowedHosts: string[];
  /**
   * PUBLIC_URL's origin (`https://race.example.com`): where people reach the service (the runners'
   * manage links in emails), and the `Origin` the pages' cross-site check expects.
   */
  publicOrigin: string | undefined;
  /** LINK_SECRET: the key runners' manage tokens are derived with (src/domain/manage-link.ts). */
  linkSecret: string | undefined;
  /**
   * RESEND_WEBHOOK_SECRET: the signing secrets of Resend's webhooks (`whsec_…`, several during a
   * rotation), kept as given; undefined → no webhook route (404).
   */
  resendWebhookSecrets: string[] | undefined;
}

export type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`${name} must be a whole number`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(`${name} must be between ${min} and ${max}`);
  return value;
}

function flag(env: Env, name: string, on: string, off: string): boolean | undefined {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return undefined;
  if (raw === on) return true;
  if (raw === off) return false;
  throw new ConfigError(`${name} must be ${on} or ${off}`);
}

/**
 * An admin token guards every runner's personal data: refuse one that is short or easy to guess,
 * judged by its estimated entropy (src/token-strength.ts: repeated parts and sequences count for
 * little). `openssl rand -hex 32` gives about 256 bits; 16 random bytes in hex or base64url pass.
 */
export const ADMIN_TOKEN_MIN_LENGTH = 24;
export const ADMIN_TOKEN_MIN_BITS = 96;

/** A secret setting (ADMIN_TOKEN, LINK_SECRET): long enough and hard enough to guess, or a start error. */
function secretFrom(env: Env, name: string): string | undefined {
  const token = optional(env, name);
  if (token === undefined) return undefined;
  const advice = 'make one with `openssl rand -hex 32`';
  if (token.length < ADMIN_TOKEN_MIN_LENGTH) {
    throw new ConfigError(`${name} must be at least ${ADMIN_TOKEN_MIN_LENGTH} characters: ${advice}`);
  }
  const bits = Math.floor(estimateEntropyBits(token));
  if (bits < ADMIN_TOKEN_MIN_BITS) {
    throw new ConfigError(
      `${name} is too easy to guess (about ${bits} bits estimated, at least ${ADMIN_TOKEN_MIN_BITS} wanted): ` +
        `use random characters with no repeated or sequential parts; ${advice}`,
    );
  }
  return token;
}

function optional(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw ? raw : undefined;
}

function url(env: Env, name: string, fallback: string | undefined, protocols: string[]): string | undefined {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be a URL`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name} must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
  }
  return raw;
}

/** A host name as compared: lower case, without the trailing dot of a fully qualified name. */
export function normalizeHost(hostname: string): string {
  return hostname.toLowerCase().replace(/\.$/, '');
}

// What a host name may look like once the URL parser had it (IDNs become punycode): DNS labels, an
// IPv4 address, or an IPv6 address in brackets.
const HOST_NAME = /^([a-z0-9-]+\.)*[a-z0-9-]+$|^\[[0-9a-f:.]+\]$/;

/** ALLOWED_HOSTS: `race.example.com, 192.168.1.20` → normalised names (no scheme, port or path). */
function hostList(env: Env, name: string): string[] {
  const raw = optional(env, name);
  if (raw === undefined) return [];
  const fail = () =>
    new ConfigError(`${name} must be host names separated by commas, without scheme, port or path (race.example.com)`);
  return raw
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      // A bare IPv6 address (`::1`) gets its brackets; any other colon is a scheme or a port.
      const literal = /^[0-9a-f:.]+$/i.test(entry) && entry.includes(':') ? `[${entry}]` : entry;
      let url: URL;
      try {
        url = new URL(`http://${literal}/`);
      } catch {
        throw fail();
      }
      const host = normalizeHost(url.hostname);
      if (url.host !== url.hostname || url.pathname !== '/' || url.username || url.search || !HOST_NAME.test(host)) {
        throw fail();
      }
      return host;
    });
}

/** PUBLIC_URL: an http(s) origin, nothing after it but an optional `/`; kept as its origin. */
function publicOrigin(env: Env): string | undefined {
  const raw = optional(env, 'PUBLIC_URL');
  if (raw === undefined) return undefined;
  const fail = () =>
    new ConfigError('PUBLIC_URL must be an http(s) origin like https://race.example.com (no path, query or user)');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw fail();
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.pathname !== '/' || url.search || url.hash) throw fail();
  if (url.username || url.password || raw.endsWith('?') || raw.endsWith('#')) throw fail();
  return url.origin;
}

/** OTEL_EXPORTER_OTLP_HEADERS: `k=v,k2=v2`, values may be percent-encoded (as the OpenTelemetry spec says). */
function otlpHeaders(raw: string): Record<string, string> {
  const fail = (why: string) => new ConfigError(`OTEL_EXPORTER_OTLP_HEADERS ${why}`);
  const headers: Record<string, string> = {};
  for (const pair of raw.split(',')) {
    if (!pair.trim()) continue;
    const eq = pair.indexOf('=');
    if (eq <= 0) throw fail('must be key=value pairs separated by commas');
    const key = pair.slice(0, eq).trim();
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(key)) throw fail('has a header name that is not a valid token');
    let value: string;
    try {
      value = decodeURIComponent(pair.slice(eq + 1).trim());
    } catch {
      throw fail('has a value that is not valid percent-encoding');
    }
    if (/[\r\n\0]/.test(value)) throw fail('has a value with a control character');
    headers[key.toLowerCase()] = value;
  }
  return headers;
}

/**
 * RESEND_WEBHOOK_SECRET: `whsec_<base64>`, comma-separated for a rotation. Each key must decode to at
 * least 16 bytes (Svix's are 24 or 32).
 */
function webhookSecrets(env: Env): string[] | undefined {
  const raw = optional(env, 'RESEND_WEBHOOK_SECRET');
  if (raw === undefined) return undefined;
  const fail = () =>
    new ConfigError(
      'RESEND_WEBHOOK_SECRET must be one or more whsec_… secrets separated by commas, as Resend shows them ' +
        "(the webhook's signing secret)",
    );
  const secrets = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (secrets.length === 0) throw fail();
  for (const secret of secrets) {
    const key = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : '';
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(key) || key.length % 4 !== 0 || (key.length / 4) * 3 < 16) throw fail();
  }
  return secrets;
}

export function parseConfig(env: Env): Config {
  const emailFrom = optional(env, 'EMAIL_FROM') ?? 'Marathon <onboarding@resend.dev>';
  if (/[\r\n]/.test(emailFrom) || !/@/.test(emailFrom)) {
    throw new ConfigError('EMAIL_FROM must be an address like "Name <sender@example.com>"');
  }
  const adminToken = secretFrom(env, 'ADMIN_TOKEN');
  const config: Config = {
    port: int(env, 'PORT', 8787, 0, 65535),
    host: optional(env, 'HOST') ?? '127.0.0.1',
    databaseUrl: url(env, 'DATABASE_URL', undefined, ['postgres:', 'postgresql:']),
    dataDir: optional(env, 'DATA_DIR') ?? './.data',
    resendApiKey: optional(env, 'RESEND_API_KEY'),
    resendBaseUrl: (url(env, 'RESEND_BASE_URL', 'https://api.resend.com', ['http:', 'https:']) as string).replace(
      /\/+$/,
      '',
    ),
    emailFrom,
    adminToken,
    raceConfig: optional(env, 'RACE_CONFIG'),
    taskMaxAttempts: int(env, 'TASK_MAX_ATTEMPTS', 10, 1, 100),
    taskRetryBaseMs: int(env, 'TASK_RETRY_BASE_MS', 1000, 1, 86_400_000),
    taskRetryMaxMs: int(env, 'TASK_RETRY_MAX_MS', 900_000, 1, 86_400_000),
    taskTimeoutMs: int(env, 'TASK_TIMEOUT_MS', 10_000, 1, 600_000),
    taskLeaseMs: int(env, 'TASK_LEASE_MS', 60_000, 1, 3_600_000),
    taskSweepIntervalMs: int(env, 'TASK_SWEEP_INTERVAL_MS', 5000, 10, 3_600_000),
    taskConcurrency: int(env, 'TASK_CONCURRENCY', 10, 1, 1000),
    emailRateLimitPerSec: int(env, 'EMAIL_RATE_LIMIT_PER_SEC', 5, 0, 100_000),
    emailBatchWindowMs: int(env, 'EMAIL_BATCH_WINDOW_MS', 10, 0, 10_000),
    shutdownGraceMs: int(env, 'SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
    rateLimitPerMinute: int(env, 'RATE_LIMIT_PER_MINUTE', 20, 0, 1_000_000),
    otlpEndpoint: url(env, 'OTEL_EXPORTER_OTLP_ENDPOINT', undefined, ['http:', 'https:'])?.replace(/\/+$/, ''),
    otlpHeaders: otlpHeaders(env.OTEL_EXPORTER_OTLP_HEADERS ?? ''),
    devMode: flag(env, 'DEV_MODE', '1', '0'),
    strategyRoutes: flag(env, 'STRATEGY_ROUTES', 'on', 'off'),
    trustProxy: int(env, 'TRUST_PROXY', 0, 0, 10),
    allowedHosts: hostList(env, 'ALLOWED_HOSTS'),
    publicOrigin: publicOrigin(env),
    linkSecret: secretFrom(env, 'LINK_SECRET'),
    resendWebhookSecrets: webhookSecrets(env),
  };
  if (config.taskRetryMaxMs < config.taskRetryBaseMs) {
    throw new ConfigError('TASK_RETRY_MAX_MS must be at least TASK_RETRY_BASE_MS');
  }
  if (config.taskLeaseMs <= config.taskTimeoutMs) {
    throw new ConfigError('TASK_LEASE_MS must be longer than TASK_TIMEOUT_MS');
  }
  return config;
}

export type Runtime = 'node' | 'workerd';

/** What the entries decide from the configuration and the runtime: see `Config.devMode`. */
export interface Modes {
  devMode: boolean;
  /** Dev mode turned on by itself (Node, loopback HOST, no RESEND_API_KEY): worth one log line. */
  devModeImplicit: boolean;
  strategyRoutes: boolean;
  /** The mailer: Resend when a key is set; else the dev mailbox in dev mode; else none (delivery held). */
  mailer: 'resend' | 'dev-mailbox' | 'none';
}

const LOOPBACK = /^(127(\.\d{1,3}){3}|::1|\[::1\]|localhost)$/i;

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.test(host);
}

/**
 * Which Host names the app serves: loopback ones (127.0.0.0/8, `localhost`, `[::1]`), ALLOWED_HOSTS,
 * PUBLIC_URL's host and HOST. In dev mode always, so a page on another name that resolves to this machine (DNS
 * rebinding) cannot read the dev mailbox or sign in; in production once ALLOWED_HOSTS is set.
 * `undefined`: any Host (production without ALLOWED_HOSTS: the proxy or the Workers route decides).
 */
export function servedHosts(
  config: Config,
  modes: Pick<Modes, 'devMode'>,
): ((hostname: string) => boolean) | undefined {
  if (!modes.devMode && config.allowedHosts.length === 0) return undefined;
  const names = new Set(config.allowedHosts);
  if (config.publicOrigin) names.add(normalizeHost(new URL(config.publicOrigin).hostname));
  // HOST itself (the start line's URL, e.g. http://0.0.0.0:8787 or a LAN address): chosen by the
  // operator, and an address typed as such cannot be rebound.
  names.add(
    normalizeHost(config.host.includes(':') && !config.host.startsWith('[') ? `[${config.host}]` : config.host),
  );
  return (hostname) => {
    const host = normalizeHost(hostname);
    return names.has(host) || isLoopbackHost(host);
  };
}

export function resolveModes(config: Config, runtime: Runtime): Modes {
  const implicit =
    config.devMode === undefined && runtime === 'node' && !config.resendApiKey && isLoopbackHost(config.host);
  const devMode = config.devMode ?? implicit;
  const mailer = config.resendApiKey ? 'resend' : devMode ? 'dev-mailbox' : 'none';
  return { devMode, devModeImplicit: implicit, strategyRoutes: config.strategyRoutes ?? devMode, mailer };
}

/** Dev mode's key for manage tokens: links on a developer's machine need no secret of their own. */
const DEV_LINK_SECRET = 'finishline-dev-mode-link-secret-not-for-production';

/**
 * The manage links, or undefined when they are off. Dev mode fills in what is missing (the local
 * address, a dev key); in production both PUBLIC_URL and LINK_SECRET are needed. A race with a waitlist
 * or a verification hold cannot work without them (its runners act through their links): a start error
 * that says what to set. Without either, the emails of a plain race carry no link.
 */
export function manageLinks(
  config: Pick<Config, 'publicOrigin' | 'linkSecret'>,
  modes: Pick<Modes, 'devMode'>,
  race: { waitlist?: unknown; verification?: unknown },
  localUrl: string,
): ManageLinks | undefined {
  const publicUrl = config.publicOrigin ?? (modes.devMode ? localUrl : undefined);
  const secret = config.linkSecret ?? (modes.devMode ? DEV_LINK_SECRET : undefined);
  if (publicUrl && secret) return { publicUrl, secret };
  if (race.waitlist || race.verification) {
    const missing = [publicUrl ? undefined : 'PUBLIC_URL', secret ? undefined : 'LINK_SECRET'].filter(Boolean);
    throw new ConfigError(
      `the race has a ${race.waitlist ? 'waitlist' : 'verification hold'}, so every email carries the runner's manage ` +
        `link: set ${missing.join(' and ')} (PUBLIC_URL like https://race.example.com; LINK_SECRET from \`openssl rand -hex 32\`)`,
    );
  }
  return undefined;
}
