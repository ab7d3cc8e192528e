// A registration as the API answers it (GET /api/registrations/:id and the manage API alike).
import type { RegistrationWithDelivery } from '../../ports/store.js';

export function registrationJson({ registration, email }: RegistrationWithDelivery) {
  return {
    id: registration.id,
    status: registration.status,
    ...(registration.position !== null ? { position: registration.position } : {}),
    ...(registration.status === 'offered' && registration.holdExpiresAt
      ? { offerExpiresAt: registration.holdExpiresAt.toISOString() }
      : {}),
    firstName: registration.firstName,
    lastName: registration.lastName,
    distance: registration.distance,
    strategy: registration.strategy,
    createdAt: registration.createdAt.toISOString(),
    email: {
      status: email.status,
      attempts: email.attempts,
      sentAt: email.sentAt?.toISOString() ?? null,
      ...(email.delivery ? { delivery: email.delivery } : {}),
    },
  };
}
