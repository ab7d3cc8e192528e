// The API description agrees with the validation it is generated from, is a valid OpenAPI 3.1 document
// that passes Redocly's recommended rules, and /docs renders all of it. (That real answers match it is
// checked by the HTTP contract suites: test/support/openapi-contract.ts.)
import SwaggerParser from '@apidevtools/swagger-parser';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RACE } from '../../domain/race.js';
import { validateRegistration } from '../../domain/registration.js';
import { REGISTRATION_STATUSES } from '../../ports/store.js';
import { docsRoutes } from '../routes/docs.js';
import { openApiDocument } from './index.js';

const doc = openApiDocument(DEFAULT_RACE);

type Response = { headers?: Record<string, { required?: boolean }>; content?: Record<string, { schema?: unknown }> };
type Operation = {
  operationId?: string;
  description?: string;
  security?: Record<string, unknown>[];
  responses: Record<string, Response>;
};
const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
  Object.entries(methods as Record<string, Operation>).map(([method, op]) => ({ path, method, op })),
);
const isAdmin = (path: string) => path.startsWith('/api/admin/') || path === '/metrics';
const input = doc.components.schemas.RegistrationInput as {
  properties: Record<string, { maxLength?: number; minLength?: number; enum?: string[]; format?: string }>;
  required: string[];
  additionalProperties: boolean;
};
const valid = { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', address: '1 Row', distance: 'half' };

describe('openapi.json', () => {
  it('describes the registration input with the validation rules', () => {
    expect([...input.required].sort()).toEqual(['address', 'distance', 'email', 'firstName', 'lastName']);
    expect(input.additionalProperties).toBe(false);
    expect(input.properties.firstName).toMatchObject({ minLength: 1, maxLength: 100 });
    expect(input.properties.lastName).toMatchObject({ minLength: 1, maxLength: 100 });
    expect(input.properties.address).toMatchObject({ minLength: 1, maxLength: 300 });
    expect(input.properties.email).toMatchObject({ maxLength: 254, format: 'email' });
    expect(input.properties.distance?.enum).toEqual(DEFAULT_RACE.distances.map((d) => d.id));
  });

  it('every documented limit is the one the validation applies', () => {
    for (const [field, rules] of Object.entries(input.properties)) {
      if (rules.maxLength === undefined) continue;
      const atLimit =
        field === 'email' ? `${'a'.repeat(rules.maxLength - 12)}@example.com` : 'x'.repeat(rules.maxLength);
      expect(validateRegistration(DEFAULT_RACE, { ...valid, [field]: atLimit }).ok, field).toBe(true);
      const over = field === 'email' ? `a${atLimit}` : `${atLimit}x`;
      expect(validateRegistration(DEFAULT_RACE, { ...valid, [field]: over }).ok, field).toBe(false);
    }
    for (const distance of input.properties.distance?.enum ?? []) {
      expect(validateRegistration(DEFAULT_RACE, { ...valid, distance }).ok).toBe(true);
    }
  });

  it('every $ref resolves and every operation lists its responses', () => {
    const refs = JSON.stringify(doc).match(/#\/components\/schemas\/\w+/g) ?? [];
    expect(refs.length).toBeGreaterThan(5);
    for (const ref of refs) expect(doc.components.schemas).toHaveProperty(ref.split('/').pop()!);
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const op of Object.values(methods as Record<string, { responses: object }>)) {
        expect(Object.keys(op.responses).length, path).toBeGreaterThan(0);
      }
    }
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/registrations', '/api/registrations/{id}', '/api/race', '/api/marathon-parallel']),
    );
  });
});

describe('openapi.json is a complete, valid OpenAPI 3.1 document', () => {
  it('passes swagger-parser validation', async () => {
    // validate() dereferences in place: give it a copy.
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
  });

  it("passes Redocly's recommended rules with no error", async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({ source: JSON.stringify(doc), absoluteRef: 'openapi.json', config });
    const describe = (p: (typeof problems)[number]) => `${p.ruleId} ${p.location[0]?.pointer ?? ''}: ${p.message}`;
    expect(problems.filter((p) => p.severity === 'error').map(describe)).toEqual([]);
    // The warnings left are known and deliberate: these operations have no client error to answer.
    const warnings = problems.filter((p) => p.severity === 'warn').map((p) => `${p.ruleId} ${p.location[0]?.pointer}`);
    expect(warnings.sort()).toEqual(
      ['/api~1race', '/healthz', '/openapi.json', '/readyz']
        .map((path) => `operation-4xx-response #/paths/~1${path.replace(/^\//, '')}/get/responses`)
        .sort(),
    );
  });

  it('names a server', () => {
    expect(doc.servers).toEqual([{ url: '/', description: expect.any(String) }]);
  });

  it('gives every operation a unique camelCase operationId', () => {
    const ids = operations.map(({ op }) => op.operationId);
    for (const id of ids) expect(id).toMatch(/^[a-z][a-zA-Z0-9]*$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('asks for the bearer token on every admin operation and for nothing on the others', () => {
    expect(doc.components.securitySchemes.adminToken).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const { path, method, op } of operations) {
      expect(op.security, `${method} ${path}`).toEqual(isAdmin(path) ? [{ adminToken: [] }] : []);
    }
    expect(operations.filter(({ path }) => isAdmin(path)).length).toBeGreaterThanOrEqual(6);
  });

  it('gives every answer of every operation a schema, errors included', () => {
    for (const { path, method, op } of operations) {
      for (const [status, response] of Object.entries(op.responses)) {
        const media = Object.entries(response.content ?? {});
        expect(media.length, `${method} ${path} ${status}`).toBeGreaterThan(0);
        for (const [type, { schema }] of media) expect(schema, `${method} ${path} ${status} ${type}`).toBeDefined();
        if (Number(status) >= 400) {
          expect(response.content?.['application/json']?.schema, `${method} ${path} ${status}`).toMatchObject({
            allOf: [{ $ref: '#/components/schemas/Error' }, expect.anything()],
          });
        }
      }
    }
  });

  it('documents the shared error envelope', () => {
    expect(doc.components.schemas.Error).toMatchObject({
      required: ['error'],
      properties: { error: { required: ['code', 'message'], additionalProperties: false } },
    });
  });

  it('documents 429 rate_limited with Retry-After on sign-up and admin operations', () => {
    // The strategies' sign-ups, not the workflow strategy's status read (no body, no sign-up).
    const limited = operations.filter(
      ({ path, method }) => (path.startsWith('/api/marathon-') && method === 'post') || isAdmin(path),
    );
    limited.push(
      ...operations.filter(({ path }) =>
        ['/api/registrations', '/api/registrations/resend-confirmation'].includes(path),
      ),
    );
    for (const { path, method, op } of limited) {
      const tooMany = op.responses['429'];
      expect(tooMany?.headers?.['Retry-After']?.required, `${method} ${path}`).toBe(true);
      expect(JSON.stringify(tooMany?.content), `${method} ${path}`).toContain('rate_limited');
    }
  });

  it('documents Cache-Control: no-store on every answer about a person, and every admin answer', () => {
    const private_ = operations.filter((o) => isAdmin(o.path) || o.path.startsWith('/api/registrations'));
    expect(private_.map((o) => o.op.operationId)).toEqual(expect.arrayContaining(['register', 'getRegistration']));
    for (const { path, op } of private_) {
      for (const [status, response] of Object.entries(op.responses)) {
        expect(response.headers?.['Cache-Control'], `${path} ${status}`).toMatchObject({ required: true });
      }
    }
  });

  it('describes the re-send of a confirmation: the sign-up’s email rule alone, 202 whatever the address', () => {
    const schemas = doc.components.schemas as Record<string, { properties?: Record<string, unknown> }>;
    expect(schemas.ResendConfirmationInput).toMatchObject({
      required: ['email'],
      additionalProperties: false,
      properties: { email: input.properties.email },
    });
    const resend = operations.find(({ path }) => path === '/api/registrations/resend-confirmation');
    expect(resend?.method).toBe('post');
    expect(Object.keys(resend?.op.responses ?? {}).filter((status) => status < '400')).toEqual(['202']);
    expect(resend?.op.description).toContain('whether or not the address is registered');
  });

  it('describes the waitlist: joinWaitlist in the input, the 201 registered or waitlisted, a registration’s status', () => {
    const schemas = doc.components.schemas as Record<string, Record<string, unknown>>;
    expect(input.properties.joinWaitlist).toMatchObject({ type: 'boolean' });
    expect(input.required).not.toContain('joinWaitlist');
    const register = operations.find(({ op }) => op.operationId === 'register');
    expect(register?.op.responses['201']?.content?.['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/RegistrationAnswer',
    });
    expect(schemas.RegistrationAnswer?.oneOf).toEqual([
      { $ref: '#/components/schemas/RegistrationCreated' },
      { $ref: '#/components/schemas/RegistrationWaitlisted' },
    ]);
    expect(schemas.RegistrationWaitlisted).toMatchObject({
      required: ['id', 'status', 'distance', 'position'],
      properties: { status: { const: 'waitlisted' }, position: { type: 'integer', minimum: 1 } },
    });
    const status = schemas.RegistrationStatus as {
      properties: Record<string, { enum?: string[] }>;
      required: string[];
    };
    expect(status.properties.status?.enum).toEqual([...REGISTRATION_STATUSES]);
    expect(status.properties).toHaveProperty('position');
    expect(status.properties).toHaveProperty('offerExpiresAt');
    expect(status.required).not.toContain('position');
    expect(status.required).not.toContain('offerExpiresAt');
  });

  it('documents the manage API: public, no-store, 404 for an unknown token; the actions 409, 410 and 429 where they apply', () => {
    const manage = operations.filter(({ path }) => path.startsWith('/api/manage/'));
    expect(manage.map(({ method, op }) => `${method} ${op.operationId}`)).toEqual([
      'get getManagedRegistration',
      'post withdrawRegistration',
      'post acceptOffer',
      'post declineOffer',
      'post verifyRegistration',
      'post changeDistance',
      'post changeEmail',
    ]);
    for (const { path, method, op } of manage) {
      expect(op.security, path).toEqual([]);
      expect(JSON.stringify(op.responses['404']?.content), path).toContain('not_found');
      for (const [code, response] of Object.entries(op.responses)) {
        expect(response.headers?.['Cache-Control'], `${path} ${code}`).toMatchObject({ required: true });
      }
      if (method === 'post') expect(op.responses['429']?.headers?.['Retry-After']?.required, path).toBe(true);
    }
    const codes = (operationId: string) =>
      Object.keys(manage.find(({ op }) => op.operationId === operationId)?.op.responses ?? {});
    expect(codes('acceptOffer')).toEqual(expect.arrayContaining(['200', '404', '409', '410', '429']));
    expect(codes('declineOffer')).toEqual(expect.arrayContaining(['200', '404', '409', '429']));
    expect(codes('declineOffer')).not.toContain('410');
    expect(codes('withdrawRegistration')).not.toContain('409');
    expect(codes('verifyRegistration')).toEqual(expect.arrayContaining(['200', '404', '409', '410', '429']));
    expect(codes('changeDistance')).toEqual(expect.arrayContaining(['200', '404', '409', '415', '422', '429']));
    expect(codes('changeEmail')).toEqual(
      expect.arrayContaining(['200', '400', '404', '409', '413', '415', '422', '429']),
    );
  });

  it('documents the admin’s waitlist: the status filter, status and position of a registration, places, withdrawal', () => {
    const schemas = doc.components.schemas as Record<
      string,
      { properties?: Record<string, unknown>; required?: string[] }
    >;
    const list = operations.find(({ op }) => op.operationId === 'listRegistrations')?.op as unknown as {
      parameters: { name: string; schema: { enum?: string[] } }[];
    };
    expect(list.parameters.find((p) => p.name === 'status')?.schema.enum).toEqual([...REGISTRATION_STATUSES]);
    expect(schemas.AdminRegistration?.required).toEqual(
      expect.arrayContaining(['status', 'position', 'offerExpiresAt']),
    );
    expect(schemas.AdminMetrics?.properties?.places).toMatchObject({
      required: DEFAULT_RACE.distances.map((d) => d.id),
      additionalProperties: false,
    });
    expect(schemas.DistancePlaces?.required).toEqual(['cap', 'taken', 'offersOpen', 'waitlistLength']);
    const withdraw = operations.find(({ op }) => op.operationId === 'adminWithdrawRegistration');
    expect(withdraw?.path).toBe('/api/admin/registrations/{id}/withdraw');
    expect(withdraw?.op.security).toEqual([{ adminToken: [] }]);
  });

  it('says the strategy routes exist only when STRATEGY_ROUTES is on (404 otherwise)', () => {
    const strategies = operations.filter(({ path }) => path.startsWith('/api/marathon-'));
    // Eight sign-ups, and the workflow strategy's status read.
    expect(strategies).toHaveLength(9);
    for (const { op } of strategies) {
      expect(op.description).toContain('STRATEGY_ROUTES');
      expect(op.responses['404']).toBeDefined();
    }
  });

  it('describes readiness: running, or paused with a reason and a time or null', () => {
    const { DeliveryState } = doc.components.schemas as Record<string, { oneOf?: { properties: object }[] }>;
    expect(DeliveryState?.oneOf?.map((s) => s.properties)).toEqual([
      { state: { type: 'string', const: 'running' } },
      {
        state: { type: 'string', const: 'paused' },
        reason: expect.objectContaining({ type: 'string' }),
        until: expect.objectContaining({
          anyOf: [expect.objectContaining({ type: 'string', format: 'date-time' }), { type: 'null' }],
        }),
      },
    ]);
  });
});

describe('GET /openapi.json and /docs', () => {
  const app = docsRoutes({ race: DEFAULT_RACE, site: { name: DEFAULT_RACE.name, devMailbox: false, devMode: false } });

  it('serves the document', async () => {
    const res = await app.request('/openapi.json');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(JSON.parse(JSON.stringify(doc)));
  });

  it('renders every path and schema, with no script', async () => {
    const res = await app.request('/docs');
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const path of Object.keys(doc.paths)) expect(html).toContain(`<code>${path}</code>`);
    for (const name of Object.keys(doc.components.schemas)) expect(html).toContain(`id="schema-${name}"`);
    expect(html).not.toContain('<script');
    expect(html).toContain('max length 100');
  });

  it('marks only admin operations as needing the token, and names each operationId', async () => {
    const html = await (await app.request('/docs')).text();
    const adminCount = operations.filter(({ path }) => isAdmin(path)).length;
    expect(html.match(/admin token required/g)).toHaveLength(adminCount);
    for (const { op } of operations) expect(html).toContain(`<code>${op.operationId}</code>`);
  });
});
