// Rules other features call when a write names a goal (e.g. a progress event's goal belongs to the same student).
import { UnprocessableError } from '../../http/errors.ts';
import type { ServiceContext } from '../../http/context.ts';

/** The goal must exist and belong to the student; otherwise 422 naming the field. */
export async function assertGoalOfStudent(ctx: ServiceContext, goalId: string, studentId: string, path = '/body/goalId'): Promise<void> {
  const goal = await ctx.db.selectFrom('goals').select(['id']).where('id', '=', goalId).where('studentId', '=', studentId).executeTakeFirst();
  if (!goal) throw new UnprocessableError("The goal must be one of the student's goals", [{ path, message: 'is not a goal of this student' }]);
}
