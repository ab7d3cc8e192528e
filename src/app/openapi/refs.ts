// How the document's parts point at its component schemas (components.ts): by `$ref`.

export type JsonSchema = Record<string, unknown>;

/** A reference to a component schema, and a JSON body of that schema. */
export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
export const json = (name: string) => ({ 'application/json': { schema: ref(name) } });
/** The `:id` of a path, a UUID. */
export const idParam = (description: string) => ({
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string', format: 'uuid' },
  description,
});

/** The sign-up's body, on the outbox route and the strategies' alike. */
export const registrationBody = { required: true, content: json('RegistrationInput') };

/**
 * The one distance of the stand-in race that components.generated.json is converted for (schemas.ts),
 * where components.ts puts the race's own: no race's (a distance id is lowercase letters, digits, dashes).
 */
export const ANY_DISTANCE = '{distance}';
