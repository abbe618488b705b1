// buildApp(config): the fastify instance with its plugins and features registered in order; nothing else.
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from './config.ts';
import { authenticationPlugin } from './auth/authenticate.ts';
import { auditPlugin } from './auth/audit-plugin.ts';
import { authRoutes } from './auth/routes.ts';
import { createDatabase, type Database } from './db/database.ts';
import { memoryEventBus, postgresEventBus } from './events/bus.ts';
import { authGraphQL, graphqlPlugin } from './graphql/plugin.ts';
import { healthRoutes } from './health/routes.ts';
import { auditEventRoutes } from './features/audit-events/routes.ts';
import { contactLogGraphQL } from './features/contact-logs/resolvers.ts';
import { studentGraphQL } from './features/students/resolvers.ts';
import { guardianGraphQL } from './features/guardians/resolvers.ts';
import { schoolGraphQL } from './features/schools/resolvers.ts';
import { classGraphQL } from './features/classes/resolvers.ts';
import { staffGraphQL } from './features/staff/resolvers.ts';
import { familyGraphQL } from './features/families/resolvers.ts';
import { enrollmentGraphQL } from './features/enrollments/resolvers.ts';
import { goalGraphQL } from './features/goals/resolvers.ts';
import { strategyResourceGraphQL } from './features/strategy-resources/resolvers.ts';
import { progressEventGraphQL } from './features/progress-events/resolvers.ts';
import { nodeGraphQL } from './graphql/node.ts';
import { reportGraphQL } from './features/reports/resolvers.ts';
import { rosterSyncGraphQL } from './roster-sync/resolvers.ts';
import { contactLogRoutes } from './features/contact-logs/routes.ts';
import { rosterSyncRoutes } from './roster-sync/routes.ts';
import { reportRoutes } from './features/reports/routes.ts';
import { changeRoutes } from './features/changes/routes.ts';
import { webhookRoutes } from './features/webhooks/routes.ts';
import { webhookWorkerPlugin } from './features/webhooks/worker-plugin.ts';
import { reportUpkeepPlugin } from './features/reports/upkeep-plugin.ts';
import { schoolRoutes } from './features/schools/routes.ts';
import { classRoutes } from './features/classes/routes.ts';
import { staffRoutes } from './features/staff/routes.ts';
import { studentRoutes } from './features/students/routes.ts';
import { guardianRoutes } from './features/guardians/routes.ts';
import { familyRoutes } from './features/families/routes.ts';
import { enrollmentRoutes } from './features/enrollments/routes.ts';
import { goalRoutes } from './features/goals/routes.ts';
import { strategyResourceRoutes } from './features/strategy-resources/routes.ts';
import { progressEventRoutes } from './features/progress-events/routes.ts';
import { timelineRoutes } from './features/timeline/routes.ts';
import { openApiPlugin } from './http/openapi.ts';
import { problemPlugin, sendProblem, toAppError } from './http/problem.ts';
import { protectionPlugin } from './http/protection.ts';
import { responseValidationPlugin } from './http/response-validation.ts';
import { idempotencyPlugin } from './http/idempotency.ts';
import { genReqId } from './http/request-id.ts';
import { schemaController } from './http/validators.ts';

declare module 'fastify' {
  interface FastifyInstance {
    db: Database;
    config: Config;
  }
}

export interface BuildOptions {
  /** Sees every SQL statement the app runs (statement-count tests). */
  onQuery?: (sql: string, parameters: readonly unknown[]) => void;
  /** Validate every JSON response against its route's response schema (tests). */
  validateResponses?: boolean;
  /** Sees every route as it is registered (contract tests). */
  onRoute?: (route: { method: string | string[]; url: string }) => void;
}

export async function buildApp(config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  if (config.databaseUrl === undefined) throw new Error('buildApp needs config.databaseUrl (server.ts resolves the embedded database)');
  const app = Fastify({
    logger: { level: config.logLevel, redact: ['req.headers.authorization'] },
    genReqId,
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    bodyLimit: 1_048_576,
    schemaController,
    // Requests that reach a closing server are still served (with Connection: close) rather than refused.
    return503OnClosing: false,
    // The router rejects malformed URLs (400) and over-long path parameters (414) before any hook: answer them as problems too.
    frameworkErrors: (error, _request, reply) => void sendProblem(reply, toAppError(error)),
  }).withTypeProvider<TypeBoxTypeProvider>();

  if (options.onRoute) app.addHook('onRoute', options.onRoute);
  const { db } = createDatabase({
    connectionString: config.databaseUrl, poolMax: config.dbPoolMax, preparedStatements: config.dbPreparedStatements, onQuery: options.onQuery,
  });
  app.decorate('db', db);
  const events = config.eventBus === 'postgres' ? postgresEventBus(config.databaseUrl, app.log) : memoryEventBus();
  app.decorate('events', events);
  app.addHook('onClose', async () => events.close());
  app.decorate('config', config);
  app.addHook('onClose', async () => db.destroy());
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  await app.register(problemPlugin);
  if (options.validateResponses) await app.register(responseValidationPlugin);
  app.addContentTypeParser('application/merge-patch+json', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));
  await app.register(openApiPlugin);
  await app.register(authenticationPlugin, { config });
  await app.register(protectionPlugin, { config });
  await app.register(auditPlugin, { db });
  await app.register(idempotencyPlugin, { db });
  await app.register(healthRoutes, { db });
  await app.register(authRoutes);
  await app.register(contactLogRoutes);
  await app.register(rosterSyncRoutes);
  await app.register(reportRoutes);
  await app.register(reportUpkeepPlugin);
  await app.register(changeRoutes);
  await app.register(webhookRoutes);
  await app.register(webhookWorkerPlugin);
  await app.register(schoolRoutes);
  await app.register(classRoutes);
  await app.register(staffRoutes);
  await app.register(studentRoutes);
  await app.register(guardianRoutes);
  await app.register(familyRoutes);
  await app.register(enrollmentRoutes);
  await app.register(goalRoutes);
  await app.register(strategyResourceRoutes);
  await app.register(progressEventRoutes);
  await app.register(timelineRoutes);
  await app.register(auditEventRoutes);
  await app.register(graphqlPlugin, {
    features: [authGraphQL, nodeGraphQL, contactLogGraphQL, studentGraphQL, guardianGraphQL, schoolGraphQL, classGraphQL, staffGraphQL,
      familyGraphQL, enrollmentGraphQL, goalGraphQL, strategyResourceGraphQL, progressEventGraphQL, reportGraphQL, rosterSyncGraphQL],
  });

  return app;
}
