// Custom GraphQL scalars, validated on input with the same formats as the REST schemas.
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';

function scalar(name: string, description: string, check: (value: string) => boolean, normalise: (value: string) => string = (v) => v) {
  const parse = (value: unknown): string => {
    if (typeof value !== 'string' || !check(value)) {
      throw new GraphQLError(`${name} cannot represent ${JSON.stringify(value)}: ${description}`, { extensions: { code: 'BAD_USER_INPUT' } });
    }
    return normalise(value);
  };
  // The description lives in schema/base.graphql, the contract.
  return new GraphQLScalarType({
    name,
    serialize: (value) => (value instanceof Date ? value.toISOString() : value),
    parseValue: parse,
    parseLiteral: (ast: ValueNode) => parse(ast.kind === Kind.STRING ? ast.value : undefined),
  });
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE_TIME_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const EMAIL_PATTERN = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const PHONE_PATTERN = /^\+[1-9][0-9]{6,14}$/;
const LANGUAGE_PATTERN = /^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?(-[A-Za-z0-9]{5,8})*$/;

function validDate(value: string): boolean {
  return !Number.isNaN(Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value))
    && new Date(value.length === 10 ? `${value}T00:00:00Z` : value).toISOString().slice(0, 10) === value.slice(0, 10);
}

const jsonObject = new GraphQLScalarType({
  name: 'JSONObject',
  serialize: (value) => value,
  parseValue: (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new GraphQLError('JSONObject cannot represent a non-object value', { extensions: { code: 'BAD_USER_INPUT' } });
    }
    return value;
  },
  parseLiteral: () => {
    throw new GraphQLError('JSONObject values are accepted as variables only', { extensions: { code: 'BAD_USER_INPUT' } });
  },
});

export const scalarResolvers = {
  JSONObject: jsonObject,
  UUID: scalar('UUID', 'a UUID', (v) => UUID_PATTERN.test(v), (v) => v.toLowerCase()),
  DateTime: scalar('DateTime', 'an RFC 3339 date-time with a time zone', (v) => DATE_TIME_PATTERN.test(v) && !Number.isNaN(Date.parse(v))),
  Date: scalar('Date', 'a calendar date, YYYY-MM-DD', (v) => DATE_PATTERN.test(v) && validDate(v)),
  EmailAddress: scalar('EmailAddress', 'an email address', (v) => v.length <= 320 && EMAIL_PATTERN.test(v)),
  PhoneNumber: scalar('PhoneNumber', 'an E.164 phone number such as +15551234567', (v) => PHONE_PATTERN.test(v)),
  LanguageTag: scalar('LanguageTag', 'a BCP 47 language tag such as es or zh-Hant', (v) => v.length <= 35 && LANGUAGE_PATTERN.test(v)),
};
