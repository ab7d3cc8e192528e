/**
 * Where a runner stands: holding a place (registered; pending_verification until they confirm their
 * address; offered, until the offer's deadline), waiting for one (waitlisted), or gone (withdrawn;
 * expired: an offer or a verification hold ran out).
 */
export const REGISTRATION_STATUSES = [
  'pending_verification',
  'registered',
  'waitlisted',
  'offered',
  'withdrawn',
  'expired',
] as const;
export type RegistrationStatus = (typeof REGISTRATION_STATUSES)[number];
