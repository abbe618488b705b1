// SQL for contact logs: the visible-row base query, filters, keyset order, and writes.
import { containsPattern, studentInClass, studentInSchool } from '../../db/filters.ts';
import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Principal } from '../../auth/principal.ts';
import { canSeeStudent, familyOnly } from '../../auth/policy.ts';
import type { Executor } from '../../db/database.ts';
import type { ContactLogs } from '../../db/types.ts';
import { afterTimeKey, timeKey, type CursorKey } from '../../http/paging.ts';
import { firstRowsPerParent } from '../../db/batch.ts';
import type { ContactLogListQuery } from './schemas.ts';
import { visibleById } from '../../auth/visible-by-id.ts';

export type ContactLogRow = Selectable<ContactLogs> & { guardianIds: string[]; cursorAt: string };

/** Contact logs the principal may see: logs of visible students; guardians only family-visible ones. */
export function visibleContactLogs(db: Executor, principal: Principal) {
  let query = db.selectFrom('contactLogs as cl')
    .selectAll('cl')
    .select(sql<string[]>`array(select g.guardian_id from contact_log_guardians g where g.contact_log_id = cl.id order by g.guardian_id)`.as('guardianIds'))
    .select(timeKey('cl.occurredAt').as('cursorAt'))
    .where((eb) => canSeeStudent(eb, principal, 'cl.studentId'));
  if (familyOnly(principal)) query = query.where('cl.visibility', '=', 'family');
  return query;
}

export const findContactLog = visibleById<ContactLogRow>('cl', visibleContactLogs);

export async function listContactLogRows(db: Executor, principal: Principal, filter: ContactLogListQuery,
  after: CursorKey | undefined, limit: number): Promise<ContactLogRow[]> {
  let query = visibleContactLogs(db, principal);
  if (filter.studentId) query = query.where('cl.studentId', '=', filter.studentId);
  if (filter.authorId) query = query.where('cl.authorId', '=', filter.authorId);
  if (filter.purpose) query = query.where('cl.purpose', '=', filter.purpose);
  if (filter.channel) query = query.where('cl.channel', '=', filter.channel);
  if (filter.direction) query = query.where('cl.direction', '=', filter.direction);
  if (filter.visibility) query = query.where('cl.visibility', '=', filter.visibility);
  if (filter.from) query = query.where('cl.occurredAt', '>=', new Date(filter.from));
  if (filter.to) query = query.where('cl.occurredAt', '<', new Date(filter.to));
  if (filter.updatedSince) query = query.where('cl.updatedAt', '>=', new Date(filter.updatedSince));
  if (filter.followUpOpen !== undefined) {
    query = filter.followUpOpen
      ? query.where('cl.followUpDue', 'is not', null).where('cl.followUpDoneAt', 'is', null)
      : query.where((eb) => eb.or([eb('cl.followUpDue', 'is', null), eb('cl.followUpDoneAt', 'is not', null)]));
  }
  if (filter.guardianId) {
    const guardianId = filter.guardianId;
    query = query.where((eb) => eb.exists(eb.selectFrom('contactLogGuardians as f').select('f.guardianId')
      .whereRef('f.contactLogId', '=', 'cl.id').where('f.guardianId', '=', guardianId)));
  }
  const { schoolId, classId } = filter;
  if (schoolId) query = query.where((eb) => studentInSchool(eb, 'cl.studentId', schoolId));
  if (classId) query = query.where((eb) => studentInClass(eb, 'cl.studentId', classId));
  if (filter.q) {
    const pattern = containsPattern(filter.q);
    query = query.where((eb) => eb.or([eb('cl.summary', 'ilike', pattern), eb('cl.familyInput', 'ilike', pattern)]));
  }
  if (after) query = query.where(afterTimeKey('cl.occurredAt', 'cl.id', after, 'desc'));
  return query.orderBy('cl.occurredAt', 'desc').orderBy('cl.id', 'desc').limit(limit + 1).execute();
}

export async function insertContactLog(db: Executor, values: Insertable<ContactLogs>, guardianIds: string[]): Promise<string> {
  const { id } = await db.insertInto('contactLogs').values(values).returning('id').executeTakeFirstOrThrow();
  await replaceContactLogGuardians(db, id, values.studentId, guardianIds);
  return id;
}

export async function replaceContactLogGuardians(db: Executor, id: string, studentId: string, guardianIds: string[]): Promise<void> {
  await db.deleteFrom('contactLogGuardians').where('contactLogId', '=', id).execute();
  if (guardianIds.length > 0) {
    await db.insertInto('contactLogGuardians')
      .values(guardianIds.map((guardianId) => ({ contactLogId: id, studentId, guardianId }))).execute();
  }
}

export async function updateContactLogRow(db: Executor, id: string, values: Updateable<ContactLogs>): Promise<void> {
  if (Object.keys(values).length === 0) return;
  await db.updateTable('contactLogs').set(values).where('id', '=', id).execute();
}

export async function deleteContactLogRow(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('contactLogs').where('id', '=', id).execute();
}

/** Filters a relation (Student.contactLogs) offers. */
export interface ContactLogRelationFilter {
  purpose?: string;
  visibility?: 'staff' | 'family';
}

/** Each student's visible logs, newest first: the first limit+1 per student in one windowed query. */
export async function listContactLogRowsOfStudents(db: Executor, principal: Principal, studentIds: string[], filter: ContactLogRelationFilter,
  after: CursorKey | undefined, limit: number): Promise<ContactLogRow[]> {
  if (studentIds.length === 0) return [];
  let inner = visibleContactLogs(db, principal).where('cl.studentId', 'in', studentIds);
  if (filter.purpose) inner = inner.where('cl.purpose', '=', filter.purpose);
  if (filter.visibility) inner = inner.where('cl.visibility', '=', filter.visibility);
  if (after) inner = inner.where(afterTimeKey('cl.occurredAt', 'cl.id', after, 'desc'));
  return firstRowsPerParent(db, inner, 'cl.studentId', sql`cl.occurred_at desc, cl.id desc`, 'studentId', limit);
}
