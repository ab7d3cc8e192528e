// The HTTP contract, checked against the API description: given a real answer (method, path, status,
// headers, body), find the response /openapi.json documents for it and validate the body (Ajv, JSON
// Schema 2020-12 as OpenAPI 3.1 uses) and the documented headers. An answer the document does not
// describe — an undocumented path, method, status or media type, or a response without a schema —
// is a problem too: the check fails rather than passing what it cannot check.
import type { ErrorObject, ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { Target } from './targets.js';

type JsonSchema = Record<string, unknown>;
interface MediaType {
  schema?: JsonSchema;
}
interface ResponseObject {
  description?: string;
  headers?: Record<string, { required?: boolean; schema?: JsonSchema }>;
  content?: Record<string, MediaType>;
}
interface OperationObject {
  operationId?: string;
  responses?: Record<string, ResponseObject>;
}
export interface OpenApiLike {
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, JsonSchema> };
}

export interface Answer {
  method: string;
  /** A path with its query (`/api/admin/tasks?limit=2`) or a full URL. */
  url: string;
  status: number;
  headers: Headers;
  body: string;
}

/** The answer of a Response, read from a clone (the caller may still read the original). */
export async function answerOf(method: string, url: string, response: Response): Promise<Answer> {
  const copy = response.clone();
  return { method, url, status: copy.status, headers: copy.headers, body: await copy.text() };
}

const COMPONENTS_ID = 'https://finishline.test/components';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** `#/components/schemas/X` → `${COMPONENTS_ID}#/$defs/X`: the components become one Ajv schema. */
function rewriteRefs<T>(value: T): T {
  return JSON.parse(
    JSON.stringify(value, (key, v) =>
      key === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')
        ? `${COMPONENTS_ID}#/$defs/${v.slice('#/components/schemas/'.length)}`
        : v,
    ),
  ) as T;
}

function describeErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .slice(0, 5)
    .map((e) => `${e.instancePath || '(root)'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`)
    .join('; ');
}

interface Route {
  template: string;
  pattern: RegExp;
  params: number;
}

export interface ContractChecker {
  /** What is wrong with the answer ([] when the document describes it and it matches). */
  check(answer: Answer): string[];
}

export function contractChecker(doc: OpenApiLike): ContractChecker {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  ajv.addSchema({ $id: COMPONENTS_ID, $defs: rewriteRefs(doc.components.schemas) });
  const compiled = new Map<string, ValidateFunction>();
  const validator = (key: string, schema: JsonSchema) => {
    let validate = compiled.get(key);
    if (!validate) {
      validate = ajv.compile(rewriteRefs(schema));
      compiled.set(key, validate);
    }
    return validate;
  };

  // Literal paths before templated ones (`/a/b.csv` is not `/a/{id}`).
  const routes: Route[] = Object.keys(doc.paths)
    .map((template) => {
      const source = template
        .split(/(\{[^}]+\})/)
        .map((part) => (part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
        .join('');
      return { template, pattern: new RegExp(`^${source}$`), params: (template.match(/\{/g) ?? []).length };
    })
    .sort((a, b) => a.params - b.params);

  function validateValue(key: string, schema: JsonSchema, value: unknown, what: string): string[] {
    const validate = validator(key, schema);
    return validate(value) ? [] : [`${what} does not match its schema: ${describeErrors(validate.errors)}`];
  }

  function check(answer: Answer): string[] {
    const url = new URL(answer.url, 'http://finishline.invalid');
    const method = answer.method.toLowerCase();
    const where = `${answer.method.toUpperCase()} ${url.pathname} → ${answer.status}`;
    const route = routes.find((r) => r.pattern.test(url.pathname));
    const operation = route ? (doc.paths[route.template]?.[method] as OperationObject | undefined) : undefined;
    const contentType = answer.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();

    if (!route || !operation || !METHODS.includes(method)) {
      // The one answer for everything the document does not list: 404 not_found in the envelope.
      if (answer.status !== 404) return [`${where}: no documented operation for this method and path`];
      if (contentType !== 'application/json') return [`${where}: an unknown route answered ${contentType}, not JSON`];
      return parseAndValidate('unknown-route', { $ref: '#/components/schemas/Error' }, answer.body, where);
    }

    const name = operation.operationId ?? `${method} ${route.template}`;
    const status = String(answer.status);
    const responses = operation.responses ?? {};
    const documented = responses[status] ?? responses[`${status[0]}XX`] ?? responses.default;
    if (!documented) return [`${where}: status ${status} is not documented for ${name}`];

    const problems: string[] = [];
    for (const [header, spec] of Object.entries(documented.headers ?? {})) {
      const value = answer.headers.get(header);
      if (value === null) {
        if (spec.required) problems.push(`${where}: required header ${header} is missing`);
        continue;
      }
      if (!spec.schema) continue;
      // Header values are text on the wire; a numeric schema describes the number they spell.
      const numeric = spec.schema.type === 'integer' || spec.schema.type === 'number';
      const typed = numeric && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
      problems.push(
        ...validateValue(`${name} ${status} header ${header}`, spec.schema, typed, `${where}: header ${header}`),
      );
    }

    const content = documented.content;
    if (!content) {
      if (answer.body !== '') problems.push(`${where}: a body was sent, but ${name} ${status} documents none`);
      return problems;
    }
    if (!contentType) return [...problems, `${where}: no Content-Type (documented: ${Object.keys(content)})`];
    const media = content[contentType];
    if (!media) {
      return [...problems, `${where}: answered ${contentType}, documented: ${Object.keys(content).join(', ')}`];
    }
    if (!media.schema) return [...problems, `${where}: ${name} ${status} ${contentType} has no documented schema`];
    const key = `${name} ${status} ${contentType}`;
    if (contentType === 'application/json' || contentType.endsWith('+json')) {
      problems.push(...parseAndValidate(key, media.schema, answer.body, where));
    } else {
      problems.push(...validateValue(key, media.schema, answer.body, `${where}: body`));
    }
    return problems;
  }

  function parseAndValidate(key: string, schema: JsonSchema, body: string, where: string): string[] {
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch {
      return [`${where}: the body is not JSON: ${body.slice(0, 80)}`];
    }
    return validateValue(key, schema, value, `${where}: body`);
  }

  return { check };
}

/**
 * Vitest hook for an HTTP suite: after the target is up, loads the document it serves
 * (/openapi.json), then checks every answer the suite's `fetch` calls get from that target. Each
 * test fails (in afterEach) when one of its answers does not match the document. Call it after the
 * hook that starts the target.
 */
export function checkAnswersAgainstOpenApi(getTarget: () => Target): void {
  let original: typeof fetch | undefined;
  const pending: Promise<string[]>[] = [];

  beforeAll(async () => {
    const target = getTarget();
    const origin = new URL(target.url).origin;
    const res = await fetch(`${target.url}/openapi.json`);
    const text = await res.text();
    expect(res.status).toBe(200);
    const active = contractChecker(JSON.parse(text) as OpenApiLike);
    // The first answer checked: the document itself.
    const self = { method: 'GET', url: res.url, status: res.status, headers: res.headers, body: text };
    pending.push(Promise.resolve(active.check(self)));
    const unwrapped = globalThis.fetch;
    original = unwrapped;
    globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      const response = await unwrapped(input, init);
      const url = input instanceof Request ? input.url : String(input);
      if (new URL(url).origin === origin) {
        const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
        pending.push(answerOf(method, url, response).then((answer) => active.check(answer)));
      }
      return response;
    };
  });

  afterEach(async () => {
    const problems = (await Promise.all(pending.splice(0))).flat();
    expect(problems, 'answers that do not match /openapi.json').toEqual([]);
  });

  afterAll(() => {
    if (original) globalThis.fetch = original;
  });
}
