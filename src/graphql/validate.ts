// GraphQL inputs are checked against the same TypeBox schemas as REST bodies, so a rule is never written twice.
import type { TSchema, Static } from '@sinclair/typebox';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { ValidationError } from '../http/errors.ts';

const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: true, coerceTypes: false });
addFormats.default(ajv);
const compiled = new WeakMap<TSchema, ValidateFunction>();

/** Returns the input (with schema defaults applied) or throws a ValidationError whose paths start at `prefix`. */
export function validateInput<T extends TSchema>(schema: T, input: unknown, prefix = '/input'): Static<T> {
  let validate = compiled.get(schema);
  if (!validate) {
    const { $id: _id, ...withoutId } = schema as TSchema & { $id?: string };
    validate = ajv.compile(withoutId);
    compiled.set(schema, validate);
  }
  const value = structuredClone(input);
  if (!validate(value)) {
    const errors = (validate.errors ?? []).map((e) => {
      const missing = e.keyword === 'required' ? `/${String((e.params as { missingProperty?: string }).missingProperty)}` : '';
      const extra = e.keyword === 'additionalProperties' ? `/${String((e.params as { additionalProperty?: string }).additionalProperty)}` : '';
      return { path: `${prefix}${e.instancePath}${missing}${extra}`, message: e.keyword === 'additionalProperties' ? 'is not an allowed field' : (e.message ?? 'is invalid') };
    });
    throw new ValidationError(errors.map((e) => `${e.path} ${e.message}`).join('; '), errors);
  }
  return value as Static<T>;
}
