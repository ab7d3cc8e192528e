// The Store port on a Drizzle database: the same code for PGlite, node-postgres, Hyperdrive and Neon.
// (The task store is src/tasks/store.ts, over `sqlDatabase(db)` from ./database.ts.)
import { sql } from 'drizzle-orm';
import type { CapOf, Store } from '../../ports/store.js';
import type { Database } from './database.js';
import { findDevMail, listDevMail, saveDevMail } from './dev-mail.js';
import { findEmailTask, saveEmailEvent, suppressedAmong } from './email-events.js';
import { throwingStoreUnavailable } from './errors.js';
import {
  changeEmail,
  countRegistrationsByDistance,
  enqueueRegistrationTask,
  findIdempotentResponse,
  findRegistration,
  findRegistrationByEmail,
  findRegistrationByTokenHash,
  insertRegistration,
  insertRegistrationWithTask,
} from './registrations.js';
import { move, offerFreePlaces, release, takeUp } from './waitlist.js';

/** `capOf` gives each distance's places; without it nothing is capped (store tests). */
export function createStore(db: Database, capOf?: CapOf): Store {
  return throwingStoreUnavailable<Store>({
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    insertRegistration: (r) => insertRegistration(db, r, capOf),
    insertRegistrationWithTask: (r, t, idempotency, waitlist) =>
      insertRegistrationWithTask(db, r, t, idempotency, capOf, waitlist),
    findIdempotentResponse: (key) => findIdempotentResponse(db, key),
    findRegistration: (id) => findRegistration(db, id),
    findRegistrationByEmail: (raceId, email) => findRegistrationByEmail(db, raceId, email),
    findRegistrationByTokenHash: (hash) => findRegistrationByTokenHash(db, hash),
    enqueueRegistrationTask: (registrationId, task, withinMs) =>
      enqueueRegistrationTask(db, registrationId, task, withinMs),
    changeEmail: (change) => changeEmail(db, change),
    countRegistrationsByDistance: (raceId) => countRegistrationsByDistance(db, raceId),
    release: (r) => release(db, r),
    move: (m) => move(db, m),
    takeUp: (t) => takeUp(db, t),
    offerFreePlaces: (raceId, distance, cap, offer) => offerFreePlaces(db, raceId, distance, cap, offer),
    saveDevMail: (message, key, id) => saveDevMail(db, message, key, id),
    listDevMail: (limit) => listDevMail(db, limit),
    findDevMail: (id) => findDevMail(db, id),
    saveEmailEvent: (event) => saveEmailEvent(db, event),
    findEmailTask: (emailId) => findEmailTask(db, emailId),
    suppressedAmong: (addresses) => suppressedAmong(db, addresses),
  });
}
