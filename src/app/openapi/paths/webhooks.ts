// The path Resend calls with its delivery events (only when RESEND_WEBHOOK_SECRET is set).
import { errors } from '../errors.js';
import { PUBLIC } from '../security.js';

const header = (name: string, description: string) => ({
  name,
  in: 'header',
  required: true,
  schema: { type: 'string' },
  description,
});

export const webhookPaths = {
  '/api/webhooks/resend': {
    post: {
      tags: ['webhooks'],
      operationId: 'receiveResendEvent',
      summary: 'Resend’s delivery events (sent, delivered, delayed, bounced, complained, failed, suppressed)',
      description:
        'Exists only when `RESEND_WEBHOOK_SECRET` is set (otherwise 404). Signed the Standard Webhooks (Svix) way ' +
        'and checked against the raw body before anything is parsed or stored; each event is stored once per ' +
        '`svix-id` (a redelivery answers the same and changes nothing). An email’s events give its ' +
        'registration’s `email.delivery`.',
      security: PUBLIC,
      parameters: [
        header('svix-id', 'The event’s id: the same on every redelivery'),
        header('svix-timestamp', 'Seconds since the epoch; more than 5 minutes away is refused'),
        header('svix-signature', 'Space-separated `v1,<base64 HMAC-SHA256>` entries (several during a rotation)'),
      ],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['type'],
              properties: {
                type: { type: 'string', examples: ['email.delivered'] },
                created_at: { type: 'string' },
                data: { type: 'object', properties: { email_id: { type: 'string' } } },
              },
            },
          },
        },
      },
      responses: {
        '200': {
          description: 'Stored (or a redelivery: `duplicate: true`, nothing changed)',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                additionalProperties: false,
                required: ['received', 'duplicate'],
                properties: { received: { const: true }, duplicate: { type: 'boolean' } },
              },
            },
          },
        },
        ...errors([
          'invalid_json',
          'bad_webhook_signature',
          'webhook_too_large',
          'validation_failed',
          'internal',
          'unavailable',
        ]),
      },
    },
  },
};
