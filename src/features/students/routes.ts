// REST for students and their guardians: lists, reads, local students, merge-patch, and caregivers added by staff.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { contextFromRequest } from '../../http/context.ts';
import { ifMatchOf, withEtag } from '../../http/etag.ts';
import { IdParams, PageOf, withErrors } from '../../http/schemas.ts';
import { LinkParams, StudentGuardianCreate, StudentGuardianLink, StudentGuardianListQuery, StudentGuardianPatch } from '../guardians/link-schemas.ts';
import { addStudentGuardian, getStudentGuardian, listStudentGuardians, updateStudentGuardian } from '../guardians/link-service.ts';
import { Guardian } from '../guardians/schemas.ts';
import { Student, StudentCreate, StudentListQuery, StudentPatch } from './schemas.ts';
import { createStudent, getStudent, listStudents, updateStudent } from './service.ts';

const tags = ['roster'];

export async function studentRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(Student);
  app.addSchema(Guardian);
  app.addSchema(StudentGuardianLink);

  app.get('/v1/students', {
    schema: { tags, summary: 'List students (by name)', querystring: StudentListQuery, response: withErrors({ 200: PageOf(Type.Ref(Student)) }) },
  }, async (request) => listStudents(contextFromRequest(request, app.db), request.query));

  app.post('/v1/students', {
    schema: {
      tags, summary: 'Create a local student (district admins)',
      description: 'For districts that do not sync: the row is created with source "local". Send an Idempotency-Key to retry safely.',
      body: StudentCreate, response: withErrors({ 201: Type.Ref(Student) }, true),
    },
  }, async (request, reply) => {
    const student = await createStudent(contextFromRequest(request, app.db), request.body);
    reply.code(201).header('location', `/v1/students/${student.id}`);
    return withEtag(request, reply, student);
  });

  app.get('/v1/students/:id', {
    schema: { tags, summary: 'One student', params: IdParams, response: withErrors({ 200: Type.Ref(Student), 304: Type.Null() }) },
  }, async (request, reply) => withEtag(request, reply, await getStudent(contextFromRequest(request, app.db), request.params.id)));

  app.patch('/v1/students/:id', {
    schema: {
      tags, summary: 'Change a student (administrators; JSON merge patch; If-Match supported)',
      description: StudentPatch.description,
      params: IdParams, body: StudentPatch, response: withErrors({ 200: Type.Ref(Student) }, true),
    },
  }, async (request, reply) => withEtag(request, reply,
    await updateStudent(contextFromRequest(request, app.db), request.params.id, request.body, ifMatchOf(request))));

  app.get('/v1/students/:id/guardians', {
    schema: {
      tags, summary: 'A student\'s guardians, with the flags of each link',
      params: IdParams, querystring: StudentGuardianListQuery, response: withErrors({ 200: PageOf(Type.Ref(StudentGuardianLink)) }),
    },
  }, async (request) => listStudentGuardians(contextFromRequest(request, app.db), request.params.id, request.query));

  app.post('/v1/students/:id/guardians', {
    schema: {
      tags, summary: 'Add a caregiver the SIS does not know (anyone who may edit the student)',
      description: StudentGuardianCreate.description,
      params: IdParams, body: StudentGuardianCreate, response: withErrors({ 201: Type.Ref(StudentGuardianLink) }, true),
    },
  }, async (request, reply) => {
    const link = await addStudentGuardian(contextFromRequest(request, app.db), request.params.id, request.body);
    reply.code(201).header('location', `/v1/students/${link.studentId}/guardians/${link.guardianId}`);
    return withEtag(request, reply, link);
  });

  app.get('/v1/students/:id/guardians/:guardianId', {
    schema: { tags, summary: 'One guardian link of a student', params: LinkParams, response: withErrors({ 200: Type.Ref(StudentGuardianLink), 304: Type.Null() }) },
  }, async (request, reply) => withEtag(request, reply,
    await getStudentGuardian(contextFromRequest(request, app.db), request.params.id, request.params.guardianId)));

  app.patch('/v1/students/:id/guardians/:guardianId', {
    schema: {
      tags, summary: 'Change the flags of a guardian link (JSON merge patch; If-Match supported)',
      description: StudentGuardianPatch.description,
      params: LinkParams, body: StudentGuardianPatch, response: withErrors({ 200: Type.Ref(StudentGuardianLink) }, true),
    },
  }, async (request, reply) => withEtag(request, reply, await updateStudentGuardian(contextFromRequest(request, app.db),
    request.params.id, request.params.guardianId, request.body, ifMatchOf(request))));
}
