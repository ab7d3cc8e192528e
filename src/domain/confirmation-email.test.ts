import { HtmlValidate } from 'html-validate';
import { describe, expect, it } from 'vitest';
import { buildConfirmationEmail, escapeHtml, formatRaceDate } from './confirmation-email.js';
import { DEFAULT_RACE, type Race } from './race.js';

const FROM = 'Riverside Marathon <race@example.com>';
const facts = {
  registrationId: '0f8d2c1e-7a4b-4c3d-9e2f-1a2b3c4d5e6f',
  firstName: 'Ada',
  email: 'ada@example.com',
  distance: 'half',
};

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

  it('addresses the message from the sender to the runner', () => {
    expect(email.from).toBe(FROM);
    expect(email.to).toBe('ada@example.com');
  });

  it('escapes <script> and quotes of the first name in HTML (the text part keeps them verbatim)', () => {
    const firstName = `<script>alert("x")</script> O'Brien & "Co"`;
    const evil = buildConfirmationEmail(DEFAULT_RACE, FROM, { ...facts, firstName });
    expect(evil.html).not.toContain('<script');
    expect(evil.html).not.toContain(`O'Brien`);
    expect(evil.html).not.toContain('"Co"');
    expect(evil.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; O&#39;Brien &amp; &quot;Co&quot;');
    expect(evil.text).toContain(`Hi ${firstName},`);
  });

  it('escapes configured race values too', () => {
    const race: Race = { ...DEFAULT_RACE, name: 'Fun & <Games>', place: `Bob's "Park"` };
    const message = buildConfirmationEmail(race, FROM, facts);
    expect(message.html).toContain('Fun &amp; &lt;Games&gt;');
    expect(message.html).toContain('Bob&#39;s &quot;Park&quot;');
    expect(message.html).not.toContain('<Games>');
  });

  it('the subject carries no user data and no CR/LF', () => {
    const evil = buildConfirmationEmail(DEFAULT_RACE, FROM, {
      registrationId: 'reg-123-unique',
      firstName: 'Mallory\r\nBcc: victim@example.com',
      email: 'mallory@example.com',
      distance: 'half',
    });
    expect(evil.subject).toContain('Riverside Marathon 2027');
    for (const userValue of ['Mallory', 'mallory@example.com', 'reg-123-unique', 'victim', 'Half marathon']) {
      expect(evil.subject).not.toContain(userValue);
    }
    expect(evil.subject).not.toMatch(/[\r\n]/);
    // Even a race name with line breaks (configuration) cannot split the header.
    const race: Race = { ...DEFAULT_RACE, name: 'Riverside\r\nBcc: victim@example.com' };
    expect(buildConfirmationEmail(race, FROM, facts).subject).not.toMatch(/[\r\n]/);
  });

  it('`to` and `from` cannot carry CR/LF or other control characters', () => {
    const evil = buildConfirmationEmail(DEFAULT_RACE, 'Race <race@example.com>\r\nBcc: a@example.com', {
      ...facts,
      email: 'ada@example.com\r\nBcc: victim@example.com\u0000',
    });
    expect(evil.to).not.toMatch(/[\r\n\u0000-\u001f\u007f]/);
    expect(evil.from).not.toMatch(/[\r\n\u0000-\u001f\u007f]/);
    expect(evil.to.startsWith('ada@example.com')).toBe(true);
  });

  it('is deterministic (every attempt sends the very same request)', () => {
    expect(buildConfirmationEmail(DEFAULT_RACE, FROM, facts)).toEqual(email);
  });
});

describe('escapeHtml', () => {
  it('escapes the five HTML-significant characters and nothing else', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(escapeHtml('Zoë — 10 km')).toBe('Zoë — 10 km');
    expect(escapeHtml('&amp;')).toBe('&amp;amp;');
  });
});

describe('the HTML part is a valid HTML5 document', () => {
  const validator = new HtmlValidate({
    extends: ['html-validate:recommended', 'html-validate:document'],
    rules: {
      // Mail clients drop <style> blocks and never load stylesheets: inline styles are how email is styled.
      'no-inline-style': 'off',
      // The title is the email's subject, as long as the configured race name makes it; the 70-character
      // advice is about search-result snippets, which an email never appears in.
      'long-title': 'off',
    },
  });

  async function problems(html: string): Promise<string[]> {
    const report = await validator.validateString(html, 'confirmation-email.html');
    return report.results.flatMap((result) =>
      result.messages.map((m) => `${m.ruleId} at ${m.line}:${m.column}: ${m.message}`),
    );
  }

  const longUnicode =
    `${'Zoë Ångström-Þórsdóttir '.repeat(2)}李小龍 محمد 👩🏽‍🚀🏳️‍🌈 e\u0301\u200d${'ﷺ'.repeat(20)}`.slice(0, 100);
  const names: [string, string][] = [
    ['a normal runner', 'Ada'],
    ['a <script> tag', '<script>alert(document.cookie)</script>'],
    ['quotes', `O'Brien "The Flash" \`Jr\``],
    ['ampersands and entities', 'Tom & Jerry &amp; &lt;b&gt; &#x3c;i&#x3e; &'],
    ['markup that would end the title or a comment', '</title><!-- --> ]]> <![CDATA[x]]> </body></html>'],
    ['long Unicode', longUnicode],
  ];

  it.each(names)('has zero errors for %s, with the name escaped', async (_case, firstName) => {
    const message = buildConfirmationEmail(DEFAULT_RACE, FROM, { ...facts, firstName });
    expect(await problems(message.html)).toEqual([]);
    expect(message.html).toContain(`<p style="margin:0 0 16px">Hi ${escapeHtml(firstName)},</p>`);
    expect(message.subject).not.toContain(firstName);
  });

  it('has zero errors for hostile configured race values too', async () => {
    const race: Race = {
      ...DEFAULT_RACE,
      name: `Fun & <Games> "2027" </title>`,
      place: `Bob's <b>Park</b>`,
      senderName: '<img src=x onerror=alert(1)>',
    };
    const message = buildConfirmationEmail(race, FROM, facts);
    expect(await problems(message.html)).toEqual([]);
    expect(message.html).not.toMatch(/<(b|img|Games)\b/);
  });

  it('declares doctype, language, charset, viewport and a title (the escaped subject)', () => {
    const race: Race = { ...DEFAULT_RACE, name: 'Fun & <Games>' };
    const { html, subject } = buildConfirmationEmail(race, FROM, facts);
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n')).toBe(true);
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).toContain(`<title>${escapeHtml(subject)}</title>`);
    expect(html).toContain('<title>You&#39;re registered for Fun &amp; &lt;Games&gt;</title>');
    expect(html.trimEnd().endsWith('</body>\n</html>')).toBe(true);
  });

  it('stays email-client friendly: presentation layout tables, inline styles, nothing external, no script', () => {
    const { html } = buildConfirmationEmail(DEFAULT_RACE, FROM, facts);
    expect(html.match(/<table role="presentation"/g)).toHaveLength(2);
    expect(html).toMatch(/<th scope="row"[^>]*>Distance<\/th>/);
    for (const absent of ['<script', '<link', '<style', 'class=', 'http://', 'https://', 'src=']) {
      expect(html).not.toContain(absent);
    }
  });
});
