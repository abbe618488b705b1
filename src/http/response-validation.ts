// Test-time contract check: every JSON response must validate against its route's documented response schema.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { Problem } from './schemas.ts';

interface ResponseSchemaEntry {
  content?: Record<string, { schema: unknown }>;
  [key: string]: unknown;
}

export class ResponseContractError extends Error {}

export const responseValidationPlugin = fp(async (app: FastifyInstance) => {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema(Problem);
  const cache = new Map<unknown, ValidateFunction>();

  app.addHook('onSend', async (request, reply, payload) => {
    const responses = request.routeOptions.schema?.response as Record<string, ResponseSchemaEntry> | undefined;
    const contentType = String(reply.getHeader('content-type') ?? '').split(';')[0]?.trim() ?? '';
    if (!/json$/.test(contentType) || typeof payload !== 'string' || reply.statusCode === 304 || reply.statusCode >= 500) return payload;
    const status = reply.statusCode;
    const route = `${request.method} ${request.routeOptions.url}`;
    const entry = responses?.[status] ?? responses?.[`${String(status)[0]}xx`] ?? responses?.default;
    if (!entry) {
      if (request.routeOptions.url?.startsWith('/v1')) {
        throw new ResponseContractError(`${route} answered ${status}, which its schema does not document`);
      }
      return payload;
    }
    const schema = entry.content ? entry.content[contentType]?.schema ?? Object.values(entry.content)[0]?.schema : entry;
    let validate = cache.get(schema);
    if (!validate) {
      // Shared schemas (Type.Ref targets) live on the instance that registered the route.
      for (const [id, shared] of Object.entries(request.server.getSchemas())) {
        if (!ajv.getSchema(id)) ajv.addSchema(shared as object, id);
      }
      validate = ajv.compile(schema as object);
      cache.set(schema, validate);
    }
    if (!validate(JSON.parse(payload))) {
      throw new ResponseContractError(`${route} ${status} does not match its schema: ${ajv.errorsText(validate.errors)}`);
    }
    return payload;
  });
}, { name: 'response-validation' });
