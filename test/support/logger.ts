// A logger that keeps what it is given (src/ports/logger.ts), for tests that check what is logged:
// each entry is the level, the event and its fields, in the order they were logged.
import type { LogFields, Logger } from '../../src/ports/logger.js';

export interface LogEntry {
  level: 'info' | 'warn' | 'error';
  event: string;
  fields: LogFields;
}

export function capturingLogger(): Logger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at =
    (level: LogEntry['level']) =>
    (event: string, fields: LogFields = {}) => {
      entries.push({ level, event, fields });
    };
  return { entries, info: at('info'), warn: at('warn'), error: at('error') };
}
