// The one place that decides who may see and do what; visibility is SQL that every query composes in.
import { sql, type Expression, type SqlBool, type ExpressionBuilder } from 'kysely';
import type { DB } from '../db/types.ts';
import type { Executor } from '../db/database.ts';
import { ForbiddenError } from '../http/errors.ts';
import type { Principal, Scope } from './principal.ts';

export type Area = 'roster' | 'partnership' | 'reports';

/** Integrations act only through scopes; people act through their role. Throws 403 when a scope is missing. */
export function assertScope(principal: Principal, area: Area, access: 'read' | 'write'): void {
  if (principal.role !== 'integration') return;
  const needed = `${area}:${access}` as Scope;
  const granted = principal.scopes.includes(needed)
    || (access === 'read' && principal.scopes.includes(`${area}:write` as Scope) && area !== 'reports');
  if (!granted) throw new ForbiddenError(`This operation needs the ${needed} scope`);
}

export function isAdmin(principal: Principal): boolean {
  return principal.role === 'district_admin' || principal.role === 'school_admin';
}

export function isStaff(principal: Principal): boolean {
  return principal.role === 'district_admin' || principal.role === 'school_admin' || principal.role === 'teacher';
}

/** The schools a school admin administers: the token's schoolIds plus their active staff school memberships. */
export function adminSchoolIds(principal: Principal) {
  return sql<string>`(select ss.school_id from staff_schools ss where ss.staff_id = ${principal.sub}
    and ss.status = 'active' union select unnest(${principal.schoolIds}::uuid[]))`;
}

/**
 * Student ids the principal may see, as a subquery: `where studentId in (visibleStudentIds(eb, p))`.
 * Deactivated enrollments, links, memberships and people give no access.
 */
export function visibleStudentIds(eb: ExpressionBuilder<DB, any>, principal: Principal) {
  switch (principal.role) {
    case 'district_admin':
    case 'integration':
      return eb.selectFrom('students as vs').select('vs.id');
    case 'school_admin': {
      const schools = adminSchoolIds(principal);
      return eb.selectFrom('students as vs').select('vs.id').where((w) => w.or([
        w('vs.schoolId', 'in', schools),
        w.exists(w.selectFrom('studentSchools as vss').select(sql`1`.as('one'))
          .whereRef('vss.studentId', '=', 'vs.id').where('vss.status', '=', 'active').where('vss.schoolId', 'in', schools)),
      ]));
    }
    case 'teacher':
      return eb.selectFrom('enrollments as es').select('es.studentId as id')
        .innerJoin('enrollments as et', 'et.classId', 'es.classId')
        .innerJoin('classes as vc', 'vc.id', 'es.classId')
        .where('et.staffId', '=', principal.sub).where('et.role', 'in', ['teacher', 'aide'])
        .where('et.status', '=', 'active').where('es.status', '=', 'active').where('es.role', '=', 'student')
        .where('vc.status', '=', 'active')
        .union(eb.selectFrom('goalParticipants as gp').innerJoin('goals as vg', 'vg.id', 'gp.goalId')
          .select('vg.studentId as id').where('gp.staffId', '=', principal.sub))
        .union(eb.selectFrom('students as vs').select('vs.id').where('vs.caseManagerId', '=', principal.sub));
    case 'guardian':
      return eb.selectFrom('studentGuardians as vsg').select('vsg.studentId as id')
        .innerJoin('guardians as vgd', 'vgd.id', 'vsg.guardianId')
        .where('vsg.guardianId', '=', principal.sub).where('vsg.status', '=', 'active')
        .where('vgd.status', '=', 'active')
        .where((w) => w.or([w('vsg.mayContact', '=', true), w('vsg.hasEducationalRights', '=', true)]));
  }
}

/** A filter expression on a student id column: true when the principal may see that student. */
/** District admins and integrations see every student: their visibility filter is `true`. */
export function seesEveryStudent(principal: Principal): boolean {
  return principal.role === 'district_admin' || principal.role === 'integration';
}

export function canSeeStudent(eb: ExpressionBuilder<DB, any>, principal: Principal, studentIdColumn: string): Expression<SqlBool> {
  if (seesEveryStudent(principal)) return sql<SqlBool>`true`;
  return eb(eb.ref(studentIdColumn), 'in', visibleStudentIds(eb, principal));
}

/** True when the principal may see the student (one indexed query). */
export async function studentIsVisible(db: Executor, principal: Principal, studentId: string): Promise<boolean> {
  const row = await db.selectFrom('students').select('id').where('id', '=', studentId)
    .where((eb) => canSeeStudent(eb, principal, 'students.id')).executeTakeFirst();
  return row !== undefined;
}

/** Guardians see only what is shared with families; staff see everything on visible students. */
export function familyOnly(principal: Principal): boolean {
  return principal.role === 'guardian';
}

/** May the principal change a record authored by `authorId`? Authors, and admins, may. */
export function mayEditAuthored(principal: Principal, authorId: string | null): boolean {
  if (principal.role === 'district_admin' || principal.role === 'school_admin') return true;
  if (principal.role === 'integration') return principal.scopes.includes('partnership:write');
  return principal.role === 'teacher' && authorId === principal.sub;
}
