// Rules other features call when a write names a student, guardians or a staff author (one place, REST and GraphQL alike).
import { canSeeStudent } from '../../auth/policy.ts';
import { isUuid } from '../../auth/principal.ts';
import { ForbiddenError, UnprocessableError } from '../../http/errors.ts';
import type { ServiceContext } from '../../http/context.ts';

/** The student must exist, be active and be visible to the caller; otherwise 422 naming the field. */
export async function assertStudentReference(ctx: ServiceContext, studentId: string, path = '/body/studentId'): Promise<void> {
  const row = await ctx.db.selectFrom('students').select('id').where('id', '=', studentId).where('status', '=', 'active')
    .where((eb) => canSeeStudent(eb, ctx.principal, 'students.id')).executeTakeFirst();
  if (!row) throw new UnprocessableError('No such student', [{ path, message: 'is not a student you can see' }]);
}

async function linkedGuardianIds(ctx: ServiceContext, studentId: string, guardianIds: string[]): Promise<Set<string>> {
  const rows = await ctx.db.selectFrom('studentGuardians as sg').innerJoin('guardians as g', 'g.id', 'sg.guardianId')
    .select('sg.guardianId').where('sg.studentId', '=', studentId).where('sg.guardianId', 'in', guardianIds)
    .where('sg.status', '=', 'active').where('g.status', '=', 'active').execute();
  return new Set(rows.map((r) => r.guardianId));
}

/** Each guardian must have an active link to the student; otherwise 422 naming the offending array item. */
export async function assertGuardiansLinked(ctx: ServiceContext, studentId: string, guardianIds: string[], path = '/body/guardianIds'): Promise<void> {
  if (guardianIds.length === 0) return;
  const linked = await linkedGuardianIds(ctx, studentId, guardianIds);
  const errors = guardianIds.flatMap((id, i) => (linked.has(id) ? [] : [{ path: `${path}/${i}`, message: 'is not a guardian linked to the student' }]));
  if (errors.length > 0) throw new UnprocessableError('Every guardian must be linked to the student', errors);
}

/** The one guardian a write names must have an active link to the student; otherwise 422 naming the field. */
export async function assertGuardianLinked(ctx: ServiceContext, studentId: string, guardianId: string, path = '/body/guardianId'): Promise<void> {
  if (!(await linkedGuardianIds(ctx, studentId, [guardianId])).has(guardianId)) {
    throw new UnprocessableError('The guardian must be linked to the student', [{ path, message: 'is not a guardian linked to the student' }]);
  }
}

/**
 * The staff member a record is authored by: a teacher is always the author; admins and integrations name one
 * (defaulting to themselves when their sub is a staff id). The staff member must exist and be active.
 */
export async function resolveStaffAuthor(ctx: ServiceContext, requested: string | undefined, path = '/body/authorId'): Promise<string> {
  const { principal } = ctx;
  if (principal.role === 'guardian') throw new ForbiddenError('Guardians cannot author this record');
  if (principal.role === 'teacher' && requested !== undefined && requested !== principal.sub) {
    throw new ForbiddenError('Teachers record in their own name');
  }
  const authorId = requested ?? (isUuid(principal.sub) ? principal.sub : undefined);
  if (authorId === undefined) {
    throw new UnprocessableError('Name the staff member this is recorded by', [{ path, message: 'is required for this token' }]);
  }
  const staff = await ctx.db.selectFrom('staff').select('id').where('id', '=', authorId).where('status', '=', 'active').executeTakeFirst();
  if (!staff) throw new UnprocessableError('No such staff member', [{ path, message: 'is not an active staff member' }]);
  return authorId;
}
