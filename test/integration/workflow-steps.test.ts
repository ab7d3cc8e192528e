// The workflow strategy's steps against a real PostgreSQL (src/runtime/workers/email/workflow-steps.ts):
// the store step run again after an unknown outcome finds its own row and inserts nothing; a duplicate
// email or a full distance is refused; and which provider errors end an instance.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodePostgres } from '../../src/adapters/db/node-postgres.js';
import { createStore } from '../../src/adapters/db/store.js';
import { MailError } from '../../src/ports/mailer.js';
import type { Store } from '../../src/ports/store.js';
import { isFinal, storeOnce } from '../../src/runtime/workers/email/workflow-steps.js';
import { createTestDatabase, type TestDatabase } from '../../tools/postgres.js';
import { newRegistration } from '../support/fixtures.js';

const RACE = 'workflow-race';

describe('the workflow strategy’s steps', () => {
  let db: TestDatabase;
  let handle: ReturnType<typeof openNodePostgres>;
  let store: Store;

  beforeAll(async () => {
    db = await createTestDatabase('fl_workflow_steps');
    handle = openNodePostgres(db.url);
    // Two places on `full`: the third runner finds it full.
    store = createStore(handle.db, (_race, distance) => (distance === 'full' ? 2 : 1000));
  });
  afterAll(async () => {
    await handle?.close();
    await db?.drop();
  });

  const rowsOf = (email: string) =>
    db.query<{ id: string }>('SELECT id FROM registrations WHERE email_normalized = $1', [email.toLowerCase()]);

  it('a store step run three times (retried after an unknown outcome) stores one row and says stored each time', async () => {
    const registration = newRegistration(RACE, { strategy: 'workflow' });
    for (let run = 0; run < 3; run++) expect(await storeOnce(store, registration)).toBe('stored');
    expect(await rowsOf(registration.email)).toEqual([{ id: registration.id }]);
  });

  it('another instance with the same email (any case) is already registered; nothing is written', async () => {
    const first = newRegistration(RACE, { strategy: 'workflow' });
    expect(await storeOnce(store, first)).toBe('stored');
    const second = newRegistration(RACE, { strategy: 'workflow', email: first.email.toUpperCase() });
    expect(await storeOnce(store, second)).toBe('already_registered');
    expect(await rowsOf(first.email)).toEqual([{ id: first.id }]);
  });

  it('a full distance is refused, and a retried store of a runner who got a place still says stored', async () => {
    const placed = [0, 1].map(() => newRegistration(RACE, { strategy: 'workflow', distance: 'full' }));
    for (const r of placed) expect(await storeOnce(store, r)).toBe('stored');
    const late = newRegistration(RACE, { strategy: 'workflow', distance: 'full' });
    expect(await storeOnce(store, late)).toBe('distance_full');
    expect(await rowsOf(late.email)).toEqual([]);
    expect(await storeOnce(store, placed[0]!)).toBe('stored');
  });

  it('ends the instance on a permanent or account-wide provider error, retries anything else', () => {
    expect(isFinal(new MailError('permanent', 'validation_error', 'invalid to', { status: 422 }))).toBe(true);
    expect(isFinal(new MailError('account', 'invalid_api_key', 'bad key', { status: 401 }))).toBe(true);
    expect(isFinal(new MailError('retryable', 'rate_limit_exceeded', 'slow down', { status: 429 }))).toBe(false);
    expect(isFinal(new MailError('retryable', 'timeout', 'send timed out'))).toBe(false);
    expect(isFinal(new Error('network down'))).toBe(false);
  });
});
