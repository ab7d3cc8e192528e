// The API reference page, rendered on the server from the OpenAPI document: no CDN, no script, so it
// works offline, under the strict CSP and without JavaScript.
import type { Child } from 'hono/jsx';
import type { OpenApiDocument } from '../openapi/index.js';
import { Layout, type Site } from './layout.js';

type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  default?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
};
type Parameter = { name: string; in: string; required?: boolean; description?: string; schema?: Schema };
type Response = {
  description: string;
  headers?: Record<string, unknown>;
  content?: Record<string, { schema?: Schema }>;
};
type Operation = {
  operationId?: string;
  tags?: string[];
  summary?: string;
  description?: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema?: Schema }> };
  responses: Record<string, Response>;
  /** `[]` on public operations: only a non-empty list asks for credentials. */
  security?: unknown[];
};

/** `code` spans in descriptions, nothing else: the text is ours, and JSX escapes it. */
function Text(props: { text?: string }) {
  if (!props.text) return null;
  const parts = props.text.split('`');
  return <>{parts.map((part, i) => (i % 2 ? <code>{part}</code> : part))}</>;
}

function refName(schema?: Schema): string | undefined {
  return schema?.$ref?.split('/').pop();
}

/** The named schema an answer uses; an error answer is `allOf: [Error, { its codes }]`. */
function answerSchemaName(schema?: Schema): string | undefined {
  return refName(schema) ?? schema?.allOf?.map(refName).find(Boolean);
}

function describeType(schema: Schema): string {
  if (schema.$ref) return refName(schema) ?? 'object';
  if (schema.anyOf) return schema.anyOf.map(describeType).join(' | ');
  if (schema.oneOf) return schema.oneOf.map(describeType).join(' | ');
  if (schema.properties && !schema.type) return 'object';
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  const type = Array.isArray(schema.type) ? schema.type.join(' | ') : (schema.type ?? 'any');
  if (type === 'array' && schema.items) return `${describeType(schema.items)}[]`;
  return schema.format ? `${type} (${schema.format})` : type;
}

function constraints(schema: Schema): string {
  const out: string[] = [];
  if (schema.minLength !== undefined) out.push(`min length ${schema.minLength}`);
  if (schema.maxLength !== undefined) out.push(`max length ${schema.maxLength}`);
  if (schema.minimum !== undefined) out.push(`≥ ${schema.minimum}`);
  if (schema.maximum !== undefined) out.push(`≤ ${schema.maximum}`);
  if (schema.pattern) out.push(`pattern ${schema.pattern}`);
  if (schema.default !== undefined) out.push(`default ${JSON.stringify(schema.default)}`);
  return out.join(', ');
}

function SchemaTable(props: { schema: Schema }): Child {
  const variants = props.schema.oneOf;
  if (variants) {
    return (
      <>
        <p>One of:</p>
        {variants.map((variant) => (
          <SchemaTable schema={variant} />
        ))}
      </>
    );
  }
  const properties = Object.entries(props.schema.properties ?? {});
  if (properties.length === 0) return <p>{describeType(props.schema)}</p>;
  const required = new Set(props.schema.required ?? []);
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">field</th>
          <th scope="col">type</th>
          <th scope="col">rules</th>
        </tr>
      </thead>
      <tbody>
        {properties.map(([name, schema]) => (
          <tr>
            <td>
              <code>{name}</code>
              {required.has(name) ? ' (required)' : ''}
            </td>
            <td>
              {refName(schema) ? <a href={`#schema-${refName(schema)}`}>{refName(schema)}</a> : describeType(schema)}
            </td>
            <td>{constraints(schema)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function OperationView(props: { method: string; path: string; op: Operation }) {
  const { method, path, op } = props;
  const body = op.requestBody?.content?.['application/json']?.schema;
  return (
    <section class="operation" id={op.operationId ?? `${method}-${path}`}>
      <h3>
        <span class={`method method-${method}`}>{method.toUpperCase()}</span> <code>{path}</code>
      </h3>
      <p>
        <Text text={op.summary} />
        {op.security?.length ? ' — admin token required.' : ''}
      </p>
      {op.operationId ? (
        <p>
          operationId <code>{op.operationId}</code>
        </p>
      ) : null}
      {op.description ? (
        <p>
          <Text text={op.description} />
        </p>
      ) : null}
      {op.parameters?.length ? (
        <>
          <h4>Parameters</h4>
          <ul>
            {op.parameters.map((p) => (
              <li>
                <code>{p.name}</code> ({p.in}
                {p.required ? ', required' : ''}) — {p.schema ? describeType(p.schema) : ''}
                {p.schema && constraints(p.schema) ? `, ${constraints(p.schema)}` : ''}
                {p.description ? '. ' : ''}
                <Text text={p.description} />
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {body ? (
        <>
          <h4>Request body (JSON)</h4>
          <p>
            <a href={`#schema-${refName(body)}`}>{refName(body)}</a>
          </p>
        </>
      ) : null}
      <h4>Responses</h4>
      <ul>
        {Object.entries(op.responses).map(([status, response]) => {
          const [mediaType, media] = Object.entries(response.content ?? {})[0] ?? [];
          const name = answerSchemaName(media?.schema);
          const headers = Object.keys(response.headers ?? {});
          return (
            <li>
              <strong>{status}</strong> <Text text={response.description} />
              {name ? (
                <>
                  {' '}
                  — <a href={`#schema-${name}`}>{name}</a>
                </>
              ) : mediaType && media?.schema ? (
                <>
                  {' '}
                  — <code>{mediaType}</code>
                </>
              ) : null}
              {headers.length ? (
                <>
                  {'; headers '}
                  {headers.map((header, i) => (
                    <>
                      {i ? ', ' : ''}
                      <code>{header}</code>
                    </>
                  ))}
                </>
              ) : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

export function ApiDocsPage(props: { doc: OpenApiDocument; site: Site }) {
  const { doc } = props;
  const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods as Record<string, Operation>).map(([method, op]) => ({ path, method, op })),
  );
  const sections: Child[] = doc.tags.map((tag) => {
    const mine = operations.filter((o) => o.op.tags?.includes(tag.name));
    return (
      <section id={`tag-${tag.name}`}>
        <h2>{tag.name}</h2>
        {'description' in tag && tag.description ? <p>{tag.description}</p> : null}
        {mine.map((o) => (
          <OperationView method={o.method} path={o.path} op={o.op} />
        ))}
      </section>
    );
  });
  return (
    <Layout title={`API — ${doc.info.title}`} site={props.site}>
      <h1>{doc.info.title}</h1>
      <p>
        <Text text={doc.info.description} />
      </p>
      <p>
        Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI {doc.openapi}).
      </p>
      <nav aria-label="Sections">
        <ul>
          {doc.tags.map((tag) => (
            <li>
              <a href={`#tag-${tag.name}`}>{tag.name}</a>
            </li>
          ))}
          <li>
            <a href="#schemas">schemas</a>
          </li>
        </ul>
      </nav>
      {sections}
      <section id="schemas">
        <h2>Schemas</h2>
        {Object.entries(doc.components.schemas).map(([name, schema]) => (
          <section id={`schema-${name}`}>
            <h3>{name}</h3>
            <SchemaTable schema={schema as Schema} />
          </section>
        ))}
      </section>
    </Layout>
  );
}
