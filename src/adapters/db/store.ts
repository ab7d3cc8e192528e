// The Store port on a Drizzle database: the same code for PGlite, node-postgres, Hyperdrive and Neon.
import { sql } from 'drizzle-orm';
import type { Store } from '../../ports/store.js';
import { claimTasks } from '../../tasks/sql/claim.js';
import { completeTask } from '../../tasks/sql/complete.js';
import { deadLetterTask } from '../../tasks/sql/dead-letter.js';
import { releaseTask } from '../../tasks/sql/release.js';
import { retryTask } from '../../tasks/sql/retry.js';
import type { Database } from './database.js';
import { listDevMail, saveDevMail } from './dev-mail.js';
import {
  countRegistrationsByDistance,
  findRegistration,
  insertRegistration,
  insertRegistrationWithTask,
} from './registrations.js';

export function createStore(db: Database): Store {
  return {
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    insertRegistration: (r) => insertRegistration(db, r),
    insertRegistrationWithTask: (r, t) => insertRegistrationWithTask(db, r, t),
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
