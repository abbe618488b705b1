// No N+1: a class's students with guardians, active goals, their last progress and the last contact run a constant number of statements.
import t from 'tap';
import { startSeededApp } from '../helpers/app.ts';

const QUERY = `query($c: UUID!, $n: Int) {
  students(filter: { classId: $c }, first: $n) {
    edges { node {
      id givenName
      guardians { relationship guardian { id givenName } }
      goals(status: active, first: 5) { nodes { id title progress(first: 3) { nodes { id note occurredAt } } } }
      contactLogs(first: 1) { nodes { id summary occurredAt } }
    } }
  }
}`;

t.test('statement count', async (t) => {
  let statements = 0;
  let counting = false;
  const { app, d, as } = await startSeededApp(t, { onQuery: () => { if (counting) statements += 1; } });
  const db = app.db;
  const classId = (await db.insertInto('classes').values({ title: 'Grade 4 Homeroom', schoolId: d.schoolA, classType: 'homeroom', source: 'local' })
    .returning('id').executeTakeFirstOrThrow()).id;
  await db.insertInto('enrollments').values({ classId, schoolId: d.schoolA, role: 'teacher', staffId: d.teacherA, source: 'local' }).execute();
  const pad = (i: number) => String(i).padStart(2, '0');
  const students = await db.insertInto('students').values(Array.from({ length: 50 }, (_, i) => ({
    givenName: `Kid${pad(i)}`, familyName: 'Batch', schoolId: d.schoolA, source: 'local' as const,
  }))).returning('id').execute();
  const studentIds = students.map((s) => s.id);
  await db.insertInto('enrollments').values(studentIds.map((studentId) => ({ classId, schoolId: d.schoolA, role: 'student', studentId, source: 'local' as const }))).execute();
  const guardians = await db.insertInto('guardians').values(studentIds.flatMap((_, i) => [0, 1].map((g) => ({
    givenName: `Parent${g}`, familyName: `Batch${pad(i)}`, source: 'local' as const,
  })))).returning('id').execute();
  await db.insertInto('studentGuardians').values(studentIds.flatMap((studentId, i) => [0, 1].map((g) => ({
    studentId, guardianId: guardians[i * 2 + g]!.id, relationship: g === 0 ? 'mother' : 'father', source: 'local' as const,
  })))).execute();
  const goals = await db.insertInto('goals').values(studentIds.flatMap((studentId) => [0, 1].map((g) => ({
    studentId, title: `Goal ${g}`, domain: 'academic', status: 'active', setting: 'both', measureType: 'note_only', createdBy: d.teacherA,
  })))).returning(['id', 'studentId']).execute();
  await db.insertInto('progressEvents').values(goals.flatMap((goal) => [0, 1, 2, 3, 4].map((e) => ({
    studentId: goal.studentId, goalId: goal.id, occurredAt: new Date(Date.UTC(2026, 8, 1 + e)), recordedByType: 'staff',
    recordedByStaffId: d.teacherA, setting: 'school', kind: 'observation', note: `Day ${e}`, visibility: 'family' as const,
  })))).execute();
  await db.insertInto('contactLogs').values(studentIds.flatMap((studentId) => [0, 1, 2].map((c) => ({
    studentId, authorId: d.teacherA, occurredAt: new Date(Date.UTC(2026, 8, 10 + c)), channel: 'phone', direction: 'outbound',
    purpose: 'strength', summary: `Call ${c}`, visibility: 'family' as const,
  })))).execute();

  const run = async (n: number) => {
    statements = 0;
    counting = true;
    const res = await app.inject({ method: 'POST', url: '/graphql', headers: as.teacherA, payload: { query: QUERY, variables: { c: classId, n } } });
    counting = false;
    t.equal(res.statusCode, 200);
    const body = res.json();
    t.notOk(body.errors, JSON.stringify(body.errors));
    return { count: statements, nodes: body.data.students.edges.map((e: { node: unknown }) => e.node) };
  };

  const five = await run(5);
  const fifty = await run(50);
  t.equal(five.nodes.length, 5);
  t.equal(fifty.nodes.length, 50);
  t.equal(fifty.count, five.count, `the same statements for 50 students as for 5 (${fifty.count})`);
  t.ok(fifty.count <= 12, `a small constant (${fifty.count})`);

  const first = fifty.nodes[0];
  t.equal(first.guardians.length, 2);
  t.equal(first.goals.nodes.length, 2);
  t.same(first.goals.nodes[0].progress.nodes.map((p: { note: string }) => p.note), ['Day 4', 'Day 3', 'Day 2'], 'the last 3 progress events, newest first');
  t.same(first.contactLogs.nodes.map((c: { summary: string }) => c.summary), ['Call 2'], 'the last contact');
  t.ok(fifty.nodes.every((n: { goals: { nodes: Array<{ progress: { nodes: unknown[] } }> } }) =>
    n.goals.nodes.every((g) => g.progress.nodes.length === 3)), 'every goal has its own last 3');
});
