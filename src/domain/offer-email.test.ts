import { describe, expect, it } from 'vitest';
import { expectOwnDeadlines, FROM, GRACE, RUNNER, runnerEmailSuite } from '../../test/support/runner-email-suite.js';
import { formatRaceDate } from './email-layout.js';
import { buildOfferEmail, type OfferFacts } from './offer-email.js';
import { DEFAULT_RACE, type Race } from './race.js';

// 14:30 in Amsterdam (summer time).
const facts: OfferFacts = { ...RUNNER, expiresAt: new Date('2027-04-11T12:30:00Z') };
const DEADLINE = 'Sunday 11 April 2027, 14:30 (Europe/Amsterdam)';

describe('buildOfferEmail', () => {
  const email = buildOfferEmail(DEFAULT_RACE, FROM, facts);

  it('the subject names the race and the distance, from configuration', () => {
    expect(email.subject).toBe('A place is yours if you want it: Riverside Marathon 2027 Half marathon');
    const full = buildOfferEmail(DEFAULT_RACE, FROM, { ...facts, distance: 'full' });
    expect(full.subject).toBe('A place is yours if you want it: Riverside Marathon 2027 Marathon');
    expect(full.html).toContain('<title>A place is yours if you want it: Riverside Marathon 2027 Marathon</title>');
  });

  it('a distance the race no longer has stays out of the subject', () => {
    const odd = buildOfferEmail(DEFAULT_RACE, FROM, { ...facts, distance: 'ultra' });
    expect(odd.subject).toBe('A place is yours if you want it: Riverside Marathon 2027');
    expect(odd.text).toMatch(/Distance:\s+ultra\n/);
  });

  it('the text part offers the place, gives the deadline on the race’s clock, where to answer, and the link', () => {
    expect(email.text).toBe(
      [
        'Hi Ada,',
        '',
        `A place has freed up at Riverside Marathon 2027, and it is yours if you want it. Accept or decline it on your manage page by ${DEADLINE}.`,
        '',
        `Reply by:      ${DEADLINE}`,
        'Distance:      Half marathon',
        `Date:          ${formatRaceDate(DEFAULT_RACE)}`,
        'Start time:    09:00 (Europe/Amsterdam)',
        'Place:         Riverside Park',
        `Registration:  ${RUNNER.registrationId}`,
        '',
        'Manage your registration:',
        RUNNER.manageUrl,
        '',
        'If you have not answered by then, the place is offered to the next runner on the waitlist.',
        '',
        '— Riverside Marathon',
        '',
      ].join('\n'),
    );
  });

  it('the HTML part says the same', () => {
    expect(email.html).toContain(
      `<p style="margin:0 0 16px">A place has freed up at <strong>Riverside Marathon 2027</strong>, and it is yours if you want it. Accept or decline it on your manage page by <strong>${DEADLINE}</strong>.</p>`,
    );
    expect(email.html).toMatch(
      /<th scope="row"[^>]*>Reply by<\/th><td[^>]*>Sunday 11 April 2027, 14:30 \(Europe\/Amsterdam\)<\/td>/,
    );
    expect(email.html).toContain(`<a href="${RUNNER.manageUrl}"`);
  });

  it('shows the deadline in the race’s time zone', () => {
    const race: Race = { ...DEFAULT_RACE, timeZone: 'Europe/Paris' };
    const message = buildOfferEmail(race, FROM, { ...facts, expiresAt: new Date('2026-12-09T13:30:00Z') });
    for (const part of [message.text, message.html]) {
      expect(part).toContain('Wednesday 9 December 2026, 14:30 (Europe/Paris)');
    }
  });

  it('two runners, each with their own deadline, name and link (the kept template holds none)', () => {
    expectOwnDeadlines({
      ada: { email: buildOfferEmail(DEFAULT_RACE, FROM, facts), deadline: DEADLINE },
      grace: {
        email: buildOfferEmail(DEFAULT_RACE, FROM, { ...GRACE, expiresAt: new Date('2027-04-12T21:45:00Z') }),
        deadline: 'Monday 12 April 2027, 23:45 (Europe/Amsterdam)',
      },
    });
    expect(buildOfferEmail(DEFAULT_RACE, FROM, facts)).toEqual(email);
  });

  it('escapes the race name in the lead', () => {
    const race: Race = { ...DEFAULT_RACE, name: 'Fun & <Games>' };
    const message = buildOfferEmail(race, FROM, facts);
    expect(message.html).toContain('freed up at <strong>Fun &amp; &lt;Games&gt;</strong>, and');
    expect(message.subject).toBe('A place is yours if you want it: Fun & <Games> Half marathon');
  });

  it('throws for an invalid deadline', () => {
    expect(() => buildOfferEmail(DEFAULT_RACE, FROM, { ...facts, expiresAt: new Date(Number.NaN) })).toThrow(
      RangeError,
    );
  });
});

describe('every email to a runner', () => {
  runnerEmailSuite(
    'offer-email.html',
    (race, from, runner) => buildOfferEmail(race, from, { ...runner, expiresAt: facts.expiresAt }),
    {
      subjectNamesDistance: true,
    },
  );
});
