import { describe, expect, it } from 'vitest';
import { deliveryOfEvent, PROVIDER_DELIVERY_EVENTS, PROVIDER_DELIVERY_STATUSES } from './email-delivery.js';

// The precedence itself (an email's highest-ranked event, whatever the order) is read in SQL: the store
// contract checks it on every driver (test/integration/store.contract.ts).
describe('deliveryOfEvent', () => {
  it('names the delivery of each ranked event type, rank for rank', () => {
    expect(PROVIDER_DELIVERY_EVENTS).toHaveLength(PROVIDER_DELIVERY_STATUSES.length);
    expect(PROVIDER_DELIVERY_EVENTS.map(deliveryOfEvent)).toEqual([...PROVIDER_DELIVERY_STATUSES]);
    expect(deliveryOfEvent('email.delivery_delayed')).toBe('delayed');
  });

  it('is undefined for a type that tells no delivery', () => {
    for (const type of ['email.opened', 'email.clicked', 'contact.created', '']) {
      expect(deliveryOfEvent(type)).toBeUndefined();
    }
  });
});
