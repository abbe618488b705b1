// Who may read and change a goal and its parts: staff who see the student read, creators, staff participants and admins change.
import { assertScope, mayEditAuthored } from '../../auth/policy.ts';
import type { ServiceContext } from '../../http/context.ts';
import { ForbiddenError, NotFoundError } from '../../http/errors.ts';
import { findGoal, isStaffParticipant, type GoalRow } from './queries.ts';

/** The goal if the caller may see it (404 otherwise, so ids cannot be probed). */
export async function loadGoalForRead(ctx: ServiceContext, id: string): Promise<GoalRow> {
  assertScope(ctx.principal, 'partnership', 'read');
  const row = await findGoal(ctx.db, ctx.principal, id);
  if (!row) throw new NotFoundError('Goal', id);
  return row;
}

/** Creators, staff taking part in the goal, administrators and integrations with partnership:write may change a goal. */
export async function mayEditGoal(ctx: ServiceContext, row: GoalRow): Promise<boolean> {
  if (mayEditAuthored(ctx.principal, row.createdBy)) return true;
  if (ctx.principal.role === 'teacher') return isStaffParticipant(ctx.db, row.id, ctx.principal.sub);
  return false;
}

/** The goal, locked for the rest of the transaction, if the caller may see it (404) and change it (403). */
export async function loadGoalForWrite(tx: ServiceContext, id: string): Promise<GoalRow> {
  assertScope(tx.principal, 'partnership', 'write');
  const row = await findGoal(tx.db, tx.principal, id, true);
  if (!row) throw new NotFoundError('Goal', id);
  if (!(await mayEditGoal(tx, row))) {
    throw new ForbiddenError(tx.principal.role === 'guardian'
      ? 'Guardians add their input to a goal; they do not change it'
      : "Only the goal's creator, a staff participant or an administrator may change this goal");
  }
  return row;
}
