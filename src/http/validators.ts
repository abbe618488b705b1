// Validator compilers: query strings, params and headers are coerced from text; JSON bodies are checked as sent.
import AjvCompiler from '@fastify/ajv-compiler';
import type { FastifyServerOptions } from 'fastify';

const shared = { removeAdditional: false, useDefaults: true, allErrors: true } as const;

/**
 * One compiler would coerce `null` to "" in a body's nullable string (anyOf [string, null]) and numbers to strings;
 * a body keeps the JSON types the client sent, while text parts (query, params, headers) are coerced.
 */
// One factory per flavour for the process: each caches its Ajv instances per set of shared schemas.
const bodyCompilers = AjvCompiler();
const textCompilers = AjvCompiler();

export const schemaController: FastifyServerOptions['schemaController'] = {
  compilersFactory: {
    buildValidator: (externalSchemas: Record<string, unknown>) => {
      const forBody = bodyCompilers(externalSchemas as never, { customOptions: { ...shared, coerceTypes: false } });
      const forText = textCompilers(externalSchemas as never, { customOptions: { ...shared, coerceTypes: 'array' } });
      return (route) => (route.httpPart === 'body' ? forBody(route as never) : forText(route as never));
    },
  },
};

/**
 * A preValidation hook for query lists documented as "comma-separated or repeated": `types=a,b`, `types=a&types=b` and
 * a mix of both reach the schema as one array `[a, b]`.
 */
export function commaSeparatedQuery(...names: string[]) {
  return async (request: { query: unknown }): Promise<void> => {
    const query = request.query as Record<string, unknown>;
    for (const name of names) {
      const value = query[name];
      if (typeof value === 'string' || Array.isArray(value)) {
        query[name] = ([] as unknown[]).concat(value).flatMap((item) => (typeof item === 'string' ? item.split(',') : [item]));
      }
    }
  };
}
