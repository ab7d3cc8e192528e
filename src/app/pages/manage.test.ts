// The runner's pages as HTML strings (the manage page, its "are you sure?" step, its form for another
// address, the confirmation page by status and its delivery, the sign-up page on a race with a waitlist): what each says, the forms they post, no
// inline code, input escaped, and valid HTML (html-validate). The browser test in
// test/e2e/manage.browser.test.ts drives them without JavaScript.
import { readFileSync } from 'node:fs';
import { HtmlValidate } from 'html-validate';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RACE, type Race } from '../../domain/race.js';
import type { Registration, RegistrationStatus, RegistrationWithDelivery } from '../../ports/store.js';
import { maskEmail } from './address-fix.js';
import { ConfirmationPage } from './confirmation.js';
import {
  confirmationFor,
  isManageNotice,
  MANAGE_NOTICES,
  ManageConfirmPage,
  ManagePage,
  manageNoticeText,
} from './manage.js';
import { SignUpPage } from './sign-up.js';

/** The stylesheet the pages link (/assets/app.css). */
const APP_CSS = readFileSync(new URL('../../../public/assets/app.css', import.meta.url), 'utf8');
const site = { name: DEFAULT_RACE.name, devMailbox: false, devMode: false };
const race: Race = { ...DEFAULT_RACE, waitlist: { offerTtl: '48h' } };
const TOKEN = 'Ab-_0123456789abcdefghijklmnopqrstuvwxyzABC';
const path = `/manage/${TOKEN}`;
const now = new Date('2027-03-01T10:00:00Z');
// 14:30 in Amsterdam (UTC+1 in early March).
const deadline = new Date('2027-03-02T13:30:00Z');

function registration(status: RegistrationStatus, overrides: Partial<Registration> = {}): Registration {
  return {
    id: '0b6f1c1e-8a57-4e0c-9b2f-3f4d5e6a7b8c',
    raceId: race.id,
    firstName: 'Ada',
    lastName: 'Lovelace',
    email: 'ada@example.com',
    address: '1 Analytical Way',
    distance: 'half',
    strategy: 'outbox',
    createdAt: new Date('2027-02-01T10:00:00Z'),
    status,
    position: status === 'waitlisted' ? 3 : null,
    holdExpiresAt: status === 'offered' || status === 'expired' ? deadline : null,
    ...overrides,
  };
}

async function html(node: unknown): Promise<string> {
  return String(await (node as { toString(): string | Promise<string> }).toString());
}

/** The page's text, tags dropped and spaces collapsed: what a reader reads. */
function text(page: string): string {
  return page
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ');
}

const validator = new HtmlValidate({
  extends: ['html-validate:recommended', 'html-validate:document'],
  rules: {
    // How Hono's JSX writes them (`<meta …/>`, `required=""`): style, both valid HTML.
    'void-style': ['error', { style: 'selfclose' }],
    'attribute-boolean-style': ['error', { style: 'empty' }],
    // The one stylesheet is our own (/assets/app.css; the CSP allows 'self' only): nothing to pin.
    'require-sri': 'off',
    // The sign-up page's distance choices wrap their radio and name it too (`for`): redundant, harmless.
    'no-redundant-for': 'off',
  },
});

async function expectValid(page: string, name: string) {
  expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
  expect(page).not.toMatch(/<script|<style|\sstyle=|\son[a-z]+=/i);
  const report = await validator.validateString(page, name);
  const problems = report.results.flatMap((r) => r.messages.map((m) => `${m.ruleId}: ${m.message}`));
  expect(problems, name).toEqual([]);
}

/** The forms of a page: where each posts and its button's words. */
function forms(page: string): { action: string; button: string }[] {
  return [
    ...page.matchAll(/<form method="post" action="([^"]*)"><button type="submit" class="[^"]*">([^<]*)<\/button>/g),
  ].map((m) => ({ action: m[1] ?? '', button: m[2] ?? '' }));
}

const manage = (r: Registration, extra: { notice?: (typeof MANAGE_NOTICES)[number]; now?: Date } = {}) =>
  html(ManagePage({ site, race, registration: r, path, now: extra.now ?? now, notice: extra.notice }));

describe('the manage page, by status', () => {
  it('registered: the distance and a Withdraw link to the confirmation step, no form posting at once', async () => {
    const page = await manage(registration('registered'));
    await expectValid(page, 'manage-registered');
    expect(text(page)).toContain("You're registered, Ada");
    expect(text(page)).toContain('Your place in Half marathon at Riverside Marathon 2027 is confirmed.');
    expect(text(page)).toContain('goes to the next runner on the waitlist.');
    expect(page).toContain(`<a class="button secondary" href="${path}/withdraw">Withdraw</a>`);
    expect(forms(page)).toEqual([]);
    expect(text(page)).toContain('Registered');
  });

  it('waitlisted: their number, how offers work, and "Leave the waitlist"', async () => {
    const page = await manage(registration('waitlisted'));
    await expectValid(page, 'manage-waitlisted');
    expect(text(page)).toContain("You're on the waitlist, number 3");
    expect(text(page)).toContain('an offer is held for 48 hours');
    expect(page).toContain(`<a class="button secondary" href="${path}/withdraw">Leave the waitlist</a>`);
    expect(forms(page)).toEqual([]);
  });

  it('offered: the deadline on the race’s clock, "Accept the place" posting at once, "Decline" via the confirmation step', async () => {
    const page = await manage(registration('offered'));
    await expectValid(page, 'manage-offered');
    expect(text(page)).toContain('A place is yours if you want it, Ada');
    expect(page).toContain('until <strong>Tuesday 2 March 2027, 14:30 (Europe/Amsterdam)</strong>');
    expect(forms(page)).toEqual([{ action: `${path}/accept`, button: 'Accept the place' }]);
    expect(page).toContain(`<a class="button secondary" href="${path}/decline">Decline</a>`);
  });

  it('pending verification: the hold\'s deadline, "Confirm my place" posting at once, and Withdraw', async () => {
    const page = await manage(registration('pending_verification', { holdExpiresAt: deadline }));
    await expectValid(page, 'manage-pending-verification');
    expect(text(page)).toContain('Your place is held, Ada');
    expect(forms(page)).toEqual([{ action: `${path}/verify`, button: 'Confirm my place' }]);
    expect(page).toContain(`<a class="button secondary" href="${path}/withdraw">Withdraw</a>`);
  });

  it('offered past its deadline (the expiry not yet run): says it is passing on, offers nothing', async () => {
    const page = await manage(registration('offered'), { now: new Date(deadline.getTime() + 1000) });
    await expectValid(page, 'manage-offered-late');
    expect(text(page)).toContain('The offer has run out');
    expect(forms(page)).toEqual([]);
    expect(page).not.toContain(`${path}/decline`);
  });

  it('withdrawn and expired: what happened, and no action left', async () => {
    const withdrawn = await manage(registration('withdrawn'));
    await expectValid(withdrawn, 'manage-withdrawn');
    expect(text(withdrawn)).toContain('You have withdrawn');
    expect(text(withdrawn)).toContain('This registration is closed');
    const expired = await manage(registration('expired'));
    await expectValid(expired, 'manage-expired');
    expect(text(expired)).toContain('Your offer has expired');
    expect(text(expired)).toContain('was not accepted in time (by Tuesday 2 March 2027, 14:30 (Europe/Amsterdam))');
    for (const page of [withdrawn, expired]) {
      expect(forms(page)).toEqual([]);
      expect(page).not.toContain(`${path}/`);
    }
  });

  it('escapes the runner’s name', async () => {
    const page = await manage(registration('registered', { firstName: '<script>x</script>', lastName: '"&' }));
    expect(page).not.toContain('<script>x');
    expect(page).toContain('&lt;script&gt;x&lt;/script&gt;');
  });
});

describe('the manage page’s notices', () => {
  it('come from a fixed list: anything else is no notice', () => {
    for (const code of MANAGE_NOTICES) expect(isManageNotice(code)).toBe(true);
    for (const code of [undefined, '', 'Withdrawn', 'withdrawn ', '<b>', 'toString', 'constructor']) {
      expect(isManageNotice(code), String(code)).toBe(false);
    }
  });

  it('are shown in a status region, toned by what they say', async () => {
    const page = await manage(registration('withdrawn'), { notice: 'withdrawn' });
    await expectValid(page, 'manage-notice');
    expect(page).toContain(
      '<div class="alert ok" role="status"><p>You have withdrawn from Riverside Marathon 2027. An email confirming it is on its way.</p></div>',
    );
    const late = await manage(registration('expired'), { notice: 'offer-expired' });
    expect(late).toContain('<div class="alert error" role="status"><p>Too late: the offer ran out');
    expect(manageNoticeText('not-offered', race).tone).toBe('error');
    for (const tone of ['ok', 'error']) expect(APP_CSS).toContain(`.alert.${tone}{`);
  });
});

describe('the manage page when the confirmation could not reach the runner', () => {
  const bounced: RegistrationWithDelivery['email'] = { status: 'sent', attempts: 1, sentAt: now, delivery: 'bounced' };
  const withEmail = (
    r: Registration,
    email: RegistrationWithDelivery['email'],
    notice?: (typeof MANAGE_NOTICES)[number],
  ) => html(ManagePage({ site, race, registration: r, path, now, email, notice }));

  it('masks the address: its first character, then the domain', () => {
    expect(maskEmail('ada@example.com')).toBe('a…@example.com');
    expect(maskEmail('Émile.Zola@Example.ORG')).toBe('É…@Example.ORG');
    expect(maskEmail('😀x@example.com')).toBe('😀…@example.com');
  });

  it('says so, with the address masked, and a labelled form posting another one', async () => {
    const page = await withEmail(registration('registered'), bounced);
    await expectValid(page, 'manage-bounced');
    expect(text(page)).toContain('We could not reach you at a…@example.com');
    expect(text(page)).toContain('Bounced — your mail server refused it.');
    expect(page).toContain(`<form method="post" action="${path}/email" class="stack">`);
    expect(page).toContain('<label for="new-email">Your correct address</label>');
    expect(page).not.toContain('ada@example.com');
    expect(page).not.toContain('aria-invalid');
    for (const cls of ['.error-message{', '.field label', 'form.stack']) expect(APP_CSS).toContain(cls);
  });

  it('a refused address is said at the field, not at the top', async () => {
    const page = await withEmail(registration('registered'), bounced, 'email-unreachable');
    await expectValid(page, 'manage-bounced-refused');
    expect(page).toContain('aria-invalid="true" aria-describedby="new-email-error"');
    expect(page).toContain(
      '<span class="error-message" id="new-email-error">We could not reach this address before; use another.</span>',
    );
    expect(page).not.toContain('role="status"');
    // Without the form (nothing to fix), the same notice is at the top.
    const delivered = await withEmail(registration('registered'), { ...bounced, delivery: 'delivered' }, 'email-taken');
    expect(delivered).toContain('<div class="alert error" role="status"><p>That address is already registered');
    expect(text(delivered)).toContain('Confirmation email Delivered to your inbox');
  });
});

describe('the confirmation step', () => {
  it('asks what the status gives up, posts the action, and leads back', async () => {
    const cases = [
      [
        'registered',
        'withdraw',
        'Withdraw from Riverside Marathon 2027?',
        'withdraw',
        'Yes, withdraw',
        'No, keep my place',
      ],
      ['waitlisted', 'leave', 'Leave the waitlist?', 'withdraw', 'Yes, leave the waitlist', 'No, stay on the waitlist'],
      ['offered', 'decline', 'Decline the place?', 'decline', 'Yes, decline the place', 'No, go back'],
    ] as const;
    for (const [status, confirm, title, action, yes, no] of cases) {
      expect(confirmationFor(status)).toBe(confirm);
      const page = await html(ManageConfirmPage({ site, race, registration: registration(status), path, confirm }));
      await expectValid(page, `confirm-${confirm}`);
      expect(page).toContain(`<h1 id="title">${title}</h1>`);
      expect(forms(page)).toEqual([{ action: `${path}/${action}`, button: yes }]);
      expect(page).toContain(`<a class="button secondary" href="${path}">${no}</a>`);
    }
    const leave = await html(
      ManageConfirmPage({ site, race, registration: registration('waitlisted'), path, confirm: 'leave' }),
    );
    expect(text(leave)).toContain('You give up your number (3) on the waitlist for Half marathon');
    expect(confirmationFor('withdrawn')).toBeUndefined();
    expect(confirmationFor('expired')).toBeUndefined();
  });
});

describe('the confirmation page, by status', () => {
  const found = (r: Registration) => ({
    registration: r,
    email: { status: 'not_tracked' as const, attempts: 0, sentAt: null },
  });

  it('registered: "You’re in" and the confirmation email’s status', async () => {
    const page = await html(
      ConfirmationPage({
        site,
        race,
        found: { registration: registration('registered'), email: { status: 'sent', attempts: 1, sentAt: now } },
      }),
    );
    await expectValid(page, 'confirmation-registered');
    expect(text(page)).toContain("You're in, Ada!");
    expect(text(page)).toContain('Confirmation email: Sent');
  });

  it('registered: what the provider reported of the confirmation, in a short line', async () => {
    for (const [delivery, line] of [
      ['delivered', 'Delivered to your inbox.'],
      ['sent', 'On its way.'],
      ['complained', 'Marked as spam — we send nothing more to this address.'],
    ] as const) {
      const page = await html(
        ConfirmationPage({
          site,
          race,
          found: {
            registration: registration('registered'),
            email: { status: 'sent', attempts: 1, sentAt: now, delivery },
          },
        }),
      );
      await expectValid(page, `confirmation-${delivery}`);
      expect(text(page)).toContain(line);
      expect(page).not.toContain('ada@example.com');
    }
  });

  it('registered, bounced: the address masked and the form asking for it and another; a refusal at its field', async () => {
    const bounced = {
      registration: registration('registered'),
      email: { status: 'sent' as const, attempts: 1, sentAt: now, delivery: 'bounced' as const },
    };
    const page = await html(ConfirmationPage({ site, race, found: bounced }));
    await expectValid(page, 'confirmation-bounced');
    expect(text(page)).toContain('We could not reach you at a…@example.com');
    expect(page).toContain(`<form method="post" action="/registrations/${bounced.registration.id}/email"`);
    expect(page).toContain('name="current"');
    expect(page).not.toContain('ada@example.com');
    const refused = await html(ConfirmationPage({ site, race, found: bounced, notice: 'email-not-yours' }));
    await expectValid(refused, 'confirmation-bounced-refused');
    expect(refused).toContain('aria-invalid="true"');
    expect(text(refused)).toContain('That is not the address this registration was made with.');
    // Delivered: nothing to fix.
    const delivered = { ...bounced, email: { ...bounced.email, delivery: 'delivered' as const } };
    expect(await html(ConfirmationPage({ site, race, found: delivered }))).not.toContain('<form');
  });

  it('waitlisted: "You’re on the waitlist, number N", no confirmation email to wait for', async () => {
    const page = await html(ConfirmationPage({ site, race, found: found(registration('waitlisted')) }));
    await expectValid(page, 'confirmation-waitlisted');
    expect(text(page)).toContain("You're on the waitlist, number 3");
    expect(text(page)).toContain('Half marathon is full');
    expect(page).toMatch(/<dt>Waitlist number<\/dt><dd>3<\/dd>/);
    expect(page).not.toContain('Confirmation email');
    // The page only reads: the manage link is in the runner's emails, not here.
    expect(page).not.toContain('/manage/');
  });

  it('offered: the deadline on the race’s clock', async () => {
    const page = await html(ConfirmationPage({ site, race, found: found(registration('offered')) }));
    await expectValid(page, 'confirmation-offered');
    expect(text(page)).toContain('A place is offered to you, Ada');
    expect(page).toContain('<dt>Offer held until</dt><dd>Tuesday 2 March 2027, 14:30 (Europe/Amsterdam)</dd>');
  });

  it('withdrawn and expired say so', async () => {
    const withdrawn = await html(ConfirmationPage({ site, race, found: found(registration('withdrawn')) }));
    expect(text(withdrawn)).toContain('This registration is withdrawn');
    const expired = await html(ConfirmationPage({ site, race, found: found(registration('expired')) }));
    expect(text(expired)).toContain('This offer has expired');
  });
});

describe('the sign-up page on a race with a waitlist', () => {
  it('keeps a full distance selectable, says it joins the waitlist, and the form asks to join', async () => {
    const page = await html(SignUpPage({ site, race, taken: { half: 3000 } }));
    await expectValid(page, 'sign-up-waitlist');
    expect(page).toMatch(/<input type="radio" id="distance-half" name="distance" value="half" required=""\/>/);
    const half = page.slice(
      page.indexOf('<label class="choice" for="distance-half"'),
      page.indexOf('</label>', page.indexOf('for="distance-half"')),
    );
    expect(text(half)).toContain('Full — join the waitlist');
    expect(page).toContain('<input type="hidden" name="joinWaitlist" value="true"/>');
    expect(page).toMatch(/<fieldset id="distance" aria-describedby="distance-hint">/);
    expect(text(page)).toContain('held for 48 hours');
    expect(text(page)).toContain('Registration open');
    // Every distance full: sold out, with the waitlist open.
    const full = await html(SignUpPage({ site, race, taken: { 10: 2000, half: 3000, full: 2000 } }));
    expect(text(full)).toContain('Sold out · waitlist open');
  });

  it('without a waitlist, a full distance stays sold out and the form asks nothing more', async () => {
    const page = await html(SignUpPage({ site, race: DEFAULT_RACE, taken: { half: 3000 } }));
    expect(page).toMatch(/<input type="radio" id="distance-half" name="distance" value="half" disabled=""/);
    expect(page).not.toContain('joinWaitlist');
    expect(page).not.toContain('distance-hint');
  });
});
