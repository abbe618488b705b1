// Renders every error as application/problem+json (RFC 9457): typed errors, schema validation, database and framework errors.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { isStaleStatement } from '../db/prepared.ts';
import { AppError, type ErrorCode, type FieldError } from './errors.ts';
import { NO_NUL_PATTERN } from './schemas.ts';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
}

const PROBLEM_BASE = 'https://kinship-api.dev/problems/';

function problemType(code: ErrorCode): string {
  return PROBLEM_BASE + code.replace(/^KINSHIP_/, '').toLowerCase().replace(/_/g, '-');
}

interface PgError {
  code: string;
  constraint?: string;
  detail?: string;
  column?: string;
}

function isPgError(error: unknown): error is PgError {
  return typeof error === 'object' && error !== null && typeof (error as PgError).code === 'string'
    && /^[0-9A-Z]{5}$/.test((error as PgError).code) && 'severity' in error;
}

/** Maps a PostgreSQL error raised by a request's own data to a client error; other database errors stay 5xx. */
export function appErrorFromPg(error: PgError): AppError | undefined {
  const where = error.constraint ? ` (${error.constraint})` : '';
  switch (error.code) {
    case '23505':
      return new AppError(409, 'KINSHIP_CONFLICT', 'Conflict', `A record with the same unique value already exists${where}`);
    case '23503':
      return new AppError(422, 'KINSHIP_UNPROCESSABLE', 'Request breaks a rule', `A referenced record does not exist or does not match${where}`);
    case '23514':
    case '23502':
      return new AppError(422, 'KINSHIP_UNPROCESSABLE', 'Request breaks a rule', `A value breaks a data rule${where}`);
    case '22021':
    case '22P05':
      return new AppError(400, 'KINSHIP_VALIDATION', 'Invalid request', 'A text value holds a character that cannot be stored (such as NUL)');
    case '22P02':
    case '22007':
    case '22008':
    case '22003':
    case '22001':
      return new AppError(400, 'KINSHIP_VALIDATION', 'Invalid request', 'A value has the wrong format or is out of range');
    case '53300':
    case '53400':
    case '57P01':
    case '57P03':
    case '08000':
    case '08003':
    case '08006':
      return new AppError(503, 'KINSHIP_UNAVAILABLE', 'Service unavailable', 'The database is not reachable; try again shortly', undefined, { 'retry-after': '5' });
    default:
      // A prepared statement the server no longer matches (a migration by another instance changed a table's
      // columns, or a pooler reset the session): the next try prepares it afresh (src/db/prepared.ts).
      return isStaleStatement(error)
        ? new AppError(503, 'KINSHIP_UNAVAILABLE', 'Service unavailable', 'The database schema or session changed during the request; try again',
          undefined, { 'retry-after': '1' })
        : undefined;
  }
}

function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  const message = String((error as Error).message ?? '');
  return code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'ETIMEDOUT'
    || /Connection terminated|timeout exceeded when trying to connect/i.test(message);
}

function fromValidation(error: FastifyError): FieldError[] {
  const context = error.validationContext ?? 'body';
  return (error.validation ?? []).map((v) => {
    const missing = v.keyword === 'required' ? `/${String((v.params as { missingProperty?: string }).missingProperty)}` : '';
    const extra = v.keyword === 'additionalProperties'
      ? `/${String((v.params as { additionalProperty?: string }).additionalProperty)}` : '';
    const message = v.keyword === 'additionalProperties' ? 'is not an allowed field'
      : v.keyword === 'pattern' && (v.params as { pattern?: string }).pattern === NO_NUL_PATTERN ? 'must not contain NUL characters'
        : (v.message ?? 'is invalid');
    return { path: `/${context}${v.instancePath}${missing}${extra}`, message };
  });
}

/** Converts anything thrown into an AppError (never exposing internals). */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const errors = fromValidation(fastifyError);
    const summary = errors.map((e) => `${e.path} ${e.message}`).join('; ');
    return new AppError(400, 'KINSHIP_VALIDATION', 'Invalid request', summary || 'The request is invalid', errors);
  }
  if (isPgError(error)) {
    const mapped = appErrorFromPg(error);
    if (mapped) return mapped;
  }
  if (isConnectionError(error)) {
    return new AppError(503, 'KINSHIP_UNAVAILABLE', 'Service unavailable', 'The database is not reachable; try again shortly', undefined, { 'retry-after': '5' });
  }
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code: ErrorCode = status === 401 ? 'KINSHIP_UNAUTHENTICATED'
      : status === 413 ? 'KINSHIP_PAYLOAD_TOO_LARGE'
      : status === 415 ? 'KINSHIP_UNSUPPORTED_MEDIA_TYPE'
      : status === 429 ? 'KINSHIP_RATE_LIMITED'
      : status === 404 ? 'KINSHIP_NOT_FOUND'
      : 'KINSHIP_VALIDATION';
    return new AppError(status, code, titleFor(status), fastifyError.message);
  }
  if (typeof status === 'number' && status === 503) {
    return new AppError(503, 'KINSHIP_UNAVAILABLE', 'Service unavailable', fastifyError.message);
  }
  return new AppError(500, 'KINSHIP_INTERNAL', 'Internal error', 'An unexpected error occurred; it has been logged');
}

function titleFor(status: number): string {
  switch (status) {
    case 400: return 'Invalid request';
    case 401: return 'Unauthenticated';
    case 404: return 'Not found';
    case 405: return 'Method not allowed';
    case 406: return 'Not acceptable';
    case 413: return 'Payload too large';
    case 415: return 'Unsupported media type';
    case 429: return 'Too many requests';
    default: return 'Request error';
  }
}

export function toProblem(error: AppError, request?: FastifyRequest): Problem {
  return {
    type: problemType(error.code),
    title: error.title,
    status: error.status,
    detail: error.message,
    code: error.code,
    ...(request ? { instance: request.url, requestId: String(request.id) } : {}),
    ...(error.errors && error.errors.length > 0 ? { errors: error.errors } : {}),
  };
}

export function sendProblem(reply: FastifyReply, error: AppError): FastifyReply {
  for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
  return reply.code(error.status).type('application/problem+json').send(toProblem(error, reply.request));
}

export const problemPlugin = fp(async (app: FastifyInstance) => {
  app.setErrorHandler((error, request, reply) => {
    const appError = toAppError(error);
    if (appError.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: appError.code, detail: appError.message }, 'request rejected');
    return sendProblem(reply, appError);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, new AppError(404, 'KINSHIP_NOT_FOUND', 'Not found', `No route for ${request.method} ${request.url.split('?')[0]}`)));
}, { name: 'problem' });
