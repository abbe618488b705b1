// Shared TypeBox building blocks: formats, paging, problem responses; one source for validation, types and OpenAPI.
import { Type, type TSchema, type TObject, type TProperties } from '@sinclair/typebox';

export const Uuid = (options: { description?: string } = {}) => Type.String({ format: 'uuid', ...options });
export const DateTime = (options: { description?: string } = {}) => Type.String({ format: 'date-time', ...options });
export const DateOnly = (options: { description?: string } = {}) => Type.String({ format: 'date', ...options });
export const Email = () => Type.String({ format: 'email', maxLength: 320 });
/** E.164: +, country code, subscriber number, 8–15 digits. */
export const Phone = () => Type.String({ pattern: '^\\+[1-9][0-9]{6,14}$', description: 'E.164 phone number, e.g. +15551234567' });
/** A BCP 47 language tag (language[-script][-region][-variant]). */
export const LanguageTag = () => Type.String({
  pattern: '^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?(-[A-Za-z0-9]{5,8})*$',
  maxLength: 35,
  description: 'BCP 47 language tag, e.g. es, zh-Hant, pt-BR',
});
/** Text PostgreSQL can store: no NUL character (it would fail in the database, not here). */
export const NO_NUL_PATTERN = '^[^\\u0000]*$';

export const Text = (maxLength: number, options: { minLength?: number; description?: string } = {}) =>
  Type.String({ maxLength, pattern: NO_NUL_PATTERN, ...options });

export function StringEnum<const T extends readonly string[]>(values: T, options: { description?: string; default?: T[number] } = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const PageInfo = Type.Object({
  nextCursor: Nullable(Type.String({ description: 'Pass as ?cursor= for the next page; null on the last page' })),
}, { additionalProperties: false });

/** `{ data: [...], page: { nextCursor } }`. */
export function PageOf<T extends TSchema>(item: T) {
  return Type.Object({ data: Type.Array(item), page: PageInfo }, { additionalProperties: false });
}

export const PagingQuery = {
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50, description: 'Page size (1–500)' }),
  cursor: Type.String({ maxLength: 1000, description: 'Opaque cursor from page.nextCursor' }),
};

/** A list endpoint's query string: paging plus the feature's filters, all optional, unknown ones rejected. */
export function ListQuery<P extends TProperties>(filters: P) {
  return Type.Partial(Type.Object({ ...PagingQuery, ...filters }), { additionalProperties: false });
}

export const IdParams = Type.Object({ id: Uuid() }, { additionalProperties: false });

export const Problem = Type.Object({
  type: Type.String(),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.String(),
  code: Type.String(),
  instance: Type.Optional(Type.String()),
  requestId: Type.Optional(Type.String()),
  errors: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
}, { $id: 'Problem', description: 'RFC 9457 problem details' });

/** A documented problem+json response, for statuses a route adds to the shared ones. */
export const problemRef = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: Type.Ref('Problem') } },
});

/** The error responses every protected route can give, documented once. */
export const ErrorResponses = {
  400: problemRef('Invalid input (errors[] names each field)'),
  401: problemRef('Missing, invalid or expired bearer token'),
  403: problemRef('The token does not allow this operation'),
  404: problemRef('No such record, or not visible to the caller'),
  429: problemRef('Rate limit reached (see RateLimit-* and Retry-After)'),
  503: problemRef('Overloaded, the database is unreachable, or its schema changed during the request (see Retry-After)'),
} as const;

export const WriteErrorResponses = {
  ...ErrorResponses,
  409: problemRef('Conflicts with the current state (e.g. a unique value, an idempotency key in flight)'),
  412: problemRef('If-Match does not match the current ETag'),
  413: problemRef('The body is larger than this route accepts'),
  415: problemRef('The body has a content type this route does not accept'),
  422: problemRef('Breaks a domain rule, or an Idempotency-Key reused with another body'),
} as const;

export function withErrors<R extends Record<number, unknown>>(responses: R, write = false) {
  return { ...(write ? WriteErrorResponses : ErrorResponses), ...responses };
}

export type { TObject };
