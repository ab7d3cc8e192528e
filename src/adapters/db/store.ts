// The Store port on a Drizzle database: the same code for PGlite, node-postgres, Hyperdrive and Neon.
import { sql } from 'drizzle-orm';
import type { CapOf, Store } from '../../ports/store.js';
import { claimTasks } from '../../tasks/sql/claim.js';
import { completeTask } from '../../tasks/sql/complete.js';
import { deadLetterTask } from '../../tasks/sql/dead-letter.js';
import { releaseTask } from '../../tasks/sql/release.js';
import { retryTask } from '../../tasks/sql/retry.js';
import type { Database } from './database.js';
import { listDevMail, saveDevMail } from './dev-mail.js';
import {
  countRegistrationsByDistance,
  findIdempotentResponse,
  findRegistration,
  insertRegistration,
  insertRegistrationWithTask,
} from './registrations.js';

/** `capOf` gives each distance's places; without it nothing is capped (store tests). */
export function createStore(db: Database, capOf?: CapOf): Store {
  return {
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    insertRegistration: (r) => insertRegistration(db, r, capOf),
    insertRegistrationWithTask: (r, t, idempotency) => insertRegistrationWithTask(db, r, t, idempotency, capOf),
    findIdempotentResponse: (key) => findIdempotentResponse(db, key),
    findRegistration: (id) => findRegistration(db, id),
    countRegistrationsByDistance: (raceId) => countRegistrationsByDistance(db, raceId),
    completeTask: (task, attempt, result) => completeTask(db, task, attempt, result),
    retryTask: (task, attempt, delayMs) => retryTask(db, task, attempt, delayMs),
    deadLetterTask: (task, attempt) => deadLetterTask(db, task, attempt),
    releaseTask: (task, delayMs, attempt) => releaseTask(db, task, delayMs, attempt),
    claimTasks: (owner, limit, leaseMs) => claimTasks(db, owner, limit, leaseMs),
    saveDevMail: (message, key, id) => saveDevMail(db, message, key, id),
    listDevMail: (limit) => listDevMail(db, limit),
  };
}
