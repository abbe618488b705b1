// The model as one graph: root reads per feature, relations, node(id), and authorization through nested paths.
import t from 'tap';
import { startSeededApp } from '../helpers/app.ts';

interface GqlError {
  message: string;
  extensions: { code: string; errors?: unknown };
}

t.test('the model over GraphQL', async (t) => {
  const { app, d, as } = await startSeededApp(t);
  const gql = async (headers: Record<string, string>, query: string, variables?: object) => {
    const res = await app.inject({ method: 'POST', url: '/graphql', headers, payload: { query, variables } });
    return res.json() as { data?: Record<string, any>; errors?: [GqlError, ...GqlError[]] };
  };
  const rest = async (method: 'POST' | 'PATCH', url: string, payload: object) => {
    const res = await app.inject({ method, url, headers: as.teacherA, payload });
    t.ok(res.statusCode < 300, `${method} ${url}: ${res.body}`);
    return res.json();
  };
  const goal = await rest('POST', '/v1/goals', { studentId: d.studentA, title: 'Calm mornings', domain: 'behavior', status: 'active' });
  const otherGoal = await rest('POST', '/v1/goals', { studentId: d.studentA, title: 'Reading', domain: 'academic', status: 'active' });
  await rest('POST', `/v1/goals/${goal.id}/participants`, { participantType: 'guardian', guardianId: d.guardianA });
  const familyEvent = await rest('POST', '/v1/progress-events', { studentId: d.studentA, goalId: goal.id, occurredAt: '2026-09-02T08:00:00Z', kind: 'observation', note: 'Ready on time' });
  await rest('POST', '/v1/progress-events', { studentId: d.studentA, goalId: goal.id, occurredAt: '2026-09-03T08:00:00Z', kind: 'setback', note: 'Staff only', visibility: 'staff' });
  await rest('POST', '/v1/progress-events', { studentId: d.studentA, goalId: otherGoal.id, occurredAt: '2026-09-04T08:00:00Z', kind: 'observation', note: 'Other goal' });
  await rest('POST', '/v1/contact-logs', { studentId: d.studentA, occurredAt: '2026-09-05T15:00:00Z', channel: 'phone', purpose: 'strength', summary: 'Great week', visibility: 'family', guardianIds: [d.guardianA] });
  await rest('POST', '/v1/contact-logs', { studentId: d.studentA, occurredAt: '2026-09-06T15:00:00Z', channel: 'phone', purpose: 'concern', summary: 'Internal', visibility: 'staff' });

  await t.test('a student with its whole picture', async (t) => {
    const res = await gql(as.teacherA, `query($id: UUID!) { student(id: $id) {
      id givenName etag school { name } family { name students { givenName } guardians { givenName } }
      classes { title teachers { givenName } }
      guardians { relationship guardian { givenName phone } }
      goals(status: active) { edges { cursor node { title student { id } participants { name participantType } progress(first: 1) { nodes { note } pageInfo { hasNextPage } } } } }
      contactLogs(first: 1) { nodes { summary author { givenName } guardians { givenName } } pageInfo { hasNextPage endCursor } }
      progressEvents(first: 10) { nodes { note goal { title } } }
      timeline(first: 3) { nodes { type headline } }
    } }`, { id: d.studentA });
    t.notOk(res.errors, JSON.stringify(res.errors));
    const s = res.data!.student;
    t.equal(s.school.name, 'Alder Elementary');
    t.same(s.family.students.map((x: { givenName: string }) => x.givenName).sort(), ['Lucia', 'Mateo']);
    t.same(s.classes, [{ title: 'Grade 3 Homeroom', teachers: [{ givenName: 'Ana' }] }]);
    t.same(s.guardians.map((g: { relationship: string }) => g.relationship).sort(), ['father', 'mother']);
    t.same(s.goals.edges.map((e: { node: { title: string } }) => e.node.title), ['Reading', 'Calm mornings'], 'newest first');
    const calm = s.goals.edges[1].node;
    t.same(calm.participants, [{ name: 'Rosa Garcia', participantType: 'guardian' }]);
    t.same(calm.progress, { nodes: [{ note: 'Staff only' }], pageInfo: { hasNextPage: true } });
    t.same(s.contactLogs.nodes, [{ summary: 'Internal', author: { givenName: 'Ana' }, guardians: [] }]);
    t.equal(s.contactLogs.pageInfo.hasNextPage, true);
    const next = await gql(as.teacherA, `query($id: UUID!, $after: String) { student(id: $id) { contactLogs(first: 1, after: $after) { nodes { summary guardians { givenName } } } } }`,
      { id: d.studentA, after: s.contactLogs.pageInfo.endCursor });
    t.same(next.data!.student.contactLogs.nodes, [{ summary: 'Great week', guardians: [{ givenName: 'Rosa' }] }], 'relation connections page with after');
    t.equal(s.progressEvents.nodes.length, 3);
    t.equal(s.timeline.nodes.length, 3);
    const goalsOnly = await gql(as.teacherA, `query ($id: UUID!) { student(id: $id) { once: timeline(types: [goal]) { nodes { headline } }
      twice: timeline(types: [goal, goal]) { nodes { headline } } } }`, { id: d.studentA });
    t.notOk(goalsOnly.errors, JSON.stringify(goalsOnly.errors));
    t.ok(goalsOnly.data!.student.once.nodes.length > 0);
    t.same(goalsOnly.data!.student.twice, goalsOnly.data!.student.once, 'a kind asked for twice lists its entries once');
    const restStudent = await app.inject({ url: `/v1/students/${d.studentA}`, headers: as.teacherA });
    t.equal(restStudent.headers.etag, s.etag, 'the GraphQL etag is the REST ETag');
  });

  await t.test('root lists per feature, with REST filters validated', async (t) => {
    const res = await gql(as.districtAdmin, `{ schools { nodes { name classes { nodes { title school { name } } } } }
      classes(filter: { schoolId: "${d.schoolB}" }) { nodes { title students { nodes { givenName } } } }
      staff(filter: { schoolId: "${d.schoolA}" }) { nodes { givenName schools { school { name } } } }
      families(filter: { q: "Kim" }) { nodes { name guardians { givenName } } }
      guardians(filter: { studentId: "${d.studentB}" }) { nodes { givenName family { name } } }
      enrollments(filter: { classId: "${d.classB}", role: student }) { nodes { student { givenName } class { title } school { name } } }
      goals(filter: { studentId: "${d.studentA}", domain: behavior }) { nodes { title } }
      progressEvents(filter: { goalId: "${goal.id}" }, first: 1) { nodes { note } pageInfo { hasNextPage } }
      resourceShares { nodes { id } }
      strategyResources { nodes { id } } }`);
    t.notOk(res.errors, JSON.stringify(res.errors));
    const data = res.data!;
    t.same(data.schools.nodes.map((s: { name: string }) => s.name), ['Alder Elementary', 'Birch Middle']);
    t.same(data.schools.nodes[0].classes.nodes, [{ title: 'Grade 3 Homeroom', school: { name: 'Alder Elementary' } }]);
    t.same(data.classes.nodes, [{ title: 'Grade 7 Science', students: { nodes: [{ givenName: 'Jin' }] } }]);
    t.equal(data.staff.nodes.length, 3);
    t.same(data.families.nodes, [{ name: 'Kim household', guardians: [{ givenName: 'Min' }] }]);
    t.same(data.guardians.nodes, [{ givenName: 'Min', family: { name: 'Kim household' } }]);
    t.same(data.enrollments.nodes, [{ student: { givenName: 'Jin' }, class: { title: 'Grade 7 Science' }, school: { name: 'Birch Middle' } }]);
    t.same(data.goals.nodes, [{ title: 'Calm mornings' }]);
    t.same(data.progressEvents, { nodes: [{ note: 'Staff only' }], pageInfo: { hasNextPage: true } });
    const bad = await gql(as.teacherA, '{ students(filter: { q: "" }) { nodes { id } } }');
    t.equal(bad.errors![0].extensions.code, 'BAD_USER_INPUT');
    t.same(bad.errors![0].extensions.errors, [{ path: '/filter/q', message: 'must NOT have fewer than 1 characters' }]);
    const tooMany = await gql(as.teacherA, '{ students(first: 501) { nodes { id } } }');
    t.equal(tooMany.errors![0].extensions.code, 'BAD_USER_INPUT');
  });

  await t.test('node(id) finds any record through its own service', async (t) => {
    const res = await gql(as.teacherA, `query($a: UUID!, $b: UUID!, $c: UUID!, $e: UUID!) {
      a: node(id: $a) { __typename id ... on Student { givenName } }
      b: node(id: $b) { __typename ... on Goal { title etag } }
      c: node(id: $c) { __typename ... on School { name } }
      e: node(id: $e) { __typename ... on ProgressEvent { note } } }`, { a: d.studentA, b: goal.id, c: d.schoolA, e: familyEvent.id });
    t.notOk(res.errors, JSON.stringify(res.errors));
    t.same(res.data!.a, { __typename: 'Student', id: d.studentA, givenName: 'Mateo' });
    t.equal(res.data!.b.title, 'Calm mornings');
    const restGoal = await app.inject({ url: `/v1/goals/${goal.id}`, headers: as.teacherA });
    t.equal(res.data!.b.etag, restGoal.headers.etag, 'the node is exactly what REST returns');
    t.same(res.data!.c, { __typename: 'School', name: 'Alder Elementary' });
    t.same(res.data!.e, { __typename: 'ProgressEvent', note: 'Ready on time' });
    const unknown = await gql(as.teacherA, '{ node(id: "00000000-0000-4000-8000-000000000000") { id } }');
    t.same(unknown.data, { node: null });
    t.equal(unknown.errors![0].extensions.code, 'NOT_FOUND');
  });

  await t.test('a teacher of school B never reaches a school-A student', async (t) => {
    for (const query of [`{ node(id: "${d.studentA}") { id } }`, `{ student(id: "${d.studentA}") { id } }`, `{ goal(id: "${goal.id}") { id } }`, `{ node(id: "${goal.id}") { id } }`]) {
      const res = await gql(as.teacherB, query);
      t.same(Object.values(res.data!), [null], query);
      t.equal(res.errors![0].extensions.code, 'NOT_FOUND');
    }
    const byFilter = await gql(as.teacherB, `{ students(filter: { classId: "${d.classA}" }) { edges { node { id } } }
      goals(filter: { studentId: "${d.studentA}" }) { nodes { id } } contactLogs(filter: { studentId: "${d.studentA}" }) { nodes { id } } }`);
    t.notOk(byFilter.errors);
    t.same(byFilter.data, { students: { edges: [] }, goals: { nodes: [] }, contactLogs: { nodes: [] } });
    const nested = await gql(as.teacherB, `{ school(id: "${d.schoolA}") { classes { nodes { id } } } }`);
    t.same(nested.data!.school.classes.nodes, [], 'not through a school either');
  });

  await t.test('a guardian sees through nested relations only what REST shows them', async (t) => {
    const res = await gql(as.guardianA, `{ student(id: "${d.studentA}") {
      goals { nodes { title progress { nodes { note } } } }
      progressEvents { nodes { note } }
      contactLogs { nodes { summary staffNote } }
      guardians { guardian { givenName phone contactNotes } }
      family { notes students { givenName } } } }`);
    t.notOk(res.errors, JSON.stringify(res.errors));
    const s = res.data!.student;
    t.same(s.goals.nodes, [{ title: 'Calm mornings', progress: { nodes: [{ note: 'Ready on time' }] } }], 'only goals they take part in, family-visible progress');
    t.same(s.progressEvents.nodes, [{ note: 'Ready on time' }]);
    t.same(s.contactLogs.nodes, [{ summary: 'Great week', staffNote: null }]);
    t.ok(s.guardians.every((g: { guardian: { contactNotes: unknown } }) => g.guardian.contactNotes === null));
    t.equal(s.family.notes, null);
    const other = await gql(as.guardianB, `{ student(id: "${d.studentA}") { id } node(id: "${goal.id}") { id } }`);
    t.same(other.data, { student: null, node: null });
    t.ok(other.errors!.every((e) => e.extensions.code === 'NOT_FOUND'));
    const viaGuardian = await gql(as.guardianB, `{ guardians(filter: { studentId: "${d.studentA}" }) { nodes { id } } }`);
    t.same(viaGuardian.data!.guardians.nodes, []);
  });

  await t.test('a class board answers each caller for itself, from statements built once per role', async (t) => {
    const board = `query($id: UUID!) { class(id: $id) { title students(first: 50) { nodes { givenName
      guardians { relationship guardian { givenName } }
      goals(first: 5) { nodes { title progress(first: 3) { nodes { note } } } } } } } }`;
    const mine = await gql(as.teacherA, board, { id: d.classA });
    t.notOk(mine.errors, JSON.stringify(mine.errors));
    const [lucia, mateo] = mine.data!.class.students.nodes;
    t.same([lucia.givenName, mateo.givenName], ['Lucia', 'Mateo']);
    t.same(mateo.guardians.map((g: { relationship: string }) => g.relationship).sort(), ['father', 'mother']);
    t.same(mateo.goals.nodes, [{ title: 'Reading', progress: { nodes: [{ note: 'Other goal' }] } },
      { title: 'Calm mornings', progress: { nodes: [{ note: 'Staff only' }, { note: 'Ready on time' }] } }]);
    t.same(lucia.goals.nodes, []);
    const admin = await gql(as.schoolAdminA, board, { id: d.classA });
    t.same(admin.data, mine.data, 'a school admin of the school sees the same board');

    // Another teacher, through the same statements: their own class, never the first teacher's.
    const theirs = await gql(as.teacherB, board, { id: d.classB });
    t.notOk(theirs.errors, JSON.stringify(theirs.errors));
    t.same(theirs.data!.class.students.nodes.map((s: { givenName: string }) => s.givenName), ['Jin']);
    const notTheirs = await gql(as.teacherB, board, { id: d.classA });
    t.equal(notTheirs.data!.class, null);
    t.equal(notTheirs.errors![0].extensions.code, 'NOT_FOUND');

    // Two guardians of one family: each sees the goals they take part in, and family-visible progress only.
    const goalsOf = (headers: Record<string, string>) => gql(headers, `{ student(id: "${d.studentA}") { guardians { guardian { givenName } }
      goals { nodes { title progress { nodes { note } } } } } }`);
    const rosa = await goalsOf(as.guardianA);
    t.same(rosa.data!.student.goals.nodes, [{ title: 'Calm mornings', progress: { nodes: [{ note: 'Ready on time' }] } }]);
    const luis = await goalsOf({ authorization: `Bearer ${app.jwt.sign({ role: 'guardian', sub: d.guardianA2 }, { expiresIn: '1h' })}` });
    t.notOk(luis.errors, JSON.stringify(luis.errors));
    t.same(luis.data!.student.goals.nodes, [], 'the other guardian takes part in no goal');
    t.same(luis.data!.student.guardians, rosa.data!.student.guardians, 'both see the family\'s guardians');
  });

  await t.test('integration scopes apply to relations too', async (t) => {
    const res = await gql(as.integrationNone, `{ students { nodes { id } } }`);
    t.equal(res.errors![0].extensions.code, 'FORBIDDEN');
  });
});

t.test('SIS extension fields: staff see metadata, guardians do not', async (t) => {
  const { app, d, as } = await startSeededApp(t);
  await app.db.updateTable('students').set({ metadata: JSON.stringify({ 'metadata.phoneticGivenName': 'mah-TAY-oh', ext_iep: true }) }).where('id', '=', d.studentA).execute();
  const query = { query: `{ student(id: "${d.studentA}") { metadata } }` };
  const staff = await app.inject({ method: 'POST', url: '/graphql', headers: as.teacherA, payload: query });
  t.same(staff.json().data.student.metadata, { 'metadata.phoneticGivenName': 'mah-TAY-oh', ext_iep: true }, 'keys kept exactly as the SIS sent them');
  const family = await app.inject({ method: 'POST', url: '/graphql', headers: as.guardianA, payload: query });
  t.equal(family.json().data.student.metadata, null);
});
