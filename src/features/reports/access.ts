// Who may run reports, the small-cell threshold that applies to them, and the students a report may cover (as SQL).
import { sql } from 'kysely';
import { assertScope, canSeeStudent } from '../../auth/policy.ts';
import type { Principal } from '../../auth/principal.ts';
import type { Config } from '../../config.ts';
import type { Executor } from '../../db/database.ts';
import { ForbiddenError } from '../../http/errors.ts';

export type ReportSettings = Config['reports'];


/** Guardians never run reports; integrations need reports:read; staff see their own students only (in SQL). */
export function assertMayReport(principal: Principal): void {
  if (principal.role === 'guardian') throw new ForbiddenError('Reports are for staff and integrations with reports:read');
  if (principal.role === 'integration' && !principal.scopes.includes('reports:read')) {
    throw new ForbiddenError('This operation needs the reports:read scope');
  }
  assertScope(principal, 'reports', 'read');
}

/** The caller's threshold; a request may raise it, never lower it. */
export function effectiveMinCellSize(principal: Principal, settings: ReportSettings, requested?: number): number {
  const floor = principal.role === 'integration' ? settings.minCellSizeIntegration : settings.minCellSizeStaff;
  return Math.max(floor, requested ?? 0);
}

/** Student-level reports (call lists, goal series) cannot be suppressed into aggregates, so they need a threshold of 0. */
export function assertMayListStudents(principal: Principal, settings: ReportSettings): void {
  assertMayReport(principal);
  if (effectiveMinCellSize(principal, settings) > 0) {
    throw new ForbiddenError('Student-level reports are not available to callers whose reports are suppressed below a minimum cell size');
  }
}

export interface StudentScopeFilter {
  schoolId?: string;
  classId?: string;
  grade?: string;
  activeOnly?: boolean;
}

/**
 * The students the report covers: visible to the principal (policy SQL) and matching the filters.
 * With `classKey`, one row per (student, active class), keyed by class id; otherwise `skey` is the given expression.
 */
export function reportStudents(db: Executor, principal: Principal, filter: StudentScopeFilter, key: 'school' | 'grade' | 'class' | 'none') {
  let query = db.selectFrom('students as s').select('s.id as studentId')
    .where((eb) => canSeeStudent(eb, principal, 's.id'));
  if (filter.activeOnly) query = query.where('s.status', '=', 'active');
  if (filter.schoolId) query = query.where('s.schoolId', '=', filter.schoolId);
  if (filter.grade) query = query.where('s.grade', '=', filter.grade);
  if (filter.classId && key !== 'class') {
    const classId = filter.classId;
    query = query.where((eb) => eb.exists(eb.selectFrom('enrollments as fe').select(sql`1`.as('one'))
      .whereRef('fe.studentId', '=', 's.id').where('fe.classId', '=', classId)
      .where('fe.role', '=', 'student').where('fe.status', '=', 'active')));
  }
  switch (key) {
    case 'school':
      return query.select(sql<string>`s.school_id::text`.as('skey'));
    case 'grade':
      return query.select(sql<string>`s.grade`.as('skey'));
    case 'class': {
      let joined = query.innerJoin('enrollments as ke', (join) => join.onRef('ke.studentId', '=', 's.id')
        .on('ke.role', '=', 'student').on('ke.status', '=', 'active'));
      if (filter.classId) joined = joined.where('ke.classId', '=', filter.classId);
      return joined.select(sql<string>`ke.class_id::text`.as('skey'));
    }
    case 'none':
      return query.select(sql<string>`''`.as('skey'));
  }
}
