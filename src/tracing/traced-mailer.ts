// tracedMailer(mailer, tracer, name): the Mailer port with a span per send (`resend.send`,
// `devmail.send`): the provider's HTTP status (set by the adapter on the active span), the error code
// and whether it is retryable. Never the recipient or the content. Its duration feeds the request's
// Server-Timing `provider` (when the send happens inline, as in the sequential strategy).
import { context, type Span, SpanKind, type Tracer } from '@opentelemetry/api';
import { MailError, type Mailer } from '../ports/mailer.js';
import { activeTimings, addTiming, withoutTimings } from './timing.js';
import { isRecordingTracer, recordError } from './tracer.js';

export function tracedMailer(mailer: Mailer, tracer: Tracer, name: 'resend.send' | 'devmail.send'): Mailer {
  function traced<T>(
    attributes: Record<string, string | number>,
    call: () => Promise<T>,
    onAccepted: (span: Span, accepted: T) => void,
  ): Promise<T> {
    const timings = activeTimings();
    if (!isRecordingTracer(tracer)) {
      // No spans. Outside a request (background sends) nothing is timed either.
      if (!timings) return call();
      const started = performance.now();
      // The provider's own store calls (dev mailbox) count as provider time, not db time.
      return context
        .with(withoutTimings(context.active()), call)
        .finally(() => addTiming(timings, 'provider', performance.now() - started));
    }
    const started = performance.now();
    // The provider's own store calls (dev mailbox) count as provider time, not db time.
    const parent = withoutTimings(context.active());
    return tracer.startActiveSpan(name, { kind: SpanKind.CLIENT, attributes }, parent, async (span) => {
      try {
        const accepted = await call();
        onAccepted(span, accepted);
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
    });
  }
  return {
    send(message, options) {
      return traced(
        { 'mail.idempotency_key': options.idempotencyKey },
        () => mailer.send(message, options),
        (span, accepted) => span.setAttribute('mail.message_id', accepted.id),
      );
    },
    sendBatch(messages, options) {
      return traced(
        { 'mail.idempotency_key': options.idempotencyKey, 'mail.batch.size': messages.length },
        () => mailer.sendBatch(messages, options),
        (span, results) => span.setAttribute('mail.batch.refused', results.filter((r) => 'error' in r).length),
      );
    },
  };
}
