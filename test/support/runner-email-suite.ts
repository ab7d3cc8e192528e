// What every email to a runner must do, whichever email it is (confirmation, reminder, the waitlist's):
// escape the runner's values in HTML and keep them verbatim in text, keep them out of the subject and the
// headers, show the runner's own manage link, render the same every time, and make its HTML part a valid,
// email-client friendly HTML5 document for hostile first names and hostile race values alike. Each
// email's own test runs this suite.
import { HtmlValidate } from 'html-validate';
import { describe, expect, it } from 'vitest';
import { type EmailMessage, escapeHtml, type LinkedRunnerFacts } from '../../src/domain/email-layout.js';
import { DEFAULT_RACE, type Race } from '../../src/domain/race.js';

export const FROM = 'Riverside Marathon <race@example.com>';
export const RUNNER: LinkedRunnerFacts = {
  registrationId: '0f8d2c1e-7a4b-4c3d-9e2f-1a2b3c4d5e6f',
  firstName: 'Ada',
  email: 'ada@example.com',
  distance: 'half',
  manageUrl: 'https://race.example.com/manage/ERmBNOjOmg6QPa8Ti7p2YupnapNm7c8eWVRpCgwN3q0',
};

/** A second runner, every value of theirs different from RUNNER's. */
export const GRACE: LinkedRunnerFacts = {
  registrationId: '7c1e9a2b-3d4f-4a5b-8c6d-0e1f2a3b4c5d',
  firstName: 'Grace',
  email: 'grace@example.com',
  distance: 'half',
  manageUrl: 'https://race.example.com/manage/-FREmzZklF1VJ_17a4cYOeKNb6KcaaHiKgX051W4vpo',
};

/** Builds the email under test for a race, a sender and a runner. */
export type BuildEmail = (race: Race, from: string, runner: LinkedRunnerFacts) => EmailMessage;

export interface SuiteOptions {
  /** The subject names the runner's distance (its label, from configuration): the offer's does. */
  subjectNamesDistance?: boolean;
}

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

async function problems(html: string, filename: string): Promise<string[]> {
  const report = await validator.validateString(html, filename);
  return report.results.flatMap((result) =>
    result.messages.map((m) => `${m.ruleId} at ${m.line}:${m.column}: ${m.message}`),
  );
}

const longUnicode = `${'Zoë Ångström-Þórsdóttir '.repeat(2)}李小龍 محمد 👩🏽‍🚀🏳️‍🌈 e\u0301\u200d${'ﷺ'.repeat(20)}`.slice(
  0,
  100,
);
const FIRST_NAMES: [string, string][] = [
  ['a normal runner', 'Ada'],
  ['a <script> tag', '<script>alert(document.cookie)</script>'],
  ['quotes', `O'Brien "The Flash" \`Jr\``],
  ['ampersands and entities', 'Tom & Jerry &amp; &lt;b&gt; &#x3c;i&#x3e; &'],
  ['markup that would end the title or a comment', '</title><!-- --> ]]> <![CDATA[x]]> </body></html>'],
  ['long Unicode', longUnicode],
];

/** A letter with a deadline for Ada and one for Grace, and how each deadline is written. */
export interface TwoDeadlines {
  ada: { email: EmailMessage; deadline: string };
  grace: { email: EmailMessage; deadline: string };
}

/**
 * Each letter with a deadline carries its own runner's deadline, name and link, and none of the other's
 * (the template kept between letters holds no runner's values).
 */
export function expectOwnDeadlines({ ada, grace }: TwoDeadlines): void {
  for (const part of [grace.email.text, grace.email.html]) {
    expect(part).toContain(grace.deadline);
    expect(part).toContain('Hi Grace,');
    expect(part).toContain(GRACE.manageUrl);
    expect(part).not.toContain(ada.deadline);
    expect(part).not.toContain(RUNNER.manageUrl);
  }
  for (const part of [ada.email.text, ada.email.html]) {
    expect(part).toContain(ada.deadline);
    expect(part).not.toContain(grace.deadline);
    expect(part).not.toContain(GRACE.manageUrl);
  }
}

/** `filename` names the email in html-validate's messages. */
export function runnerEmailSuite(filename: string, build: BuildEmail, options: SuiteOptions = {}): void {
  const email = build(DEFAULT_RACE, FROM, RUNNER);

  describe('runner values', () => {
    it('addresses the message from the sender to the runner', () => {
      expect(email.from).toBe(FROM);
      expect(email.to).toBe('ada@example.com');
    });

    it('escapes <script> and quotes of the first name in HTML (the text part keeps them verbatim)', () => {
      const firstName = `<script>alert("x")</script> O'Brien & "Co"`;
      const evil = build(DEFAULT_RACE, FROM, { ...RUNNER, firstName, registrationId: 'reg-<b>-1' });
      expect(evil.html).not.toContain('<script');
      expect(evil.html).not.toContain(`O'Brien`);
      expect(evil.html).not.toContain('"Co"');
      expect(evil.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; O&#39;Brien &amp; &quot;Co&quot;');
      expect(evil.html).toContain('reg-&lt;b&gt;-1');
      expect(evil.text).toContain(`Hi ${firstName},`);
      expect(evil.text).toContain('reg-<b>-1');
    });

    it('escapes configured race values too', () => {
      const race: Race = { ...DEFAULT_RACE, name: 'Fun & <Games>', place: `Bob's "Park"` };
      const message = build(race, FROM, RUNNER);
      expect(message.html).toContain('Fun &amp; &lt;Games&gt;');
      expect(message.html).toContain('Bob&#39;s &quot;Park&quot;');
      expect(message.html).not.toContain('<Games>');
    });

    it('the subject carries no runner data and no CR/LF', () => {
      const evil = build(DEFAULT_RACE, FROM, {
        registrationId: 'reg-123-unique',
        firstName: 'Mallory\r\nBcc: victim@example.com',
        email: 'mallory@example.com',
        distance: 'half',
        manageUrl: 'https://race.example.com/manage/mallory-token',
      });
      expect(evil.subject).toContain('Riverside Marathon 2027');
      for (const userValue of ['Mallory', 'mallory@example.com', 'reg-123-unique', 'victim', 'manage', 'token']) {
        expect(evil.subject).not.toContain(userValue);
      }
      // The distance's label is configuration, but only the offer's subject names it.
      if (options.subjectNamesDistance) expect(evil.subject).toContain('Half marathon');
      else expect(evil.subject).not.toContain('Half marathon');
      expect(evil.subject).not.toMatch(/[\r\n]/);
      // Even a race name with line breaks (configuration) cannot split the header.
      const race: Race = { ...DEFAULT_RACE, name: 'Riverside\r\nBcc: victim@example.com' };
      expect(build(race, FROM, RUNNER).subject).not.toMatch(/[\r\n]/);
    });

    it('`to` and `from` cannot carry CR/LF or other control characters', () => {
      const evil = build(DEFAULT_RACE, 'Race <race@example.com>\r\nBcc: a@example.com', {
        ...RUNNER,
        email: 'ada@example.com\r\nBcc: victim@example.com\u0000',
      });
      expect(evil.to).not.toMatch(/[\r\n\u0000-\u001f\u007f]/);
      expect(evil.from).not.toMatch(/[\r\n\u0000-\u001f\u007f]/);
      expect(evil.to.startsWith('ada@example.com')).toBe(true);
    });

    it('is deterministic (every attempt sends the very same request), one runner’s values never the next’s', () => {
      expect(build(DEFAULT_RACE, FROM, RUNNER)).toEqual(email);
      const grace = build(DEFAULT_RACE, FROM, GRACE);
      for (const part of [grace.text, grace.html]) {
        expect(part).toContain('Hi Grace,');
        expect(part).toContain(GRACE.registrationId);
        expect(part).toContain(GRACE.manageUrl);
        expect(part).not.toContain('Ada');
        expect(part).not.toContain(RUNNER.registrationId);
        expect(part).not.toContain(RUNNER.manageUrl);
      }
      expect(grace.to).toBe(GRACE.email);
      // And Ada's, built again after Grace's, is still hers alone.
      expect(build(DEFAULT_RACE, FROM, RUNNER)).toEqual(email);
    });

    it('shows the runner’s manage link: in text on a line of its own, in HTML as a link', () => {
      expect(email.text).toContain(`\nManage your registration:\n${RUNNER.manageUrl}\n`);
      expect(email.html).toContain(
        `Manage your registration: <a href="${RUNNER.manageUrl}" style="color:#1d4ed8;text-decoration:underline">${RUNNER.manageUrl}</a>`,
      );
    });

    it('escapes the manage link in HTML (the text part keeps it verbatim)', () => {
      const manageUrl = "https://race.example.com/manage/x\"><script>alert(1)</script>&y='z'";
      const evil = build(DEFAULT_RACE, FROM, { ...RUNNER, manageUrl });
      expect(evil.html).not.toContain('<script');
      const escaped =
        'https://race.example.com/manage/x&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;y=&#39;z&#39;';
      expect(evil.html).toContain(
        `<a href="${escaped}" style="color:#1d4ed8;text-decoration:underline">${escaped}</a>`,
      );
      expect(evil.text).toContain(`\n${manageUrl}\n`);
    });
  });

  describe('the HTML part is a valid HTML5 document', () => {
    it('has zero errors for a hostile manage link, escaped', async () => {
      const manageUrl = 'https://race.example.com/manage/"></a><a href=javascript:alert(1)>&amp;';
      expect(await problems(build(DEFAULT_RACE, FROM, { ...RUNNER, manageUrl }).html, filename)).toEqual([]);
    });

    it.each(FIRST_NAMES)('has zero errors for %s, with the name escaped', async (_case, firstName) => {
      const message = build(DEFAULT_RACE, FROM, { ...RUNNER, firstName });
      expect(await problems(message.html, filename)).toEqual([]);
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
      const message = build(race, FROM, RUNNER);
      expect(await problems(message.html, filename)).toEqual([]);
      expect(message.html).not.toMatch(/<(b|img|Games)\b/);
    });

    it('declares doctype, language, charset, viewport and a title (the escaped subject)', () => {
      const race: Race = { ...DEFAULT_RACE, name: 'Fun & <Games>' };
      const { html, subject } = build(race, FROM, RUNNER);
      expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n')).toBe(true);
      expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
      expect(html).toContain(`<title>${escapeHtml(subject)}</title>`);
      expect(subject).toContain('Fun & <Games>');
      expect(html.trimEnd().endsWith('</body>\n</html>')).toBe(true);
    });

    it('stays email-client friendly: presentation layout tables, inline styles, nothing external, no script', () => {
      expect(email.html.match(/<table role="presentation"/g)).toHaveLength(2);
      expect(email.html).toMatch(/<th scope="row"[^>]*>Distance<\/th>/);
      for (const absent of ['<script', '<link', '<style', 'class=', 'http://', 'src=']) {
        expect(email.html).not.toContain(absent);
      }
      // The one URL is the manage link (its href and its text), the one link.
      expect(email.html.match(/https:\/\/[^"<\s]*/g)).toEqual([RUNNER.manageUrl, RUNNER.manageUrl]);
      expect(email.html.match(/<a\b/g)).toHaveLength(1);
    });
  });
}
