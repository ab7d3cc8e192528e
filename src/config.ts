// Configuration: parsed and validated once, at start. Runtime-neutral — entries pass their env in.
// A bad value stops start-up with a message that names the variable (never its value: it may be a secret).

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
  shutdownGraceMs: number;
  /** Registrations one client may attempt per minute; 0 turns the limit off. */
  rateLimitPerMinute: number;
  /** OTEL_EXPORTER_OTLP_ENDPOINT: where spans go over OTLP/HTTP (JSON); unset → no exporter. */
  otlpEndpoint: string | undefined;
  /** OTEL_EXPORTER_OTLP_HEADERS, parsed (`k=v,k2=v2`). */
  otlpHeaders: Record<string, string>;
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

export function parseConfig(env: Env): Config {
  const emailFrom = optional(env, 'EMAIL_FROM') ?? 'Marathon <onboarding@resend.dev>';
  if (/[\r\n]/.test(emailFrom) || !/@/.test(emailFrom)) {
    throw new ConfigError('EMAIL_FROM must be an address like "Name <sender@example.com>"');
  }
  const adminToken = optional(env, 'ADMIN_TOKEN');
  if (adminToken !== undefined && adminToken.length < 16) {
    throw new ConfigError('ADMIN_TOKEN must be at least 16 characters');
  }
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
    emailRateLimitPerSec: int(env, 'EMAIL_RATE_LIMIT_PER_SEC', 2, 1, 100_000),
    shutdownGraceMs: int(env, 'SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
    rateLimitPerMinute: int(env, 'RATE_LIMIT_PER_MINUTE', 20, 0, 1_000_000),
    otlpEndpoint: url(env, 'OTEL_EXPORTER_OTLP_ENDPOINT', undefined, ['http:', 'https:'])?.replace(/\/+$/, ''),
    otlpHeaders: otlpHeaders(env.OTEL_EXPORTER_OTLP_HEADERS ?? ''),
  };
  if (config.taskRetryMaxMs < config.taskRetryBaseMs) {
    throw new ConfigError('TASK_RETRY_MAX_MS must be at least TASK_RETRY_BASE_MS');
  }
  if (config.taskLeaseMs <= config.taskTimeoutMs) {
    throw new ConfigError('TASK_LEASE_MS must be longer than TASK_TIMEOUT_MS');
  }
  return config;
}
