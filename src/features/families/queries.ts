// SQL for families: households of the students a principal sees (and a guardian's own), with their visible members.
import { sql, type Insertable, type Selectable, type SqlBool } from 'kysely';
import type { Principal } from '../../auth/principal.ts';
import { canSeeStudent } from '../../auth/policy.ts';
import type { Executor } from '../../db/database.ts';
import type { Families } from '../../db/types.ts';
import type { CursorKey } from '../../http/paging.ts';
import { canSeeGuardian } from '../../auth/policy.ts';
import { afterTitle, containsPattern } from '../students/roster-common.ts';
import type { FamilyListQuery } from './schemas.ts';
import { visibleById, visibleByIds } from '../../auth/visible-by-id.ts';

export type FamilyRow = Selectable<Families> & { guardianIds: string[]; studentIds: string[] };

function visibleFamilies(db: Executor, principal: Principal) {
  return db.selectFrom('families as f').selectAll('f')
    .select((eb) => [
      sql<string[]>`array(${eb.selectFrom('guardians as fg').select('fg.id').whereRef('fg.familyId', '=', 'f.id')
        .where((w) => canSeeGuardian(w, principal, 'fg.id', 'fg.familyId')).orderBy('fg.id')})`.as('guardianIds'),
      sql<string[]>`array(${eb.selectFrom('students as fs').select('fs.id').whereRef('fs.familyId', '=', 'f.id')
        .where((w) => canSeeStudent(w, principal, 'fs.id')).orderBy('fs.id')})`.as('studentIds'),
    ])
    .where((eb) => {
      if (principal.role === 'district_admin' || principal.role === 'integration') return sql<SqlBool>`true`;
      const ofVisibleStudent = eb('f.id', 'in', eb.selectFrom('students as vs').select('vs.familyId')
        .where((w) => canSeeStudent(w, principal, 'vs.id')));
      if (principal.role !== 'guardian') return ofVisibleStudent;
      return eb.or([ofVisibleStudent, eb('f.id', 'in', eb.selectFrom('guardians as me').select('me.familyId')
        .where('me.id', '=', principal.sub).where('me.status', '=', 'active'))]);
    });
}

export const findFamily = visibleById<FamilyRow>('f', visibleFamilies);

export async function listFamilyRows(db: Executor, principal: Principal, filter: FamilyListQuery,
  after: CursorKey | undefined, limit: number): Promise<FamilyRow[]> {
  let query = visibleFamilies(db, principal);
  if (filter.status) query = query.where('f.status', '=', filter.status);
  if (filter.updatedSince) query = query.where('f.updatedAt', '>=', new Date(filter.updatedSince));
  if (filter.q) query = query.where('f.name', 'ilike', containsPattern(filter.q));
  if (filter.studentId) {
    const studentId = filter.studentId;
    query = query.where((eb) => eb.exists(eb.selectFrom('students as xs').select('xs.id').whereRef('xs.familyId', '=', 'f.id').where('xs.id', '=', studentId)));
  }
  if (filter.guardianId) {
    const guardianId = filter.guardianId;
    query = query.where((eb) => eb.exists(eb.selectFrom('guardians as xg').select('xg.id').whereRef('xg.familyId', '=', 'f.id').where('xg.id', '=', guardianId)));
  }
  if (after) query = query.where(afterTitle('f.name', 'f.id', after));
  return query.orderBy('f.name').orderBy('f.id').limit(limit + 1).execute();
}

export async function insertFamily(db: Executor, values: Insertable<Families>): Promise<string> {
  const { id } = await db.insertInto('families').values(values).returning('id').executeTakeFirstOrThrow();
  return id;
}

export async function familyExists(db: Executor, id: string): Promise<boolean> {
  return (await db.selectFrom('families').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}

/** Visible families by id, with their visible members. */
export const findFamilyRows = visibleByIds<FamilyRow>('f', visibleFamilies);
