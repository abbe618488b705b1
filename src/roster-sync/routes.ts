// REST for roster syncs: upload an export (application/zip, streamed to disk) to start a run; list and read runs.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import pg from 'pg';
import { requirePrincipal } from '../auth/authenticate.ts';
import { contextFromRequest } from '../http/context.ts';
import { withEtag } from '../http/etag.ts';
import { IdParams, PageOf, problemRef, withErrors } from '../http/schemas.ts';
import { SyncRun, SyncRunListQuery, SyncStartQuery } from './run-schemas.ts';
import { assertMayStartRosterSync, getSyncRun, listSyncRuns, startRosterSync } from './run-service.ts';
import { failInterruptedRuns } from './sync-service.ts';
import { RosterSyncQueue } from './sync-queue.ts';
import { receiveZip, UnsupportedMediaTypeError, UploadedExport } from './upload.ts';

const tags = ['roster-sync'];
/** A district's nightly export zipped is tens of MB; leave room for the largest districts. */
export const ROSTER_UPLOAD_LIMIT = 512 * 1024 * 1024;


export async function rosterSyncRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(SyncRun);
  // The sync holds one connection for its whole transaction and one for its run row: its own pool, not the API's.
  const pool = new pg.Pool({ connectionString: app.config.databaseUrl, max: 2, application_name: 'kinship-roster-sync-api' });
  const queue = new RosterSyncQueue(pool, app.config.roster.massDeactivationThreshold, app.log);
  app.addHook('onClose', async () => {
    await queue.drain();
    await pool.end();
  });
  // A lost connection (database restart) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  // In the background: the service starts (and reports unready) even while the database is away or unmigrated.
  app.addHook('onReady', async () => {
    failInterruptedRuns(pool)
      .then((failed) => failed > 0 && app.log.warn({ failed }, 'marked roster syncs interrupted by a stopped process as failed'))
      .catch((error: unknown) => app.log.warn({ err: error }, 'could not check for interrupted roster syncs'));
  });

  // Scoped to this plugin: the body arrives as an UploadedExport (a temp file), never as a buffer.
  app.addContentTypeParser('application/zip', (request: FastifyRequest, payload: NodeJS.ReadableStream) => receiveZip(request, payload));
  app.addHook('onResponse', async (request) => {
    if (request.body instanceof UploadedExport && !request.body.claimed) await request.body.remove();
  });

  app.post('/v1/roster/syncs', {
    bodyLimit: ROSTER_UPLOAD_LIMIT,
    // Refuse callers before their upload is written to disk.
    onRequest: async (request) => assertMayStartRosterSync(requirePrincipal(request)),
    schema: {
      tags, summary: 'Start a roster sync from a OneRoster CSV export (the zip as the body)',
      description: 'Send the export as `application/zip` (up to 512 MB). Answers 202 with the queued run and its Location; ' +
        'poll it until it is succeeded, rejected or failed. Runs execute one at a time: a second upload waits as queued. ' +
        'Needs district_admin or the roster:write scope. Send an Idempotency-Key to retry an upload safely.',
      consumes: ['application/zip'],
      querystring: SyncStartQuery,
      response: withErrors({ 202: Type.Ref(SyncRun), 413: problemRef('The export is larger than 512 MB'),
        415: problemRef('The body is not application/zip') }, true),
    },
  }, async (request, reply) => {
    if (!(request.body instanceof UploadedExport)) throw new UnsupportedMediaTypeError('Send the export as application/zip');
    const run = await startRosterSync(contextFromRequest(request, app.db), queue, request.body, request.query);
    reply.code(202).header('location', `/v1/roster/syncs/${run.id}`);
    return run;
  });

  app.get('/v1/roster/syncs', {
    schema: {
      tags, summary: 'List roster syncs (newest first)', querystring: SyncRunListQuery,
      response: withErrors({ 200: PageOf(Type.Ref(SyncRun)) }),
    },
  }, async (request) => listSyncRuns(contextFromRequest(request, app.db), request.query));

  app.get('/v1/roster/syncs/:id', {
    schema: { tags, summary: 'One roster sync: state, counts, errors and warnings, timings', params: IdParams,
      response: withErrors({ 200: Type.Ref(SyncRun), 304: Type.Null() }) },
  }, async (request, reply) => withEtag(request, reply, await getSyncRun(contextFromRequest(request, app.db), request.params.id)));
}
