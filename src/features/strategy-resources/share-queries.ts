// SQL for resource shares: the visible-share base query (with the resource at a glance), filters, keyset order, writes.
import { sql, type Insertable } from 'kysely';
import type { Principal } from '../../auth/principal.ts';
import { canSeeStudent } from '../../auth/policy.ts';
import type { Executor } from '../../db/database.ts';
import type { ResourceShares } from '../../db/types.ts';
import { afterTimeKey, type CursorKey } from '../../http/paging.ts';
import { firstRowsPerParent } from '../../db/batch.ts';
import type { ResourceShareListQuery } from './share-schemas.ts';
import { visibleById } from '../../auth/visible-by-id.ts';

/** Shares of students the principal may see; a guardian only the shares made with them. */
export function visibleShares(db: Executor, principal: Principal) {
  let query = db.selectFrom('resourceShares as rs')
    .innerJoin('strategyResources as r', 'r.id', 'rs.resourceId')
    .selectAll('rs')
    .select(['r.title as resourceTitle', 'r.kind as resourceKind', 'r.summary as resourceSummary', 'r.url as resourceUrl',
      'r.archivedAt as resourceArchivedAt'])
    .select(sql<string>`rs.shared_at::text`.as('sharedAtKey'))
    .where((eb) => canSeeStudent(eb, principal, 'rs.studentId'));
  if (principal.role === 'guardian') query = query.where('rs.guardianId', '=', principal.sub);
  return query;
}

export type ResourceShareRow = Awaited<ReturnType<ReturnType<typeof visibleShares>['executeTakeFirstOrThrow']>>;

export const findShare = visibleById<ResourceShareRow>('rs', visibleShares);

export async function listShareRows(db: Executor, principal: Principal, filter: ResourceShareListQuery,
  after: CursorKey | undefined, limit: number): Promise<ResourceShareRow[]> {
  let query = visibleShares(db, principal);
  if (filter.resourceId) query = query.where('rs.resourceId', '=', filter.resourceId);
  if (filter.studentId) query = query.where('rs.studentId', '=', filter.studentId);
  if (filter.guardianId) query = query.where('rs.guardianId', '=', filter.guardianId);
  if (filter.sharedBy) query = query.where('rs.sharedBy', '=', filter.sharedBy);
  if (filter.acknowledged !== undefined) query = query.where('rs.acknowledgedAt', filter.acknowledged ? 'is not' : 'is', null);
  if (filter.from) query = query.where('rs.sharedAt', '>=', new Date(filter.from));
  if (filter.to) query = query.where('rs.sharedAt', '<', new Date(filter.to));
  if (after) query = query.where(afterTimeKey('rs.sharedAt', 'rs.id', after, 'desc'));
  return query.orderBy('rs.sharedAt', 'desc').orderBy('rs.id', 'desc').limit(limit + 1).execute();
}

/** The guardian may see the student (an active link that allows contact or holds educational rights). */
export async function guardianMayHearAbout(db: Executor, studentId: string, guardianId: string): Promise<boolean> {
  const row = await db.selectFrom('studentGuardians').select('id').where('studentId', '=', studentId).where('guardianId', '=', guardianId)
    .where('status', '=', 'active').where((eb) => eb.or([eb('mayContact', '=', true), eb('hasEducationalRights', '=', true)]))
    .executeTakeFirst();
  return row !== undefined;
}

export async function insertShare(db: Executor, values: Insertable<ResourceShares>): Promise<string> {
  const { id } = await db.insertInto('resourceShares').values(values).returning('id').executeTakeFirstOrThrow();
  return id;
}

/** Sets acknowledgedAt once: a second acknowledgement keeps the first time. */
export async function acknowledgeShareRow(db: Executor, id: string): Promise<void> {
  await db.updateTable('resourceShares').set({ acknowledgedAt: sql<Date>`coalesce(acknowledged_at, now())` }).where('id', '=', id).execute();
}

export async function deleteShareRow(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('resourceShares').where('id', '=', id).execute();
}

/** Each student's or resource's visible shares, newest first: the first limit+1 per parent in one windowed query. */
export async function listShareRowsOfParents(db: Executor, principal: Principal, parent: 'studentId' | 'resourceId', parentIds: string[],
  acknowledged: boolean | undefined, after: CursorKey | undefined, limit: number): Promise<ResourceShareRow[]> {
  if (parentIds.length === 0) return [];
  let inner = visibleShares(db, principal).where(`rs.${parent}`, 'in', parentIds);
  if (acknowledged !== undefined) inner = inner.where('rs.acknowledgedAt', acknowledged ? 'is not' : 'is', null);
  if (after) inner = inner.where(afterTimeKey('rs.sharedAt', 'rs.id', after, 'desc'));
  return firstRowsPerParent(db, inner, `rs.${parent}`, sql`rs.shared_at desc, rs.id desc`, parent, limit);
}
