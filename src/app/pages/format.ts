// Words and numbers as the pages show them. Pure; the same in Node and workerd.
import { formatDateTimeInZone } from '../../domain/date-in-zone.js';
import { durationInWords, parseDuration } from '../../domain/duration.js';
import type { Race } from '../../domain/race.js';
import type { EmailDeliveryStatus, ProviderDeliveryStatus } from '../../ports/email-delivery.js';

/**
 * The badge's CSS modifier: the API's word for the status (`not_tracked` too), except that a pending
 * email is `sending` before its first attempt and `retrying` after one.
 */
export type DeliveryTone = Exclude<EmailDeliveryStatus, 'pending'> | 'retrying';

export interface DeliveryWords {
  /** One or two words for a badge. */
  label: string;
  tone: DeliveryTone;
  /** A sentence for the runner. */
  sentence: string;
}

/**
 * The confirmation email's delivery status in words. `pending` is a task waiting for its next attempt:
 * after a failed attempt that is a retry; before any attempt (attempts 0) it is simply being sent.
 */
export function deliveryWords(status: EmailDeliveryStatus, attempts?: number): DeliveryWords {
  switch (status) {
    case 'sent':
      return { label: 'Sent', tone: 'sent', sentence: 'Your confirmation email has been sent. Check your inbox.' };
    case 'sending':
      return { label: 'Sending', tone: 'sending', sentence: 'We are sending your confirmation email right now.' };
    case 'pending':
      return attempts === 0
        ? { label: 'Sending', tone: 'sending', sentence: 'Your confirmation email is queued and will go out shortly.' }
        : {
            label: 'Retrying',
            tone: 'retrying',
            sentence: 'The first try did not go through; we keep retrying automatically. Your place is safe.',
          };
    case 'failed':
      return {
        label: 'Failed',
        tone: 'failed',
        sentence: 'We could not deliver your confirmation email. Your place is safe; the organisers can resend it.',
      };
    case 'cancelled':
      return { label: 'Cancelled', tone: 'cancelled', sentence: 'This confirmation email was cancelled.' };
    case 'not_tracked':
      return { label: 'Not tracked', tone: 'not_tracked', sentence: 'This sign-up has no tracked confirmation email.' };
  }
}

/**
 * What the provider reported of the confirmation (Resend's webhooks), as a short line for the runner:
 * "Delivered to your inbox", "On its way", "Bounced — …".
 */
export function providerDeliveryWords(delivery: ProviderDeliveryStatus): string {
  switch (delivery) {
    case 'sent':
      return 'On its way';
    case 'delayed':
      return 'Delayed — your mail server has not taken it yet; we keep trying';
    case 'delivered':
      return 'Delivered to your inbox';
    case 'failed':
      return 'Not delivered — it could not be sent to this address';
    case 'suppressed':
      return 'Not sent — this address refused our emails before';
    case 'bounced':
      return 'Bounced — your mail server refused it';
    case 'complained':
      return 'Marked as spam — we send nothing more to this address';
  }
}

const number = new Intl.NumberFormat('en-GB');

export function formatCount(n: number): string {
  return number.format(n);
}

/** `2027-04-18 08:30 UTC`: unambiguous for admins, whatever their locale. */
export function formatTimestamp(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** How long the race's waitlist holds an offer, in words ("48 hours"), or undefined without a waitlist. */
export function offerHeldFor(race: Race): string | undefined {
  const duration = race.waitlist ? parseDuration(race.waitlist.offerTtl) : undefined;
  return duration ? durationInWords(duration) : undefined;
}

/** A deadline on the race's clock: "Wednesday 9 December 2026, 14:30 (Europe/Paris)". */
export function formatDeadline(date: Date, race: Pick<Race, 'timeZone'>): string {
  return formatDateTimeInZone(date, race.timeZone);
}
