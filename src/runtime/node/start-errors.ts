// Start-up failures, told as what is wrong and what to do. A newcomer who sees `ECONNREFUSED` or
// `Migration failed: Error` has to guess; `cannot reach PostgreSQL at 127.0.0.1:5433 … start it, or
// fix DATABASE_URL` says where to look. Messages name hosts, ports, folders and variables, never a
// password or a value that may be secret.
import { postgresErrorCode } from '../../adapters/db/errors.js';
import { describeError } from '../../ports/errors.js';

/** A start-up failure whose message already says what to do. */
export class StartError extends Error {
  override name = 'StartError';
}

/** The listening socket could not be opened. */
export function explainListenError(error: unknown, host: string, port: number): Error {
  switch ((error as NodeJS.ErrnoException | undefined)?.code) {
    case 'EADDRINUSE':
      return new StartError(`port ${port} is in use on ${host}: stop the other process, or set PORT to a free port`);
    case 'EACCES':
      return new StartError(`port ${port} on ${host} needs privileges: set PORT to a port above 1023`);
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new StartError(`HOST ${host} is not an address of this machine: set HOST (e.g. 127.0.0.1 or 0.0.0.0)`);
    default:
      return error instanceof Error ? error : new Error(String(error));
  }
}

/** `host:port/database` of a connection string, without user or password. */
export function databaseTarget(connectionString: string): { where: string; database: string; user: string } {
  try {
    const url = new URL(connectionString);
    const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'postgres';
    return { where: `${url.hostname}:${url.port || '5432'}`, database, user: decodeURIComponent(url.username) };
  } catch {
    return { where: 'DATABASE_URL', database: '?', user: '?' };
  }
}

/** Opening or migrating a server database failed. */
export function explainDatabaseError(error: unknown, connectionString: string, step: 'connect' | 'migrate'): Error {
  if (error instanceof StartError) return error;
  const { where, database, user } = databaseTarget(connectionString);
  // The driver's code, wherever it sits in the cause chain: a Postgres SQLSTATE or a socket's errno.
  const code = postgresErrorCode(error);
  switch (code) {
    case 'ECONNREFUSED':
      return new StartError(`cannot reach PostgreSQL at ${where} (connection refused): start it, or fix DATABASE_URL`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new StartError(`cannot resolve the database host in DATABASE_URL (${where}): check its spelling`);
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new StartError(`PostgreSQL at ${where} does not answer (${code}): check the network and DATABASE_URL`);
    case '28P01':
    case '28000':
      return new StartError(
        `PostgreSQL at ${where} refused user "${user}" (wrong password or not allowed): fix DATABASE_URL`,
      );
    case '3D000':
      return new StartError(
        `database "${database}" does not exist at ${where}: create it (createdb ${database}) or fix DATABASE_URL`,
      );
  }
  if (/timeout/i.test(String((error as Error)?.message))) {
    return new StartError(`PostgreSQL at ${where} does not answer (timeout): check that it runs and DATABASE_URL`);
  }
  const what = step === 'migrate' ? 'applying the migrations' : 'opening the database';
  return new StartError(`${what} at ${where} failed: ${describeError(error)}`);
}

/** The one line a person reads when the start fails. */
export function startFailureMessage(error: unknown): string {
  if (error instanceof Error && (error.name === 'ConfigError' || error.name === 'StartError')) {
    return error.name === 'ConfigError' ? `Configuration error: ${error.message}` : error.message;
  }
  if (error instanceof Error && error.name === 'DataDirInUseError') return error.message;
  return `Failed to start: ${describeError(error)}`;
}
