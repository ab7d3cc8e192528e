// The pages as HTML strings: no inline style or script anywhere, input escaped, errors wired to their
// fields, sold-out distances disabled, emails sandboxed. (The browser tests in test/e2e drive them.)
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildConfirmationEmail } from '../../domain/confirmation-email.js';
import { DEFAULT_RACE } from '../../domain/race.js';
import { validateRegistration } from '../../domain/registration.js';
import { EMAIL_DELIVERY_STATUSES } from '../../ports/email-delivery.js';
import { AdminDashboardPage } from './admin/dashboard.js';
import { DevMailPage, devMailFrameStyles } from './dev-mail.js';
import { estimateEmailHeight } from './email-height.js';
import { deliveryWords } from './format.js';
import { ResendConfirmationPage } from './resend-confirmation.js';
import { problemsToErrors, SignUpPage } from './sign-up.js';

/** The stylesheet the pages link (/assets/app.css). */
const APP_CSS = readFileSync(new URL('../../../public/assets/app.css', import.meta.url), 'utf8');

const site = { name: DEFAULT_RACE.name, devMailbox: true, devMode: true };

async function html(node: unknown): Promise<string> {
  return String(await (node as { toString(): string | Promise<string> }).toString());
}

function expectNoInlineCode(page: string) {
  expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
  expect(page).not.toMatch(/<script|<style|\sstyle=|\son[a-z]+=/i);
  expect(page).toContain('<link rel="stylesheet" href="/assets/app.css"/>');
}

describe('sign-up page', () => {
  it('turns the validator’s problems into one sentence per field', () => {
    const result = validateRegistration(DEFAULT_RACE, { firstName: ' ', lastName: 'L', email: 'x@y', address: 'a' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(problemsToErrors(result.problems)).toEqual({
      firstName: 'Enter your first name',
      email: 'Enter an email address like name@example.com',
      distance: 'Choose a distance',
    });
    const tooLong = validateRegistration(DEFAULT_RACE, {
      firstName: 'x'.repeat(101),
      lastName: 'L',
      email: 'a@b.co',
      address: 'a',
      distance: 'ultra',
    });
    if (tooLong.ok) throw new Error('expected problems');
    expect(problemsToErrors(tooLong.problems)).toEqual({
      firstName: 'First name must be at most 100 characters',
      distance: 'Distance must be one of: 10, half, full',
    });
  });

  it('renders without inline code, escapes the input, wires each error to its field', async () => {
    const page = await html(
      SignUpPage({
        site,
        race: DEFAULT_RACE,
        taken: { full: 2000, half: 2995 },
        values: { firstName: '"><script>alert(1)</script>', email: 'x@y', distance: 'full' },
        errors: { email: 'Enter an email address like name@example.com', distance: 'Choose a distance' },
      }),
    );
    expectNoInlineCode(page);
    expect(page).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(page).toMatch(
      /<input type="email" id="email"[^>]* aria-invalid="true" aria-describedby="email-hint email-error"/,
    );
    expect(page).toContain('id="email-error"');
    expect(page).toMatch(/<fieldset id="distance" aria-invalid="true" aria-describedby="distance-error">/);
    expect(page).not.toMatch(/id="firstName"[^>]*aria-invalid/);
    // The full marathon is sold out: disabled and not checked even though it was chosen.
    expect(page).toMatch(/<input type="radio" id="distance-full" name="distance" value="full" disabled=""/);
    expect(page).toContain('Sold out');
    expect(page).toContain('5 places left');
    expect(page).toContain('There are 2 problems');
  });
});

describe('sign-up page after "already registered"', () => {
  it('offers the confirmation again: a button beside the error, submitting a form of its own with the address', async () => {
    const page = await html(
      SignUpPage({
        site,
        race: DEFAULT_RACE,
        taken: {},
        values: { firstName: 'Ada', email: 'ada"<b>@example.com' },
        errors: { email: 'This email address is already registered for Riverside Marathon 2027.' },
        resendFor: 'ada"<b>@example.com',
      }),
    );
    expectNoInlineCode(page);
    const field = page.slice(page.indexOf('<label for="email"'), page.indexOf('<label for="address"'));
    expect(field).toContain(
      '<button type="submit" form="resend-confirmation" class="button secondary small">Send me my confirmation again</button>',
    );
    // The sign-up form's own button comes first in it: Enter in a field still registers.
    const signUpForm = page.slice(page.indexOf('<form class="stack"'), page.indexOf('</form>'));
    expect(signUpForm.match(/<button type="submit"(?! form=)/g)).toHaveLength(1);
    // The re-send form is outside the sign-up form (forms do not nest), carrying the address escaped.
    expect(page.slice(page.indexOf('</form>'))).toContain(
      '<form id="resend-confirmation" method="post" action="/resend-confirmation"><input type="hidden" name="email" value="ada&quot;&lt;b&gt;@example.com"/></form>',
    );
    // Without an address to offer, none of it.
    const plain = await html(SignUpPage({ site, race: DEFAULT_RACE, taken: {} }));
    expect(plain).not.toContain('resend-confirmation');
  });

  it('the page after a re-send says the same for any address, naming it only when given', async () => {
    const named = await html(
      ResendConfirmationPage({ site, race: DEFAULT_RACE, email: '<i>ada</i>@example.com', windowMinutes: 10 }),
    );
    expectNoInlineCode(named);
    expect(named).toContain(
      'If <strong class="address">&lt;i&gt;ada&lt;/i&gt;@example.com</strong> is registered for Riverside Marathon 2027, we&#39;ve sent its confirmation again.',
    );
    expect(named).toContain('at most once every 10 minutes');
    const unnamed = await html(ResendConfirmationPage({ site, race: DEFAULT_RACE, windowMinutes: 10 }));
    expect(unnamed).toContain('If the address is registered for Riverside Marathon 2027');
  });
});

describe('delivery status in words', () => {
  it.each([
    ['sent', undefined, 'Sent'],
    ['sending', 1, 'Sending'],
    ['pending', 0, 'Sending'],
    ['pending', 2, 'Retrying'],
    ['pending', undefined, 'Retrying'],
    ['failed', 10, 'Failed'],
    ['not_tracked', undefined, 'Not tracked'],
  ] as const)('%s (attempts %s) → %s', (status, attempts, label) => {
    expect(deliveryWords(status, attempts).label).toBe(label);
  });

  it("the badge's tone is the API's word, and has a style: `retrying` only for a pending retry", () => {
    for (const status of EMAIL_DELIVERY_STATUSES) {
      const { tone } = deliveryWords(status, 1);
      expect(tone).toBe(status === 'pending' ? 'retrying' : status);
      expect(APP_CSS).toContain(`.badge.${tone}{`);
    }
    expect(deliveryWords('pending', 0).tone).toBe('sending');
  });
});

describe('dev mailbox page', () => {
  const id = '0b6f1c1e-8a57-4e0c-9b2f-3f4d5e6a7b8c';
  const confirmation = buildConfirmationEmail(DEFAULT_RACE, 'Marathon <onboarding@resend.dev>', {
    registrationId: id,
    firstName: 'Ada',
    email: 'ada@example.com',
    distance: 'half',
  });

  it('frames each email’s HTML, served alone, in a sandboxed iframe sized by its stylesheet, above its text part', async () => {
    const page = await html(
      DevMailPage({
        site,
        messages: [
          {
            id,
            idempotencyKey: 'k1',
            from: 'Marathon <onboarding@resend.dev>',
            to: 'ada@example.com',
            subject: "You're registered",
            html: '<p style="color:red">Hi <b>Ada</b></p><script>alert(1)</script>',
            text: 'Hi Ada',
            createdAt: new Date('2027-04-18T08:30:00Z'),
          },
        ],
      }),
    );
    expectNoInlineCode(page);
    // The email's HTML is not in the page at all: the frame loads it from its own URL.
    expect(page).not.toContain('Hi <b>Ada');
    expect(page).not.toContain('srcdoc');
    expect(page).toContain(
      `<iframe id="frame-${id}" class="mail-frame" title="HTML part of &quot;You&#39;re registered&quot; to ada@example.com" sandbox="" src="/dev/mail/${id}" loading="lazy">`,
    );
    expect(page).toMatch(new RegExp(`<a href="/dev/mail/${id}">Open alone at full size<span class="visually-hidden">`));
    expect(page).toContain('<link rel="stylesheet" href="/dev/mail/frames.css"/>');
    expect(page).toContain('<pre>Hi Ada</pre>');
    expect(page).toContain('2027-04-18 08:30 UTC');
  });

  it('links no frames stylesheet when the mailbox is empty', async () => {
    expect(await html(DevMailPage({ site, messages: [] }))).not.toContain('frames.css');
  });

  it('sizes each frame per layout band, taller as the frame narrows', () => {
    const css = devMailFrameStyles([
      { id, html: confirmation.html },
      { id: 'not-a-uuid{}', html: confirmation.html },
    ]);
    const heights = [...css.matchAll(new RegExp(`#frame-${id}\\{height:(\\d+)px\\}`, 'g'))].map((m) => Number(m[1]));
    expect(heights).toHaveLength(4);
    for (let i = 1; i < heights.length; i++) expect(heights[i]).toBeGreaterThan(heights[i - 1] ?? 0);
    for (const band of ['44rem', '30rem', '22.5rem']) expect(css).toContain(`@media (max-width:${band}){`);
    // Only uuids reach the stylesheet.
    expect(css).not.toContain('not-a-uuid');
    // The frame's fallback height, when a message is missing from the stylesheet.
    expect(APP_CSS).toMatch(/\.mail-frame\{[^}]*height:32rem/);
  });

  it('estimates an email’s height from its text, its rows and the frame’s width', () => {
    // Chromium renders this confirmation 432 px tall in a frame 584 px wide or more (the card's 560 px
    // fit), 504 px at 392 and 960 px at 247 (test/e2e/sign-up.browser.test.ts measures the real frames).
    const at = (width: number) => estimateEmailHeight(confirmation.html, width);
    expect(at(584)).toBeGreaterThanOrEqual(432);
    expect(at(584)).toBeLessThanOrEqual(432 * 1.25);
    expect(at(1000)).toBe(at(584));
    expect(at(392)).toBeGreaterThanOrEqual(504);
    expect(at(247)).toBeGreaterThan(at(392));
    // More text, more height; a longer label/value row too.
    const longer = confirmation.html.replace('Hi Ada,', `Hi ${'Ada '.repeat(40)},`);
    expect(estimateEmailHeight(longer, 584)).toBeGreaterThan(at(584));
    // Not an email at all: still a sane height.
    expect(estimateEmailHeight('', 584)).toBeGreaterThan(0);
    expect(estimateEmailHeight('plain text, no tags', 584)).toBeGreaterThan(estimateEmailHeight('', 584));
  });
});

describe('admin dashboard', () => {
  it('shows each dead letter with its kind, key, priority and when it was last due; counts cancelled tasks', async () => {
    const page = await html(
      AdminDashboardPage({
        site,
        race: DEFAULT_RACE,
        places: {
          '10': { cap: 2000, taken: 0, offersOpen: 0, waitlistLength: 0 },
          half: { cap: 3000, taken: 3, offersOpen: 0, waitlistLength: 0 },
          full: { cap: 2000, taken: 0, offersOpen: 0, waitlistLength: 0 },
        },
        taskCounts: { pending: 1, running: 0, succeeded: 5, dead: 1, cancelled: 2 },
        deliveries: { sent: 0, delayed: 0, delivered: 4, failed: 0, suppressed: 0, bounced: 2, complained: 0 },
        registrations: [],
        filters: {},
        nextPage: null,
        paged: false,
        csvHref: '/api/admin/registrations.csv',
        deadLetters: [
          {
            id: '0f8c1d2e-3b4a-4c5d-8e9f-a0b1c2d3e4f5',
            kind: 'send-reminder-email',
            key: 'reminder:<b>1</b>',
            priority: 10,
            status: 'dead',
            attempts: 3,
            maxAttempts: 3,
            runAt: new Date('2027-04-17T07:00:00Z'),
            leaseExpiresAt: null,
            lastError: 'PermanentError: validation_error',
            registrationId: null,
            createdAt: new Date('2027-04-16T07:00:00Z'),
            updatedAt: new Date('2027-04-17T07:00:02Z'),
            attemptsLog: [],
          },
        ],
      }),
    );
    expectNoInlineCode(page);
    const row = page.slice(page.indexOf('<tbody>'), page.indexOf('</tbody>'));
    for (const cell of [
      'send-reminder-email',
      'reminder:&lt;b&gt;1&lt;/b&gt;',
      '<td>10</td>',
      '2027-04-17 07:00 UTC',
    ]) {
      expect(row).toContain(cell);
    }
    expect(page).toMatch(/<span class="label">Cancelled<\/span><span class="value">2<\/span>/);
    // Registrations by their confirmation's delivery, each a link to them; a bounce is a warning.
    expect(page).toMatch(
      /<li class="stat danger"><span class="label">Bounced<\/span><span class="value"><a href="\/admin\?delivery=bounced#registrations" data-delivery="bounced">2<\/a>/,
    );
    expect(page).toContain('<a href="/admin?delivery=complained#registrations" data-delivery="complained">0</a>');
  });
});
