import { describe, expect, it } from 'vitest';
import { providerDeliveryStatus } from './email-delivery.js';

describe('providerDeliveryStatus: precedence, not arrival', () => {
  it('is undefined without an email event it knows', () => {
    expect(providerDeliveryStatus([])).toBeUndefined();
    expect(providerDeliveryStatus(['email.opened', 'contact.created'])).toBeUndefined();
  });

  it('moves forward only: sent < delayed < delivered < failed < suppressed < bounced < complained', () => {
    const cases: [string[], string][] = [
      [['email.sent'], 'sent'],
      [['email.delivery_delayed', 'email.sent'], 'delayed'],
      [['email.delivered', 'email.delivery_delayed', 'email.sent'], 'delivered'],
      [['email.bounced', 'email.delivered', 'email.sent'], 'bounced'],
      [['email.delivered', 'email.complained'], 'complained'],
      [['email.suppressed', 'email.sent'], 'suppressed'],
      [['email.failed', 'email.delivered'], 'failed'],
    ];
    for (const [types, expected] of cases) {
      expect(providerDeliveryStatus(types)).toBe(expected);
      expect(providerDeliveryStatus([...types].reverse())).toBe(expected);
    }
  });
});
