// Neon's serverless driver over HTTP: one fetch per statement, no socket, so it runs anywhere.
// That is why every write we make is a single statement (no interactive transactions).
import { neon, neonConfig } from '@neondatabase/serverless';
import { drizzle } from 'drizzle-orm/neon-http';
import type { Database, DatabaseHandle } from './database.js';

export interface NeonHttpOptions {
  /** Where to send SQL over HTTP; tests point it at a local endpoint in front of a real Postgres. */
  fetchEndpoint?: (host: string, port: number | string) => string;
}

export function openNeonHttp(connectionString: string, options: NeonHttpOptions = {}): DatabaseHandle {
  // The driver reads `fetchEndpoint` only from its global config (not from neon()'s options).
  if (options.fetchEndpoint) neonConfig.fetchEndpoint = options.fetchEndpoint;
  const client = neon(connectionString);
  return {
    db: drizzle({ client }) as unknown as Database,
    driver: 'neon-http',
    close: async () => {},
  };
}

export function isNeonUrl(connectionString: string): boolean {
  try {
    return new URL(connectionString).hostname.endsWith('.neon.tech');
  } catch {
    return false;
  }
}
