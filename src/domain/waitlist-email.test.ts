import { describe, expect, it } from 'vitest';
import { FROM, GRACE, RUNNER, runnerEmailSuite } from '../../test/support/runner-email-suite.js';
import { formatRaceDate } from './email-layout.js';
import { DEFAULT_RACE, type Race } from './race.js';
import { buildWaitlistEmail, type WaitlistFacts } from './waitlist-email.js';

const facts: WaitlistFacts = { ...RUNNER, position: 12, offerTtl: '48h' };

describe('buildWaitlistEmail', () => {
  const email = buildWaitlistEmail(DEFAULT_RACE, FROM, facts);

  it('the subject names the race, and only the race', () => {
    expect(email.subject).toBe("You're on the waitlist for Riverside Marathon 2027");
    expect(email.html).toContain('<title>You&#39;re on the waitlist for Riverside Marathon 2027</title>');
  });

  it('the text part gives the position, how places are offered and for how long, the facts and the manage link', () => {
    expect(email.text).toBe(
      [
        'Hi Ada,',
        '',
        "You're on the waitlist for Riverside Marathon 2027, number 12. If a place frees up, it is offered by email to the runners on the waitlist in order, and an offer is held for 48 hours.",
        '',
        'Waitlist position:  12',
        'Distance:           Half marathon',
        `Date:               ${formatRaceDate(DEFAULT_RACE)}`,
        'Start time:         09:00 (Europe/Amsterdam)',
        'Place:              Riverside Park',
        `Registration:       ${RUNNER.registrationId}`,
        '',
        'Manage your registration:',
        RUNNER.manageUrl,
        '',
        'Nothing to do until then. If you no longer want a place, leave the waitlist on your manage page.',
        '',
        '— Riverside Marathon',
        '',
      ].join('\n'),
    );
  });

  it('the HTML part says the same', () => {
    expect(email.html).toContain(
      '<p style="margin:0 0 16px">You\'re on the waitlist for <strong>Riverside Marathon 2027</strong>, number <strong>12</strong>. If a place frees up, it is offered by email to the runners on the waitlist in order, and an offer is held for 48 hours.</p>',
    );
    const rows = [...email.html.matchAll(/<th[^>]*>([^<]*)<\/th><td[^>]*>([^<]*)<\/td>/g)].map((m) => [m[1], m[2]]);
    expect(rows[0]).toEqual(['Waitlist position', '12']);
    expect(rows.map(([label]) => label)).toEqual([
      'Waitlist position',
      'Distance',
      'Date',
      'Start time',
      'Place',
      'Registration',
    ]);
    expect(email.html).toContain(`<a href="${RUNNER.manageUrl}"`);
    expect(email.html).toContain('leave the waitlist on your manage page.</p>');
  });

  it.each([
    ['48h', '48 hours'],
    ['2d', '2 days'],
    ['1d', '1 day'],
    ['30m', '30 minutes'],
  ])('an offer held for %s reads "%s"', (offerTtl, words) => {
    const message = buildWaitlistEmail(DEFAULT_RACE, FROM, { ...facts, offerTtl });
    for (const part of [message.text, message.html]) expect(part).toContain(`an offer is held for ${words}.`);
  });

  it('two runners, each with their own position, name, registration and link (the kept template holds none)', () => {
    const ada = buildWaitlistEmail(DEFAULT_RACE, FROM, { ...facts, position: 3 });
    const grace = buildWaitlistEmail(DEFAULT_RACE, FROM, { ...GRACE, position: 41, offerTtl: '48h' });
    expect(ada.text).toContain('number 3.');
    expect(ada.text).toMatch(/Waitlist position:\s+3\n/);
    expect(ada.html).toContain('number <strong>3</strong>.');
    expect(grace.text).toContain('number 41.');
    expect(grace.text).toMatch(/Waitlist position:\s+41\n/);
    expect(grace.html).toContain('number <strong>41</strong>.');
    for (const part of [grace.text, grace.html]) {
      expect(part).toContain('Hi Grace,');
      expect(part).toContain(GRACE.manageUrl);
      expect(part).not.toContain(RUNNER.manageUrl);
      expect(part).not.toMatch(/number (<strong>)?3\b/);
    }
    for (const part of [ada.text, ada.html]) {
      expect(part).not.toContain('41');
      expect(part).not.toContain(GRACE.manageUrl);
    }
  });

  it('an offer time set differently is a different letter, not the first one kept', () => {
    buildWaitlistEmail(DEFAULT_RACE, FROM, facts);
    expect(buildWaitlistEmail(DEFAULT_RACE, FROM, { ...facts, offerTtl: '2d' }).text).toContain('held for 2 days.');
    expect(buildWaitlistEmail(DEFAULT_RACE, FROM, facts).text).toContain('held for 48 hours.');
  });

  it('escapes the race name in the lead', () => {
    const race: Race = { ...DEFAULT_RACE, name: 'Fun & <Games>' };
    expect(buildWaitlistEmail(race, FROM, facts).html).toContain(
      'on the waitlist for <strong>Fun &amp; &lt;Games&gt;</strong>, number <strong>12</strong>.',
    );
  });

  it('throws for a position that is not a whole number from 1, and for an offer time that is not a duration', () => {
    for (const position of [0, -1, 1.5, Number.NaN]) {
      expect(() => buildWaitlistEmail(DEFAULT_RACE, FROM, { ...facts, position })).toThrow('not a waitlist position');
    }
    expect(() => buildWaitlistEmail(DEFAULT_RACE, FROM, { ...facts, offerTtl: 'soon' })).toThrow(
      'not a duration: soon',
    );
  });
});

describe('every email to a runner', () => {
  runnerEmailSuite('waitlist-email.html', (race, from, runner) =>
    buildWaitlistEmail(race, from, { ...runner, position: 7, offerTtl: '48h' }),
  );
});
