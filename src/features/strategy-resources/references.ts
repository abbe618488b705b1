// Rules other features call when a write names a strategy resource (a goal strategy, a share).
import { UnprocessableError } from '../../http/errors.ts';
import type { ServiceContext } from '../../http/context.ts';
import { canSeeResource } from '../../auth/policy.ts';

/**
 * The resource must exist, be visible to the caller (a school library is not usable from another school) and not be
 * archived (archived resources stay readable where shared, but are not reused).
 */
export async function assertResourceUsable(ctx: ServiceContext, resourceId: string, path = '/body/resourceId'): Promise<void> {
  const resource = await ctx.db.selectFrom('strategyResources as sr').select(['sr.id', 'sr.archivedAt'])
    .where('sr.id', '=', resourceId).where((eb) => canSeeResource(eb, ctx.principal)).executeTakeFirst();
  if (!resource) throw new UnprocessableError('No such strategy resource', [{ path, message: 'is not a strategy resource' }]);
  if (resource.archivedAt !== null) throw new UnprocessableError('The strategy resource is archived', [{ path, message: 'is archived' }]);
}
