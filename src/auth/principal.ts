// Who is calling: JWT claims mapped to a Principal, rejecting tokens whose claims do not make sense.
import { UnauthenticatedError } from '../http/errors.ts';

export const ROLES = ['district_admin', 'school_admin', 'teacher', 'guardian', 'integration'] as const;
export type Role = (typeof ROLES)[number];

export const SCOPES = ['roster:read', 'roster:write', 'partnership:read', 'partnership:write', 'reports:read'] as const;
export type Scope = (typeof SCOPES)[number];

export interface Principal {
  role: Role;
  /** The staff id (teacher, school_admin), guardian id (guardian), admin or client id (district_admin, integration). */
  sub: string;
  schoolIds: string[];
  scopes: Scope[];
}

export interface TokenClaims {
  role?: unknown;
  sub?: unknown;
  schoolIds?: unknown;
  scope?: unknown;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

export function principalFromClaims(claims: TokenClaims): Principal {
  const { role, sub } = claims;
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) {
    throw new UnauthenticatedError('The token has no recognised role claim');
  }
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > 200) {
    throw new UnauthenticatedError('The token has no subject (sub) claim');
  }
  if ((role === 'teacher' || role === 'guardian' || role === 'school_admin') && !isUuid(sub)) {
    throw new UnauthenticatedError(`A ${role} token's sub must be the ${role === 'guardian' ? 'guardian' : 'staff'} id (a UUID)`);
  }
  const schoolIds = claims.schoolIds ?? [];
  if (!Array.isArray(schoolIds) || !schoolIds.every(isUuid)) {
    throw new UnauthenticatedError('The schoolIds claim must be a list of school ids');
  }
  const rawScope = claims.scope ?? '';
  if (typeof rawScope !== 'string') throw new UnauthenticatedError('The scope claim must be a space-separated string');
  const scopes = rawScope.split(/\s+/).filter((s) => s.length > 0);
  const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (unknown.length > 0) throw new UnauthenticatedError(`Unknown scope ${unknown.join(', ')}`);
  return { role: role as Role, sub, schoolIds: [...new Set(schoolIds as string[])], scopes: scopes as Scope[] };
}
