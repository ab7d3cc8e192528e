import { describe, expect, it } from 'vitest';
import { expectOwnDeadlines, FROM, GRACE, RUNNER, runnerEmailSuite } from '../../test/support/runner-email-suite.js';
import { formatRaceDate } from './email-layout.js';
import { DEFAULT_RACE, type Race } from './race.js';
import { buildVerifyEmail, type VerifyFacts } from './verify-email.js';

// 09:15 in Amsterdam (winter time).
const facts: VerifyFacts = { ...RUNNER, expiresAt: new Date('2027-01-05T08:15:00Z') };
const DEADLINE = 'Tuesday 5 January 2027, 09:15 (Europe/Amsterdam)';

describe('buildVerifyEmail', () => {
  const email = buildVerifyEmail(DEFAULT_RACE, FROM, facts);

  it('the subject names the race, and only the race', () => {
    expect(email.subject).toBe('Confirm your place at Riverside Marathon 2027');
    expect(email.html).toContain('<title>Confirm your place at Riverside Marathon 2027</title>');
  });

  it('the text part says the place is held until the deadline, to confirm it on the manage page, and the link', () => {
    expect(email.text).toBe(
      [
        'Hi Ada,',
        '',
        `Your place at Riverside Marathon 2027 is held for you until ${DEADLINE}. Confirm it on your manage page to keep it.`,
        '',
        `Held until:    ${DEADLINE}`,
        'Distance:      Half marathon',
        `Date:          ${formatRaceDate(DEFAULT_RACE)}`,
        'Start time:    09:00 (Europe/Amsterdam)',
        'Place:         Riverside Park',
        `Registration:  ${RUNNER.registrationId}`,
        '',
        'Manage your registration:',
        RUNNER.manageUrl,
        '',
        'If it is not confirmed by then, the place is released.',
        '',
        '— Riverside Marathon',
        '',
      ].join('\n'),
    );
  });

  it('the HTML part says the same', () => {
    expect(email.html).toContain(
      `<p style="margin:0 0 16px">Your place at <strong>Riverside Marathon 2027</strong> is held for you until <strong>${DEADLINE}</strong>. Confirm it on your manage page to keep it.</p>`,
    );
    expect(email.html).toMatch(
      /<th scope="row"[^>]*>Held until<\/th><td[^>]*>Tuesday 5 January 2027, 09:15 \(Europe\/Amsterdam\)<\/td>/,
    );
    expect(email.html).toContain(`<a href="${RUNNER.manageUrl}"`);
  });

  it('shows the deadline in the race’s time zone', () => {
    const race: Race = { ...DEFAULT_RACE, timeZone: 'America/New_York' };
    const message = buildVerifyEmail(race, FROM, facts);
    for (const part of [message.text, message.html]) {
      expect(part).toContain('Tuesday 5 January 2027, 03:15 (America/New_York)');
    }
  });

  it('two runners, each with their own deadline, name and link (the kept template holds none)', () => {
    expectOwnDeadlines({
      ada: { email: buildVerifyEmail(DEFAULT_RACE, FROM, facts), deadline: DEADLINE },
      grace: {
        email: buildVerifyEmail(DEFAULT_RACE, FROM, { ...GRACE, expiresAt: new Date('2027-01-06T18:00:00Z') }),
        deadline: 'Wednesday 6 January 2027, 19:00 (Europe/Amsterdam)',
      },
    });
  });

  it('escapes the race name in the lead', () => {
    const race: Race = { ...DEFAULT_RACE, name: 'Fun & <Games>' };
    expect(buildVerifyEmail(race, FROM, facts).html).toContain(
      'Your place at <strong>Fun &amp; &lt;Games&gt;</strong> is held',
    );
  });
});

describe('every email to a runner', () => {
  runnerEmailSuite('verify-email.html', (race, from, runner) =>
    buildVerifyEmail(race, from, { ...runner, expiresAt: facts.expiresAt }),
  );
});
