// Starts the whole service on Node: database (PGlite or a server), migrations, the app on
// @hono/node-server, the sweeper, and a graceful stop. `main.ts` calls this with process.env.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { createApp } from '../../app/create-app.js';
import { sharedServices } from '../../app/request-services.js';
import { type Config, ConfigError, type Env, type Modes, parseConfig, resolveModes } from '../../config.js';
import { createMemoryClientLimiter, unlimited } from '../../ports/client-limiter.js';
import { createJsonLogger, type Logger } from '../../ports/logger.js';
import { buildServices, createAdminAuthLimiter } from '../../services.js';
import { createTracing, type TracingOptions, tracingWanted } from '../../tracing/provider.js';
import { loadTracingSdk } from '../../tracing/sdk.js';
import { registerContextManager } from '../shared/context.js';
import { readStaticAssets } from './assets.js';
import { BackgroundWork } from './background.js';
import { clientInfo } from './client.js';
import { openDatabase } from './database.js';
import { providerPost } from './provider-post.js';
import { loadRace } from './race.js';
import { logRequestTimeouts } from './request-timeouts.js';
import { explainListenError } from './start-errors.js';
import { startSweeper } from './sweeper.js';

export interface NodeService {
  url: string;
  config: Config;
  /**
   * ADMIN_TOKEN; unset, a random one for this run in dev mode (main.ts shows it once), else undefined:
   * admin is off (never a generated token in production).
   */
  adminToken: string | undefined;
  /** Dev mode, strategy routes, mailer: as resolved from the configuration. */
  modes: Modes;
  /** Graceful stop: stop accepting, drain requests and background work (grace period), close the db. */
  stop(): Promise<void>;
  /** Exports the spans still buffered (OTLP batches). */
  flushTraces(): Promise<void>;
}

export interface NodeServiceOptions {
  /** Tests: every span is also handed to this exporter (e.g. an InMemorySpanExporter) as it ends. */
  spanExporter?: SpanExporter;
  /** Tests: shorter server time limits than SERVER_LIMITS, to see them act without waiting long. */
  serverLimits?: Partial<typeof SERVER_LIMITS>;
  /** A line for the operator while a slow step runs (main.ts prints it), e.g. a first start's database. */
  progress?: (line: string) => void;
}

/**
 * Node's HTTP server limits. Its defaults let a client hold a connection for 300 s per request
 * (requestTimeout) and check only every 30 s; our requests are a 16 KiB body at most, so a client
 * gets 10 s for its headers and 15 s for the whole request, checked every second (answered 408).
 */
export const SERVER_LIMITS = {
  headersTimeout: 10_000,
  requestTimeout: 15_000,
  keepAliveTimeout: 5_000,
  connectionsCheckingInterval: 1_000,
};

/** 32 random bytes in hex, as `openssl rand -hex 32` makes them. */
function randomAdminToken(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) => b.toString(16).padStart(2, '0')).join('');
}

export async function startNodeService(
  env: Env,
  logger: Logger = createJsonLogger(),
  options: NodeServiceOptions = {},
): Promise<NodeService> {
  const config = parseConfig(env);
  const modes = resolveModes(config, 'node');
  if (modes.mailer === 'none') {
    throw new ConfigError(
      'RESEND_API_KEY is not set and dev mode is off: set RESEND_API_KEY to send emails, ' +
        'or DEV_MODE=1 to keep them in the dev mailbox (/dev/mail)',
    );
  }
  const tracingOptions: TracingOptions = {
    runtime: 'node',
    otlp: config.otlpEndpoint ? { endpoint: config.otlpEndpoint, headers: config.otlpHeaders } : undefined,
    keepRecent: modes.devMode,
    spanExporter: options.spanExporter,
  };
  const traced = tracingWanted(tracingOptions);
  // Spans follow async work through AsyncLocalStorage, which on Node 20 puts promise hooks on every
  // promise of the process: only when there are spans to record (Server-Timing does without it).
  if (traced) registerContextManager();
  const tracing = createTracing(tracingOptions, traced ? await loadTracingSdk() : undefined);
  // No ADMIN_TOKEN: in dev mode a random one for this run (main.ts shows it once); in production admin
  // stays off, every admin call refused, rather than a secret nobody chose appearing in the logs.
  const adminToken = config.adminToken ?? (modes.devMode ? randomAdminToken() : undefined);
  config.adminToken = adminToken;
  const race = await loadRace(config.raceConfig);
  const database = await openDatabase(config, options.progress);
  // One process, one database pool: everything is built once and every request shares it.
  const { deps, routes, servicesOver } = buildServices({
    config,
    modes,
    race,
    logger,
    clientLimiter: config.rateLimitPerMinute ? createMemoryClientLimiter(config.rateLimitPerMinute, 60_000) : unlimited,
    adminAuthLimiter: createAdminAuthLimiter(),
    ...clientInfo(config.trustProxy),
    tracer: tracing.tracer,
    recentTraces: tracing.recent,
    providerPost,
  });
  const services = servicesOver(database);
  // The stylesheet and the icon, from public/assets/ (on Workers the asset server serves them).
  const app = createApp(deps, { ...routes, assets: readStaticAssets() }, sharedServices(services));
  const background = new BackgroundWork();

  // The env carries @hono/node-server's `incoming` (for the client's address); `background` is waitUntil.
  const server = serve({
    fetch: (request, env) => app.fetch(request, env, background),
    port: config.port,
    hostname: config.host,
    serverOptions: { ...SERVER_LIMITS, ...options.serverLimits },
  });
  logRequestTimeouts(server, logger);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
  } catch (error) {
    await database.close();
    throw explainListenError(error, config.host, config.port);
  }
  const { port } = server.address() as AddressInfo;
  const sweeper = startSweeper(services.engine, config.taskSweepIntervalMs, logger);
  logger.info('service.started', {
    port,
    database: database.driver,
    mailer: modes.mailer,
    admin: adminToken ? 'on' : 'off',
  });

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      const deadline = Date.now() + config.shutdownGraceMs;
      const untilDeadline = () => new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())).unref());
      // 1. Stop accepting; let requests in flight finish.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      if ('closeIdleConnections' in server) server.closeIdleConnections();
      await Promise.race([closed, untilDeadline()]);
      if ('closeAllConnections' in server) server.closeAllConnections();
      // 2. No new sweeps; let attempts in flight (sweeps and fast paths) finish within the grace period.
      const swept = sweeper.stop();
      const finished = Promise.all([swept, background.drain()]).then(() => true);
      const drained = await Promise.race([finished, untilDeadline().then(() => false)]);
      if (!drained) {
        // 3. Past the grace period: abort. Aborted attempts are recorded as failed (retried later);
        // tasks still waiting for a send slot are released without burning an attempt.
        services.engine.abort();
        await Promise.race([finished, new Promise((r) => setTimeout(r, 2000).unref())]);
      }
      // 4. Export the last spans (bounded: a collector that is down must not hold the stop), then
      // close the database, so every outcome above was written.
      await Promise.race([tracing.shutdown().catch(() => {}), new Promise((r) => setTimeout(r, 5000).unref())]);
      await database.close();
      logger.info('service.stopped', { drained });
    })();
    return stopping;
  };

  return { url: `http://${config.host}:${port}`, config, adminToken, modes, stop, flushTraces: tracing.flush };
}
