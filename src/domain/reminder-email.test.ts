import { describe, expect, it } from 'vitest';
import { FROM, RUNNER, runnerEmailSuite } from '../../test/support/runner-email-suite.js';
import { formatRaceDate } from './email-layout.js';
import { DEFAULT_RACE, type Race } from './race.js';
import { buildReminderEmail } from './reminder-email.js';

const facts = { ...RUNNER, offset: '7d' };

describe('buildReminderEmail', () => {
  const email = buildReminderEmail(DEFAULT_RACE, FROM, facts);

  it('the text part says how long to go, the race, date, distance, start, place, registration and manage link', () => {
    expect(formatRaceDate(DEFAULT_RACE)).toMatch(/^Sunday,? 18 April 2027$/);
    expect(email.text).toBe(
      [
        'Hi Ada,',
        '',
        'Riverside Marathon 2027 starts in 7 days!',
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
        'See you at the start line.',
        '',
        '— Riverside Marathon',
        '',
      ].join('\n'),
    );
  });

  it('the HTML part says the same', () => {
    expect(email.html).toContain('<p style="margin:0 0 16px">Hi Ada,</p>');
    expect(email.html).toContain('<strong>Riverside Marathon 2027</strong> starts in 7 days!');
    const rows = [...email.html.matchAll(/<th[^>]*>([^<]*)<\/th><td[^>]*>([^<]*)<\/td>/g)].map((m) => [m[1], m[2]]);
    expect(rows).toEqual([
      ['Distance', 'Half marathon'],
      ['Date', formatRaceDate(DEFAULT_RACE)],
      ['Start time', '09:00 (Europe/Amsterdam)'],
      ['Place', 'Riverside Park'],
      ['Registration', RUNNER.registrationId],
    ]);
    expect(email.html).toContain(
      `</tbody></table>\n<p style="margin:0 0 16px">Manage your registration: <a href="${RUNNER.manageUrl}" style="color:#1d4ed8;text-decoration:underline">${RUNNER.manageUrl}</a></p>\n<p style="margin:0 0 16px">See you at the start line.</p>`,
    );
    expect(email.html).toContain('— Riverside Marathon</p>');
  });

  it.each([
    ['7d', 'in 7 days'],
    ['1d', 'tomorrow'],
    ['2d', 'in 2 days'],
    ['36h', 'in 36 hours'],
    ['1h', 'in 1 hour'],
    ['90m', 'in 90 minutes'],
    ['1m', 'in 1 minute'],
    ['30s', 'in 30 seconds'],
  ])('%s reads "%s", in the subject, the title and both parts', (offset, words) => {
    const message = buildReminderEmail(DEFAULT_RACE, FROM, { ...facts, offset });
    expect(message.subject).toBe(`Riverside Marathon 2027 starts ${words}`);
    expect(message.html).toContain(`<title>Riverside Marathon 2027 starts ${words}</title>`);
    expect(message.text).toContain(`\nRiverside Marathon 2027 starts ${words}!\n`);
    expect(message.html).toContain(`<strong>Riverside Marathon 2027</strong> starts ${words}!`);
  });

  it('the subject carries only the race name and the countdown', () => {
    const race: Race = { ...DEFAULT_RACE, name: 'Fun & <Games>' };
    expect(buildReminderEmail(race, FROM, { ...facts, firstName: 'Mallory' }).subject).toBe(
      'Fun & <Games> starts in 7 days',
    );
  });

  it('uses the runner’s distance (label and start time)', () => {
    const full = buildReminderEmail(DEFAULT_RACE, FROM, { ...facts, distance: 'full' });
    expect(full.text).toMatch(/Distance:\s+Marathon\n/);
    expect(full.text).toMatch(/Start time:\s+08:30 \(Europe\/Amsterdam\)\n/);
    expect(full.html).toMatch(/>Start time<\/th><td[^>]*>08:30 \(Europe\/Amsterdam\)<\/td>/);
  });

  it('a distance the race no longer has falls back to its id and "to be announced"', () => {
    const odd = buildReminderEmail(DEFAULT_RACE, FROM, { ...facts, distance: 'ultra' });
    expect(odd.text).toMatch(/Distance:\s+ultra\n/);
    expect(odd.text).toMatch(/Start time:\s+to be announced\n/);
  });

  it('throws for an offset that is not a duration', () => {
    expect(() => buildReminderEmail(DEFAULT_RACE, FROM, { ...facts, offset: 'soon' })).toThrow('not a duration: soon');
  });
});

describe('every email to a runner', () => {
  runnerEmailSuite('reminder-email.html', (race, from, runner) =>
    buildReminderEmail(race, from, { ...runner, offset: '7d' }),
  );
});
