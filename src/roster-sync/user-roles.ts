// OneRoster user roles → the kinds of person the data model keeps (students, staff, guardians) and staff roles.
import type { Relationship, StaffRole } from './entities.ts';
import { GUARDIAN, STAFF, STUDENT } from './read-state.ts';

const STAFF_ROLES: Record<string, StaffRole> = {
  teacher: 'teacher', aide: 'aide', administrator: 'administrator', proctor: 'proctor',
  districtAdministrator: 'administrator', siteAdministrator: 'administrator', systemAdministrator: 'administrator',
  principal: 'administrator', counselor: 'administrator',
};
const GUARDIAN_ROLES = new Set(['guardian', 'parent', 'relative']);

export function kindOfRole(role: string): number {
  if (role === 'student') return STUDENT;
  if (role in STAFF_ROLES) return STAFF;
  if (GUARDIAN_ROLES.has(role)) return GUARDIAN;
  return 0;
}

export function staffRoleOf(role: string): StaffRole | null {
  return STAFF_ROLES[role] ?? null;
}

export function isGuardianRole(role: string): boolean {
  return GUARDIAN_ROLES.has(role);
}

const RELATIONSHIPS = new Set<Relationship>(['mother', 'father', 'parent', 'stepparent', 'grandparent',
  'foster_parent', 'guardian', 'sibling', 'aunt_uncle', 'relative', 'other']);
const RELATIONSHIP_WORDS: Record<string, Relationship> = {
  mom: 'mother', dad: 'father', stepmother: 'stepparent', stepfather: 'stepparent', grandmother: 'grandparent',
  grandfather: 'grandparent', fosterparent: 'foster_parent', aunt: 'aunt_uncle', uncle: 'aunt_uncle',
  brother: 'sibling', sister: 'sibling', legalguardian: 'guardian',
};

/** A relationship written in a metadata column (`Mother`, `foster parent`, `grandmother`...), or null. */
export function parseRelationship(raw: string): Relationship | null {
  const word = raw.trim().toLowerCase().replace(/[\s-]+/g, '_');
  if (RELATIONSHIPS.has(word as Relationship)) return word as Relationship;
  return RELATIONSHIP_WORDS[word.replace(/_/g, '')] ?? null;
}

/**
 * The relationship of a guardian to the students they are linked to: an explicit metadata value wins, then a
 * parent's sex from demographics (mother/father), then the OneRoster role itself.
 */
export function relationshipOf(role: string, explicit: Relationship | null, sex: string | null): Relationship {
  if (explicit) return explicit;
  if (role === 'parent') return sex === 'female' ? 'mother' : sex === 'male' ? 'father' : 'parent';
  if (role === 'relative') return 'relative';
  return 'guardian';
}
