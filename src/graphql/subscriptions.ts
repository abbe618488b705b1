// Subscriptions authorized per subscriber: the student must be visible at subscribe time, and each event is delivered
// only if the subscriber's own principal may read the record (loaded through the feature's service).
import mercurius, { type MercuriusContext } from 'mercurius';
import { studentIsVisible } from '../auth/policy.ts';
import type { DomainEvent, EventTopic } from '../events/bus.ts';
import { NotFoundError } from '../http/errors.ts';
import type { ServiceContext } from '../http/context.ts';
import { serviceContext } from './plugin.ts';

type Loader<T> = (ctx: ServiceContext, recordId: string) => Promise<T>;

/** A delivery outlives the upgrade request, so each one writes its own audit rows rather than a request's buffer. */
function deliveryContext(ctx: MercuriusContext): ServiceContext {
  return { ...serviceContext(ctx), auditBuffer: undefined };
}

export function studentSubscription<T>(topic: EventTopic, load: Loader<T>) {
  const visible = async (event: DomainEvent, ctx: MercuriusContext): Promise<boolean> => {
    try {
      await load(deliveryContext(ctx), event.recordId);
      return true;
    } catch {
      return false;
    }
  };
  return {
    subscribe: mercurius.withFilter(
      async (_root: unknown, args: { studentId: string }, ctx: MercuriusContext) => {
        if (!(await studentIsVisible(ctx.db, ctx.principal, args.studentId))) throw new NotFoundError('Student', args.studentId);
        return ctx.pubsub.subscribe(`${topic}:${args.studentId}`);
      },
      (event: DomainEvent, _args: { studentId: string }, ctx: MercuriusContext) => visible(event, ctx),
    ),
    resolve: (event: DomainEvent, _args: unknown, ctx: MercuriusContext) => load(deliveryContext(ctx), event.recordId),
  };
}
