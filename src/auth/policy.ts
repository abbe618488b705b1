// The one place that decides who may see and do what; visibility is SQL that every query composes in.
import { expressionBuilder, sql, type Expression, type SqlBool, type ExpressionBuilder } from 'kysely';
import type { DB } from '../db/types.ts';
import type { Executor } from '../db/database.ts';
import { frozenSql, unsetHole } from '../db/frozen-sql.ts';
import { ForbiddenError } from '../http/errors.ts';
import type { Principal, Role, Scope } from './principal.ts';

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

/** What of a caller the visibility rules read besides the role, as holes of SQL built once per role (`frozenSql`). */
export interface CallerHoles {
  sub?: string;
  schoolIds?: readonly string[];
  [hole: string]: string | readonly string[] | undefined;
}

/**
 * The caller's holes: none for those who see every student; the id for the others; and a school admin's rule also reads
 * the token's schoolIds.
 */
export function callerHoles(principal: Principal): CallerHoles {
  if (seesEveryStudent(principal)) return {};
  return principal.role === 'school_admin' ? { sub: principal.sub, schoolIds: principal.schoolIds } : { sub: principal.sub };
}

/**
 * The principal a builder of frozen SQL sees: the role, and the holes' stand-ins for what the rules read. An id the
 * role's holes leave out is a stand-in that fails the build if a rule reads it after all.
 */
export function callerFromHoles(role: Role, holes: CallerHoles): Principal {
  return { role, sub: holes.sub ?? unsetHole('sub'), schoolIds: (holes.schoolIds ?? []) as string[], scopes: [] };
}

/** visibleStudentIds, built once per role: nearly every statement composes it in, some several times. */
const frozenVisibleStudentIds = frozenSql((role: Role, holes: { sub?: string; schoolIds?: readonly string[] }) =>
  visibleStudentIds(expressionBuilder<DB>(), callerFromHoles(role, holes)));

export function canSeeStudent(eb: ExpressionBuilder<DB, any>, principal: Principal, studentIdColumn: string): Expression<SqlBool> {
  if (seesEveryStudent(principal)) return sql<SqlBool>`true`;
  return eb(eb.ref(studentIdColumn), 'in', frozenVisibleStudentIds(principal.role, callerHoles(principal)));
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

// Visibility of the roster and library records around students, each composed from canSeeStudent.

/** The calling guardian's own family, if they are an active guardian. */
function ownFamily(eb: ExpressionBuilder<DB, any>, principal: Principal) {
  return eb.selectFrom('guardians as me').select('me.familyId').where('me.id', '=', principal.sub).where('me.status', '=', 'active');
}

/**
 * True when the principal may see the guardian: district admins and integrations all; staff the guardians actively
 * linked to students they see; a guardian themself, the guardians of their own family, and the guardians actively
 * linked to their own children. Never another family's guardians otherwise.
 */
export function canSeeGuardian(eb: ExpressionBuilder<DB, any>, principal: Principal, guardianIdColumn: string, familyIdColumn?: string): Expression<SqlBool> {
  const id = eb.ref(guardianIdColumn);
  const linkedToVisible = () => eb(id, 'in', eb.selectFrom('studentGuardians as vgl').select('vgl.guardianId')
    .where('vgl.status', '=', 'active').where((w) => canSeeStudent(w, principal, 'vgl.studentId')));
  switch (principal.role) {
    case 'district_admin':
    case 'integration':
      return sql<SqlBool>`true`;
    case 'school_admin':
    case 'teacher':
      return linkedToVisible();
    case 'guardian': {
      const self = eb.and([eb(id, '=', principal.sub), eb.exists(ownFamily(eb, principal))]);
      const sameFamily = familyIdColumn
        ? eb(eb.ref(familyIdColumn), '=', ownFamily(eb, principal))
        : eb(id, 'in', eb.selectFrom('guardians as vgf').select('vgf.id').where('vgf.familyId', '=', ownFamily(eb, principal)));
      return eb.or([self, sameFamily, linkedToVisible()]);
    }
  }
}

/**
 * True when the principal may see the staff member: admins of the district all; school admins and teachers themselves
 * and the staff of the schools they belong to; guardians the staff teaching (or case-managing) their children.
 */
export function canSeeStaff(eb: ExpressionBuilder<DB, any>, principal: Principal, staffIdColumn: string): Expression<SqlBool> {
  const id = eb.ref(staffIdColumn);
  const inSchools = (schools: Expression<any>) => eb(id, 'in', eb.selectFrom('staffSchools as vss').select('vss.staffId')
    .where('vss.status', '=', 'active').where('vss.schoolId', 'in', schools));
  switch (principal.role) {
    case 'district_admin':
    case 'integration':
      return sql<SqlBool>`true`;
    case 'school_admin':
      return eb.or([eb(id, '=', principal.sub), inSchools(adminSchoolIds(principal))]);
    case 'teacher':
      return eb.or([eb(id, '=', principal.sub), inSchools(eb.selectFrom('staffSchools as own').select('own.schoolId')
        .where('own.staffId', '=', principal.sub).where('own.status', '=', 'active'))]);
    case 'guardian':
      return eb.or([
        eb(id, 'in', eb.selectFrom('enrollments as vet').innerJoin('enrollments as ves', 'ves.classId', 'vet.classId')
          .select('vet.staffId').where('vet.role', 'in', ['teacher', 'aide']).where('vet.status', '=', 'active')
          .where('ves.role', '=', 'student').where('ves.status', '=', 'active')
          .where((w) => canSeeStudent(w, principal, 'ves.studentId'))),
        eb(id, 'in', eb.selectFrom('students as vcm').select('vcm.caseManagerId').where('vcm.status', '=', 'active')
          .where((w) => canSeeStudent(w, principal, 'vcm.id'))),
      ]);
  }
}

/**
 * True when the principal may see the class in `classIdColumn`: district admins and integrations all; school admins
 * the classes of their schools; teachers the classes they teach and the classes of students they see; guardians the
 * classes of their children. Only active enrollments count.
 */
export function canSeeClass(eb: ExpressionBuilder<DB, any>, principal: Principal, classIdColumn: string, schoolIdColumn?: string): Expression<SqlBool> {
  const ofVisibleStudent = () => eb.exists(eb.selectFrom('enrollments as vce').select(sql`1`.as('one'))
    .whereRef('vce.classId', '=', eb.ref(classIdColumn) as never).where('vce.role', '=', 'student').where('vce.status', '=', 'active')
    .where((w) => canSeeStudent(w, principal, 'vce.studentId')));
  switch (principal.role) {
    case 'district_admin':
    case 'integration':
      return sql<SqlBool>`true`;
    case 'school_admin':
      return schoolIdColumn
        ? eb(eb.ref(schoolIdColumn), 'in', adminSchoolIds(principal))
        : eb(eb.ref(classIdColumn), 'in', eb.selectFrom('classes as vcs').select('vcs.id').where('vcs.schoolId', 'in', adminSchoolIds(principal)));
    case 'teacher':
      return eb.or([
        eb.exists(eb.selectFrom('enrollments as vct').select(sql`1`.as('one'))
          .whereRef('vct.classId', '=', eb.ref(classIdColumn) as never).where('vct.staffId', '=', principal.sub)
          .where('vct.role', 'in', ['teacher', 'aide']).where('vct.status', '=', 'active')),
        ofVisibleStudent(),
      ]);
    case 'guardian':
      return ofVisibleStudent();
  }
}

/**
 * The schools whose libraries a staff member works in, as a subquery: school admins their administered schools;
 * teachers the schools they belong to (active staff_schools) or teach in (an active teacher/aide enrollment).
 */
export function staffSchoolIds(principal: Principal) {
  if (principal.role === 'school_admin') return adminSchoolIds(principal);
  return sql<string>`(select ss.school_id from staff_schools ss where ss.staff_id = ${principal.sub} and ss.status = 'active'
    union select e.school_id from enrollments e where e.staff_id = ${principal.sub}
      and e.role in ('teacher', 'aide') and e.status = 'active')`;
}

/** True for the resources the principal may see; guardians see exactly the resources shared with them. */
export function canSeeResource(eb: ExpressionBuilder<DB, any>, principal: Principal, alias = 'sr'): Expression<SqlBool> {
  const col = (name: string) => sql.ref<string>(`${alias}.${name}`);
  switch (principal.role) {
    case 'district_admin':
    case 'integration':
      return sql<SqlBool>`true`;
    case 'school_admin':
    case 'teacher':
      return eb.or([
        eb(col('scope'), '=', 'district'),
        eb(col('schoolId'), 'in', staffSchoolIds(principal)),
        eb(col('createdBy'), '=', principal.sub),
      ]);
    case 'guardian':
      return eb.exists(eb.selectFrom('resourceShares as vrs').select(sql`1`.as('one'))
        .where('vrs.resourceId', '=', col('id'))
        .where('vrs.guardianId', '=', principal.sub)
        .where((w) => canSeeStudent(w, principal, 'vrs.studentId')));
  }
}
