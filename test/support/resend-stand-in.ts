// Moved to tools/resend-stand-in.ts. Kept only for the src/ unit tests that still import this path
// (src/adapters/mail/resend.test.ts, src/tasks/engine.test.ts): point them at tools/ and delete this.
export * from '../../tools/resend-stand-in.js';
