// tracedMailer(mailer, tracer, name): the Mailer port with a span per send (`resend.send`,
// `devmail.send`): the provider's HTTP status (set by the adapter on the active span), the error code
// and whether it is retryable. Never the recipient or the content. With the no-op tracer: the mailer
// itself. (An inline send's wait for Server-Timing `provider` is counted by the request's own view of
// the mailer: src/tracing/timing.ts.)
import { type Span, SpanKind, type Tracer } from '@opentelemetry/api';
import { MailError, type Mailer } from '../ports/mailer.js';
import { isRecordingTracer, recordError } from './tracer.js';

export function tracedMailer(mailer: Mailer, tracer: Tracer, name: 'resend.send' | 'devmail.send'): Mailer {
  if (!isRecordingTracer(tracer)) return mailer;
  function traced<T>(
    attributes: Record<string, string | number>,
    call: () => Promise<T>,
    onAccepted: (span: Span, accepted: T) => void,
  ): Promise<T> {
    return tracer.startActiveSpan(name, { kind: SpanKind.CLIENT, attributes }, async (span) => {
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
