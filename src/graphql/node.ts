// node(id): one query finds which table holds the id, then the owning feature's service reads it (so its rules apply).
import { sql } from 'kysely';
import type { MercuriusContext } from 'mercurius';
import type { ServiceContext } from '../http/context.ts';
import { NotFoundError } from '../http/errors.ts';
import { getClass } from '../features/classes/service.ts';
import { getContactLog } from '../features/contact-logs/service.ts';
import { getEnrollment } from '../features/enrollments/service.ts';
import { getFamily } from '../features/families/service.ts';
import { getGoalParticipant } from '../features/goals/participants.ts';
import { getGoal } from '../features/goals/service.ts';
import { getGoalStrategy } from '../features/goals/strategies.ts';
import { getStudentGuardian } from '../features/guardians/link-service.ts';
import { getGuardian } from '../features/guardians/service.ts';
import { getProgressEvent } from '../features/progress-events/service.ts';
import { getSchool } from '../features/schools/service.ts';
import { getStaff } from '../features/staff/service.ts';
import { getStrategyResource } from '../features/strategy-resources/service.ts';
import { getResourceShare } from '../features/strategy-resources/share-service.ts';
import { getStudent } from '../features/students/service.ts';
import { serviceContext, type GraphQLFeature } from './plugin.ts';

const TYPENAME = Symbol('typename');

interface Located {
  type: string;
  parentId: string | null;
  otherId: string | null;
}

type Reader = (ctx: ServiceContext, id: string, at: Located) => Promise<object>;

/** Each Node type: where its ids live (table, and the parent ids a nested read needs) and the service that reads it. */
const NODES: Record<string, { from: string; parent?: string; other?: string; read: Reader }> = {
  Student: { from: 'students', read: (ctx, id) => getStudent(ctx, id) },
  Guardian: { from: 'guardians', read: (ctx, id) => getGuardian(ctx, id) },
  School: { from: "orgs where type = 'school' and", read: (ctx, id) => getSchool(ctx, id) },
  Class: { from: 'classes', read: (ctx, id) => getClass(ctx, id) },
  StaffMember: { from: 'staff', read: (ctx, id) => getStaff(ctx, id) },
  Family: { from: 'families', read: (ctx, id) => getFamily(ctx, id) },
  Enrollment: { from: 'enrollments', read: (ctx, id) => getEnrollment(ctx, id) },
  Goal: { from: 'goals', read: (ctx, id) => getGoal(ctx, id) },
  GoalParticipant: { from: 'goal_participants', parent: 'goal_id', read: (ctx, id, at) => getGoalParticipant(ctx, at.parentId!, id) },
  GoalStrategy: { from: 'goal_strategies', parent: 'goal_id', read: (ctx, id, at) => getGoalStrategy(ctx, at.parentId!, id) },
  StrategyResource: { from: 'strategy_resources', read: (ctx, id) => getStrategyResource(ctx, id) },
  ResourceShare: { from: 'resource_shares', read: (ctx, id) => getResourceShare(ctx, id) },
  ProgressEvent: { from: 'progress_events', read: (ctx, id) => getProgressEvent(ctx, id) },
  ContactLog: { from: 'contact_logs', read: (ctx, id) => getContactLog(ctx, id) },
  StudentGuardianLink: {
    from: 'student_guardians', parent: 'student_id', other: 'guardian_id',
    read: (ctx, _id, at) => getStudentGuardian(ctx, at.parentId!, at.otherId!),
  },
};

/** Which table holds the id (one statement over every Node table). */
async function locate(ctx: ServiceContext, id: string): Promise<Located | undefined> {
  const parts = Object.entries(NODES).map(([type, n]) => {
    const where = n.from.endsWith(' and') ? `${n.from} id = ` : `${n.from} where id = `;
    return sql`select ${type}::text as type, ${sql.raw(n.parent ?? 'null')}::uuid as parent_id, ${sql.raw(n.other ?? 'null')}::uuid as other_id
      from ${sql.raw(where)}${id}::uuid`;
  });
  const query = sql<Located>`${sql.join(parts, sql` union all `)} limit 1`;
  return (await query.execute(ctx.db)).rows[0];
}

export async function getNode(ctx: ServiceContext, id: string): Promise<object> {
  const at = await locate(ctx, id);
  const node = at ? NODES[at.type] : undefined;
  if (!at || !node) throw new NotFoundError('Record', id);
  const record = await node.read(ctx, id, at);
  // Not enumerable: the record's ETag is computed over its own fields only.
  Object.defineProperty(record, TYPENAME, { value: at.type, enumerable: false });
  return record;
}

export const nodeGraphQL: GraphQLFeature = {
  resolvers: {
    Query: {
      node: (_: unknown, args: { id: string }, ctx: MercuriusContext) => getNode(serviceContext(ctx), args.id),
    },
    Node: {
      resolveType: (record: { [TYPENAME]?: string }) => record[TYPENAME] ?? null,
    },
  },
};
