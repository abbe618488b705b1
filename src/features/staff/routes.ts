// REST for staff: lists, single reads and local staff created by district admins.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { contextFromRequest } from '../../http/context.ts';
import { withEtag } from '../../http/etag.ts';
import { IdParams, PageOf, withErrors } from '../../http/schemas.ts';
import { StaffCreate, StaffListQuery, StaffMember } from './schemas.ts';
import { createStaff, getStaff, listStaff } from './service.ts';

const tags = ['roster'];

export async function staffRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(StaffMember);

  app.get('/v1/staff', {
    schema: { tags, summary: 'List staff (by name)', querystring: StaffListQuery, response: withErrors({ 200: PageOf(Type.Ref(StaffMember)) }) },
  }, async (request) => listStaff(contextFromRequest(request, app.db), request.query));

  app.post('/v1/staff', {
    schema: {
      tags, summary: 'Create a local staff member (district admins)',
      description: 'For districts that do not sync: the row is created with source "local". Send an Idempotency-Key to retry safely.',
      body: StaffCreate, response: withErrors({ 201: Type.Ref(StaffMember) }, true),
    },
  }, async (request, reply) => {
    const staff = await createStaff(contextFromRequest(request, app.db), request.body);
    reply.code(201).header('location', `/v1/staff/${staff.id}`);
    return withEtag(request, reply, staff);
  });

  app.get('/v1/staff/:id', {
    schema: { tags, summary: 'One staff member', params: IdParams, response: withErrors({ 200: Type.Ref(StaffMember), 304: Type.Null() }) },
  }, async (request, reply) => withEtag(request, reply, await getStaff(contextFromRequest(request, app.db), request.params.id)));
}
