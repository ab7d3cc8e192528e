import { describe, expect, it } from 'vitest';
import { FROM, GRACE, RUNNER, runnerEmailSuite } from '../../test/support/runner-email-suite.js';
import { formatRaceDate } from './email-layout.js';
import { buildExpiryEmail, type ExpiryFacts } from './expiry-email.js';
import { DEFAULT_RACE, type Race } from './race.js';

const facts: ExpiryFacts = { ...RUNNER, what: 'offer' };

describe('buildExpiryEmail', () => {
  const email = buildExpiryEmail(DEFAULT_RACE, FROM, facts);

  it('an offer: the subject, and the text part says it was not accepted in time, the facts and the link', () => {
    expect(email.subject).toBe('Your offer for Riverside Marathon 2027 has expired');
    expect(email.text).toBe(
      [
        'Hi Ada,',
        '',
        'The place you were offered at Riverside Marathon 2027 was not accepted before its deadline, so it has been released.',
        '',
        'Distance:      Half marathon',
        `Date:          ${formatRaceDate(DEFAULT_RACE)}`,
        'Start time:    09:00 (Europe/Amsterdam)',
        'Place:         Riverside Park',
        `Registration:  ${RUNNER.registrationId}`,
        '',
        'Manage your registration:',
        RUNNER.manageUrl,
        '',
        'Your manage page shows where you stand now.',
        '',
        '— Riverside Marathon',
        '',
      ].join('\n'),
    );
    expect(email.html).toContain(
      '<p style="margin:0 0 16px">The place you were offered at <strong>Riverside Marathon 2027</strong> was not accepted before its deadline, so it has been released.</p>',
    );
  });

  it('a hold: its own subject and lead', () => {
    const hold = buildExpiryEmail(DEFAULT_RACE, FROM, { ...facts, what: 'hold' });
    expect(hold.subject).toBe('Your hold for Riverside Marathon 2027 has expired');
    expect(hold.html).toContain('<title>Your hold for Riverside Marathon 2027 has expired</title>');
    expect(hold.text).toContain(
      '\nYour place at Riverside Marathon 2027 was not confirmed before its deadline, so it has been released.\n',
    );
    expect(hold.html).toContain(
      '<p style="margin:0 0 16px">Your place at <strong>Riverside Marathon 2027</strong> was not confirmed before its deadline, so it has been released.</p>',
    );
    expect(hold.text).not.toContain('offered');
    // And the offer's letter, kept first, is still the offer's.
    expect(buildExpiryEmail(DEFAULT_RACE, FROM, facts)).toEqual(email);
  });

  it('two runners, each with their own name, registration and link', () => {
    const grace = buildExpiryEmail(DEFAULT_RACE, FROM, { ...GRACE, what: 'offer' });
    for (const part of [grace.text, grace.html]) {
      expect(part).toContain('Hi Grace,');
      expect(part).toContain(GRACE.registrationId);
      expect(part).toContain(GRACE.manageUrl);
      expect(part).not.toContain(RUNNER.manageUrl);
    }
  });

  it('escapes the race name in the lead', () => {
    const race: Race = { ...DEFAULT_RACE, name: 'Fun & <Games>' };
    expect(buildExpiryEmail(race, FROM, { ...facts, what: 'hold' }).html).toContain(
      'Your place at <strong>Fun &amp; &lt;Games&gt;</strong> was not confirmed',
    );
  });

  it('throws for anything else that expires', () => {
    for (const what of ['lease', 'constructor']) {
      expect(() => buildExpiryEmail(DEFAULT_RACE, FROM, { ...facts, what: what as ExpiryFacts['what'] })).toThrow(
        `not an expiry: ${what}`,
      );
    }
  });
});

describe.each(['offer', 'hold'] as const)('every email to a runner (expired: %s)', (what) => {
  runnerEmailSuite(`expiry-email-${what}.html`, (race, from, runner) =>
    buildExpiryEmail(race, from, { ...runner, what }),
  );
});
