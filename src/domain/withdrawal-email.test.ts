import { describe, expect, it } from 'vitest';
import { FROM, GRACE, RUNNER, runnerEmailSuite } from '../../test/support/runner-email-suite.js';
import { formatRaceDate } from './email-layout.js';
import { DEFAULT_RACE, type Race } from './race.js';
import { buildWithdrawalEmail, type WithdrawalFacts } from './withdrawal-email.js';

const facts: WithdrawalFacts = { ...RUNNER, was: 'registered' };

const LEADS = {
  registered: 'You have withdrawn from Riverside Marathon 2027, and your place has been released.',
  waitlisted: 'You have left the waitlist for Riverside Marathon 2027: you will not be offered a place.',
  offered: 'You have declined the place you were offered at Riverside Marathon 2027, and left its waitlist.',
} as const;

describe('buildWithdrawalEmail', () => {
  const email = buildWithdrawalEmail(DEFAULT_RACE, FROM, facts);

  it('the text part says the runner withdrew, the facts and the manage link', () => {
    expect(email.text).toBe(
      [
        'Hi Ada,',
        '',
        LEADS.registered,
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
        'Thank you for letting us know.',
        '',
        '— Riverside Marathon',
        '',
      ].join('\n'),
    );
  });

  it.each(Object.entries(LEADS) as [WithdrawalFacts['was'], string][])(
    'from %s: the same subject, and its own lead in both parts',
    (was, lead) => {
      const message = buildWithdrawalEmail(DEFAULT_RACE, FROM, { ...facts, was });
      expect(message.subject).toBe('You have withdrawn from Riverside Marathon 2027');
      expect(message.text).toContain(`\n${lead}\n`);
      const [before, after] = lead.split('Riverside Marathon 2027');
      expect(message.html).toContain(
        `<p style="margin:0 0 16px">${before}<strong>Riverside Marathon 2027</strong>${after}</p>`,
      );
      for (const [other, otherLead] of Object.entries(LEADS)) {
        if (other !== was) expect(message.text).not.toContain(otherLead);
      }
    },
  );

  it('two runners, each with their own name, registration and link', () => {
    const grace = buildWithdrawalEmail(DEFAULT_RACE, FROM, { ...GRACE, was: 'registered' });
    for (const part of [grace.text, grace.html]) {
      expect(part).toContain('Hi Grace,');
      expect(part).toContain(GRACE.manageUrl);
      expect(part).not.toContain(RUNNER.manageUrl);
    }
    expect(buildWithdrawalEmail(DEFAULT_RACE, FROM, facts)).toEqual(email);
  });

  it('escapes the race name in the lead', () => {
    const race: Race = { ...DEFAULT_RACE, name: 'Fun & <Games>' };
    expect(buildWithdrawalEmail(race, FROM, { ...facts, was: 'waitlisted' }).html).toContain(
      'You have left the waitlist for <strong>Fun &amp; &lt;Games&gt;</strong>: you will',
    );
  });

  it('throws for anything else withdrawn from', () => {
    for (const was of ['cancelled', 'toString', '__proto__']) {
      expect(() => buildWithdrawalEmail(DEFAULT_RACE, FROM, { ...facts, was: was as WithdrawalFacts['was'] })).toThrow(
        `not a withdrawal: ${was}`,
      );
    }
  });
});

describe.each(['registered', 'waitlisted', 'offered'] as const)('every email to a runner (withdrawn: %s)', (was) => {
  runnerEmailSuite(`withdrawal-email-${was}.html`, (race, from, runner) =>
    buildWithdrawalEmail(race, from, { ...runner, was }),
  );
});
