// fetch for the email provider's API on Node: redirects refused (`redirect: 'error'`, no window).
//
// Node's fetch (undici) copies every request that might have to follow a redirect, teeing its body
// into two streams, unless the request refuses redirects and has no window; the copy cost ~50 µs of
// CPU per send in a one-off fetch micro-benchmark (the wait-until route sends one per registration).
// Resend's API never redirects: a redirect (a RESEND_BASE_URL behind a proxy that moved) now fails the send as a network
// error, retried with the same Idempotency-Key, instead of being followed. workerd refuses
// `redirect: 'error'`, so the Workers keep the plain fetch.
export const providerFetch: typeof fetch = (input, init) => fetch(input, { ...init, redirect: 'error', window: null });
