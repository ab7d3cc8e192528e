// Structured logs: one JSON object per line. Callers pass ids and codes only — never emails,
// addresses, names, tokens or connection strings.
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

export function createJsonLogger(write: (line: string) => void = (line) => console.log(line)): Logger {
  const log =
    (level: string) =>
    (event: string, fields: LogFields = {}) =>
      write(JSON.stringify({ time: new Date().toISOString(), level, event, ...fields }));
  return { info: log('info'), warn: log('warn'), error: log('error') };
}

/** @internal For tests and benchmarks: a logger that writes nothing. */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
