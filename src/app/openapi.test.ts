// The API description agrees with the validation it is generated from, and /docs renders all of it.
import { describe, expect, it } from 'vitest';
import { DEFAULT_RACE } from '../domain/race.js';
import { validateRegistration } from '../domain/registration.js';
import type { AppDeps } from './deps.js';
import { openApiDocument } from './openapi.js';
import { docsRoutes } from './routes/docs.js';

const doc = openApiDocument(DEFAULT_RACE);
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

describe('GET /openapi.json and /docs', () => {
  const app = docsRoutes({ race: DEFAULT_RACE } as AppDeps);

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
});
