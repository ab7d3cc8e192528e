import { describe, expect, it } from 'vitest';
import { FROM, RUNNER as facts, runnerEmailSuite } from '../../test/support/runner-email-suite.js';
import { buildConfirmationEmail, formatRaceDate } from './confirmation-email.js';
import { escapeHtml } from './email-layout.js';
import { DEFAULT_RACE, type Race } from './race.js';

describe('buildConfirmationEmail', () => {
  const email = buildConfirmationEmail(DEFAULT_RACE, FROM, facts);

  it('formats the race date in words', () => {
    expect(formatRaceDate(DEFAULT_RACE)).toMatch(/^Sunday,? 18 April 2027$/);
  });

  it.each(['text', 'html'] as const)('the %s part carries every fact of the registration', (part) => {
    const body = email[part];
    expect(body).toContain('Riverside Marathon 2027');
    expect(body).toContain(formatRaceDate(DEFAULT_RACE));
    expect(body).toContain('Riverside Park');
    expect(body).toContain('Ada');
    expect(body).toContain('Half marathon');
    expect(body).toContain('09:00');
    expect(body).toContain('Europe/Amsterdam');
    expect(body).toContain(facts.registrationId);
    expect(body).toContain('Riverside Marathon'); // sender name
  });

  it('uses the chosen distance (label and start time)', () => {
    const full = buildConfirmationEmail(DEFAULT_RACE, FROM, { ...facts, distance: 'full' });
    expect(full.text).toMatch(/Distance:\s+Marathon\n/);
    expect(full.html).toMatch(/>Distance<\/th><td[^>]*>Marathon<\/td>/);
    for (const part of [full.text, full.html]) {
      expect(part).toContain('08:30');
      expect(part).not.toContain('09:00');
    }
    const ten = buildConfirmationEmail(DEFAULT_RACE, FROM, { ...facts, distance: '10' });
    expect(ten.text).toContain('10 km');
    expect(ten.text).toContain('09:30');
  });

  it('an unknown distance falls back to its id and "to be announced"', () => {
    const odd = buildConfirmationEmail(DEFAULT_RACE, FROM, { ...facts, distance: 'ultra' });
    expect(odd.text).toContain('ultra');
    expect(odd.text).toContain('to be announced');
  });

  it('ends with the manage link, when the runner has one', () => {
    expect(email.text).toContain(
      `Registration:  ${facts.registrationId}\n\nManage your registration:\n${facts.manageUrl}\n\nSee you at the start line.\n`,
    );
    expect(email.html).toContain(`<a href="${facts.manageUrl}" style="color:#1d4ed8;text-decoration:underline">`);
  });

  it('without a manage link (sign-up does not pass one yet), has no such line, and keeps the other template apart', () => {
    const { manageUrl: _, ...unlinked } = facts;
    const plain = buildConfirmationEmail(DEFAULT_RACE, FROM, unlinked);
    for (const part of [plain.text, plain.html]) {
      expect(part).not.toContain('Manage your registration');
      expect(part).not.toContain('/manage/');
    }
    expect(plain.text).toContain(`Registration:  ${facts.registrationId}\n\nSee you at the start line.\n`);
    expect(plain.html).not.toContain('<a ');
    // Each kept template serves its own runners: the link's stays with the link.
    expect(buildConfirmationEmail(DEFAULT_RACE, FROM, facts)).toEqual(email);
    expect(buildConfirmationEmail(DEFAULT_RACE, FROM, unlinked)).toEqual(plain);
  });

  it('the title is the subject, escaped', () => {
    const race: Race = { ...DEFAULT_RACE, name: 'Fun & <Games>' };
    const { html } = buildConfirmationEmail(race, FROM, facts);
    expect(html).toContain('<title>You&#39;re registered for Fun &amp; &lt;Games&gt;</title>');
  });
});

describe('escapeHtml', () => {
  it('escapes the five HTML-significant characters and nothing else', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(escapeHtml('Zoë — 10 km')).toBe('Zoë — 10 km');
    expect(escapeHtml('&amp;')).toBe('&amp;amp;');
  });
});

describe('every email to a runner', () => {
  runnerEmailSuite('confirmation-email.html', buildConfirmationEmail);
});
