// Goal participant rules: who takes part (a linked guardian, active staff, the student), and who may add input.
import { assertScope } from '../../auth/policy.ts';
import { audit } from '../../auth/audit.ts';
import type { Principal } from '../../auth/principal.ts';
import { inTransaction, type ServiceContext } from '../../http/context.ts';
import { assertIfMatch } from '../../http/etag.ts';
import { ConflictError, ForbiddenError, NotFoundError, UnprocessableError, type FieldError } from '../../http/errors.ts';
import { decodeCursor, pageLimit, toPage, type Page } from '../../http/paging.ts';
import { assertGuardianLinked } from '../students/references.ts';
import { loadGoalForRead, loadGoalForWrite, mayEditGoal } from './access.ts';
import {
  deleteParticipantRow, findParticipant, insertParticipant, listParticipantRows, listParticipantRowsOfGoals, participantExists, setParticipantInput,
  type ParticipantRow,
} from './part-queries.ts';
import type { GoalParticipant, GoalParticipantCreate, GoalPartListQuery } from './part-schemas.ts';
import { listsByParent } from '../../db/batch.ts';
import { findGoal, findGoalRows, type GoalRow } from './queries.ts';

const RECORD = 'goalParticipant';

/** Guardians see other guardians on a goal by name and relationship only, never their input. */
export function participantRowToApi(row: ParticipantRow, viewer: Principal): GoalParticipant {
  const otherGuardian = viewer.role === 'guardian' && row.participantType === 'guardian' && row.guardianId !== viewer.sub;
  return {
    id: row.id,
    goalId: row.goalId,
    participantType: row.participantType as GoalParticipant['participantType'],
    guardianId: row.guardianId,
    staffId: row.staffId,
    studentId: row.studentId,
    role: row.role as GoalParticipant['role'],
    name: row.name,
    relationship: row.relationship,
    ...(otherGuardian ? {} : { input: row.input, inputAt: row.inputAt?.toISOString() ?? null }),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function listGoalParticipants(ctx: ServiceContext, goalId: string, query: GoalPartListQuery): Promise<Page<GoalParticipant>> {
  const goal = await loadGoalForRead(ctx, goalId);
  const limit = pageLimit(query);
  const rows = await listParticipantRows(ctx.db, goalId, goal.studentId, decodeCursor(query.cursor), limit);
  const page = toPage(rows, limit, (r) => [r.createdAtKey, r.id], (r) => participantRowToApi(r, ctx.principal));
  await audit(ctx, page.data.map((p) => ({ action: 'list', recordType: RECORD, recordId: p.id, studentId: goal.studentId })));
  return page;
}

async function participantOf(ctx: ServiceContext, goal: GoalRow, participantId: string): Promise<ParticipantRow> {
  const row = await findParticipant(ctx.db, goal.id, goal.studentId, participantId);
  if (!row) throw new NotFoundError('Goal participant', participantId);
  return row;
}

export async function getGoalParticipant(ctx: ServiceContext, goalId: string, participantId: string): Promise<GoalParticipant> {
  const goal = await loadGoalForRead(ctx, goalId);
  const row = await participantOf(ctx, goal, participantId);
  await audit(ctx, [{ action: 'read', recordType: RECORD, recordId: participantId, studentId: goal.studentId }]);
  return participantRowToApi(row, ctx.principal);
}

type PersonField = 'guardianId' | 'staffId' | 'studentId';
const PERSON_FIELD: Record<GoalParticipantCreate['participantType'], PersonField> = { guardian: 'guardianId', staff: 'staffId', student: 'studentId' };

/** The id of the person the body names, checked against the participant type and the goal. */
async function resolvePerson(tx: ServiceContext, goal: GoalRow, input: GoalParticipantCreate): Promise<string> {
  const field = PERSON_FIELD[input.participantType];
  const errors: FieldError[] = (['guardianId', 'staffId', 'studentId'] as const)
    .filter((other) => other !== field && input[other] !== undefined)
    .map((other) => ({ path: `/body/${other}`, message: `is not allowed for a ${input.participantType} participant` }));
  const role = input.role;
  if (role === 'self' && input.participantType !== 'student') errors.push({ path: '/body/role', message: 'is only for the student' });
  if (role !== undefined && role !== 'self' && input.participantType === 'student') errors.push({ path: '/body/role', message: 'must be "self" for the student' });
  const personId = input.participantType === 'student' ? (input.studentId ?? goal.studentId) : input[field];
  if (personId === undefined) errors.push({ path: `/body/${field}`, message: `is required for a ${input.participantType} participant` });
  if (errors.length > 0 || personId === undefined) throw new UnprocessableError('The participant does not fit the goal', errors);
  if (input.participantType === 'student' && personId !== goal.studentId) {
    throw new UnprocessableError("The student taking part must be the goal's student", [{ path: '/body/studentId', message: "is not the goal's student" }]);
  }
  if (input.participantType === 'guardian') {
    await assertGuardianLinked(tx, goal.studentId, personId);
  }
  if (input.participantType === 'staff') {
    const staff = await tx.db.selectFrom('staff').select('id').where('id', '=', personId).where('status', '=', 'active').executeTakeFirst();
    if (!staff) throw new UnprocessableError('No such staff member', [{ path: '/body/staffId', message: 'is not an active staff member' }]);
  }
  return personId;
}

export async function addGoalParticipant(ctx: ServiceContext, goalId: string, input: GoalParticipantCreate): Promise<GoalParticipant> {
  return inTransaction(ctx, async (tx) => {
    const goal = await loadGoalForWrite(tx, goalId);
    const personId = await resolvePerson(tx, goal, input);
    const field = PERSON_FIELD[input.participantType];
    if (await participantExists(tx.db, goalId, personId)) {
      throw new ConflictError('This person already takes part in the goal', [{ path: `/body/${field}`, message: 'already takes part in this goal' }]);
    }
    const id = await insertParticipant(tx.db, {
      goalId,
      participantType: input.participantType,
      [field]: personId,
      role: input.role ?? (input.participantType === 'student' ? 'self' : 'partner'),
    });
    await audit(tx, [{ action: 'create', recordType: RECORD, recordId: id, studentId: goal.studentId }]);
    return participantRowToApi(await participantOf(tx, goal, id), tx.principal);
  });
}

export async function removeGoalParticipant(ctx: ServiceContext, goalId: string, participantId: string, ifMatch?: string): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const goal = await loadGoalForWrite(tx, goalId);
    const row = await participantOf(tx, goal, participantId);
    assertIfMatch(ifMatch, participantRowToApi(row, tx.principal));
    await deleteParticipantRow(tx.db, participantId);
    await audit(tx, [{ action: 'delete', recordType: RECORD, recordId: participantId, studentId: goal.studentId }]);
  });
}

/** A guardian sets their own input; staff who may change the goal may record it for any participant. */
export async function putGoalParticipantInput(ctx: ServiceContext, goalId: string, participantId: string,
  input: string | null, ifMatch?: string): Promise<GoalParticipant> {
  assertScope(ctx.principal, 'partnership', 'write');
  return inTransaction(ctx, async (tx) => {
    const goal = await findGoal(tx.db, tx.principal, goalId, true);
    if (!goal) throw new NotFoundError('Goal', goalId);
    const row = await participantOf(tx, goal, participantId);
    const own = tx.principal.role === 'guardian' && row.guardianId === tx.principal.sub;
    if (!own && (tx.principal.role === 'guardian' || !(await mayEditGoal(tx, goal)))) {
      throw new ForbiddenError(tx.principal.role === 'guardian'
        ? 'Guardians add input only as themselves'
        : "Only the goal's creator, a staff participant or an administrator may record input");
    }
    assertIfMatch(ifMatch, participantRowToApi(row, tx.principal));
    await setParticipantInput(tx.db, participantId, input);
    await audit(tx, [{ action: 'update', recordType: RECORD, recordId: participantId, studentId: goal.studentId }]);
    return participantRowToApi(await participantOf(tx, goal, participantId), tx.principal);
  });
}

/** The participants of each goal the caller may see (two queries and one audit insert for all the goals). */
export async function listParticipantsOfGoals(ctx: ServiceContext, goalIds: readonly string[]): Promise<GoalParticipant[][]> {
  assertScope(ctx.principal, 'partnership', 'read');
  const goals = new Map((await findGoalRows(ctx.db, ctx.principal, [...new Set(goalIds)])).map((g) => [g.id, g]));
  const rows = await listParticipantRowsOfGoals(ctx.db, [...goals.keys()]);
  await audit(ctx, rows.map((p) => ({ action: 'list', recordType: RECORD, recordId: p.id, studentId: goals.get(p.goalId)!.studentId })));
  return listsByParent(goalIds, rows, (r) => r.goalId, (r) => participantRowToApi(r, ctx.principal));
}
