// REST for reports under /v1/reports: JSON by default, CSV (streamed) with Accept: text/csv.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type TSchema } from '@sinclair/typebox';
import { contextFromRequest } from '../../http/context.ts';
import { PageOf, withErrors } from '../../http/schemas.ts';
import { CSV_CONTENT_TYPE, csvStream, wantsCsv, type CsvColumn } from './csv.ts';
import { engagementColumns, goalProgressColumns, outreachGapColumns } from './csv-columns.ts';
import { engagementReport } from './engagement.ts';
import { exportGoalProgress, goalProgress } from './goal-progress.ts';
import { exportOutreachGaps, outreachGaps } from './outreach-gaps.ts';
import {
  EngagementQuery, EngagementReport, EngagementRow, GoalProgress, GoalProgressQuery, OutreachGap, OutreachGapsQuery,
} from './schemas.ts';

const tags = ['reports'];

/** 200 as JSON (the schema) or as CSV (one header row, RFC 4180), by the Accept header. */
function jsonOrCsv(schema: TSchema) {
  return {
    description: 'The report as JSON, or as CSV when the request sends Accept: text/csv',
    content: {
      'application/json': { schema },
      'text/csv': { schema: Type.String({ description: 'RFC 4180 CSV with one header row; nested fields as dotted headers; withheld cells are "*"' }) },
    },
  };
}

function sendCsv<T>(reply: FastifyReply, filename: string, columns: CsvColumn<T>[], rows: AsyncIterable<T> | Iterable<T>) {
  return reply.type(CSV_CONTENT_TYPE).header('content-disposition', `attachment; filename="${filename}.csv"`)
    .header('vary', 'Accept').send(csvStream(columns, rows));
}

const accept = (request: FastifyRequest) => wantsCsv(request.headers.accept);

export async function reportRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(EngagementRow);
  app.addSchema(EngagementReport);
  app.addSchema(OutreachGap);
  app.addSchema(GoalProgress);
  const settings = () => app.config.reports;

  app.get('/v1/reports/engagement', {
    schema: {
      tags, summary: 'Family engagement over a period, for the whole visible scope or grouped',
      description: 'Contacts by purpose, channel and direction; strengths before concerns; family input; language access; '
        + 'follow-ups; goals; progress events; celebrations shared; resource shares. Rows covering fewer students than '
        + 'minCellSize are withheld (suppressed: true). See docs/reports.md for every definition.',
      querystring: EngagementQuery,
      produces: ['application/json', 'text/csv'],
      response: withErrors({ 200: jsonOrCsv(Type.Ref(EngagementReport)) }),
    },
  }, async (request, reply) => {
    const report = await engagementReport(contextFromRequest(request, app.db), settings(), request.query);
    if (accept(request)) return sendCsv(reply, 'engagement', engagementColumns(), report.data);
    reply.header('vary', 'Accept');
    return report;
  });

  app.get('/v1/reports/outreach-gaps', {
    schema: {
      tags, summary: "A call list: active students with no family contact in `days` days, or whose last contacts were all concerns",
      description: 'Longest without contact first; each with the guardians who may be contacted, their preferred channel, language '
        + 'and interpreter need. As CSV, every row from the cursor on.',
      querystring: OutreachGapsQuery,
      produces: ['application/json', 'text/csv'],
      response: withErrors({ 200: jsonOrCsv(PageOf(Type.Ref(OutreachGap))) }),
    },
  }, async (request, reply) => {
    const ctx = contextFromRequest(request, app.db);
    if (accept(request)) return sendCsv(reply, 'outreach-gaps', outreachGapColumns, await exportOutreachGaps(ctx, settings(), request.query));
    reply.header('vary', 'Accept');
    const { data, page } = await outreachGaps(ctx, settings(), request.query);
    return { data, page };
  });

  app.get('/v1/reports/goal-progress', {
    schema: {
      tags, summary: 'Per goal: baseline, target, measurements in time order and the weekly trend',
      querystring: GoalProgressQuery,
      produces: ['application/json', 'text/csv'],
      response: withErrors({ 200: jsonOrCsv(PageOf(Type.Ref(GoalProgress))) }),
    },
  }, async (request, reply) => {
    const ctx = contextFromRequest(request, app.db);
    if (accept(request)) return sendCsv(reply, 'goal-progress', goalProgressColumns, await exportGoalProgress(ctx, settings(), request.query));
    reply.header('vary', 'Accept');
    const { data, page } = await goalProgress(ctx, settings(), request.query);
    return { data, page };
  });
}
