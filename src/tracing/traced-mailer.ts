// tracedMailer(mailer, tracer, name): the Mailer port with a span per send (`resend.send`,
// `devmail.send`): the provider's HTTP status (set by the adapter on the active span), the error code
// and whether it is retryable. Never the recipient or the content. Its duration feeds the request's
// Server-Timing `provider` (when the send happens inline, as in the sequential strategy).
import { context, SpanKind, type Tracer } from '@opentelemetry/api';
import { MailError, type Mailer } from '../ports/mailer.js';
import { activeTimings, addTiming, withoutTimings } from './timing.js';
import { recordError } from './tracer.js';

export function tracedMailer(mailer: Mailer, tracer: Tracer, name: 'resend.send' | 'devmail.send'): Mailer {
  return {
    send(message, options) {
      const timings = activeTimings();
      const started = performance.now();
      // The provider's own store calls (dev mailbox) count as provider time, not db time.
      const parent = withoutTimings(context.active());
      return tracer.startActiveSpan(
        name,
        { kind: SpanKind.CLIENT, attributes: { 'mail.idempotency_key': options.idempotencyKey } },
        parent,
        async (span) => {
          try {
            const accepted = await mailer.send(message, options);
            span.setAttribute('mail.message_id', accepted.id);
            return accepted;
          } catch (error) {
            if (error instanceof MailError) {
              span.setAttributes({
                'error.type': error.code,
                'mail.error.code': error.code,
                'mail.error.kind': error.kind,
                'mail.error.retryable': error.kind === 'retryable',
              });
              if (error.status !== undefined) span.setAttribute('http.response.status_code', error.status);
            }
            recordError(span, error);
            throw error;
          } finally {
            addTiming(timings, 'provider', performance.now() - started);
            span.end();
          }
        },
      );
    },
  };
}
