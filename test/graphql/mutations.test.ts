// Writes over GraphQL: the same services and rules as REST, input validated by the REST schemas, errors with extensions.code.
import t, { type Test } from 'tap';
import { startSeededApp } from '../helpers/app.ts';

interface GqlError {
  message: string;
  extensions: { code: string; errors?: unknown };
}

t.test('mutations', async (t) => {
  const { app, d, as } = await startSeededApp(t);
  const gql = async (headers: Record<string, string>, query: string, variables?: object) => {
    const res = await app.inject({ method: 'POST', url: '/graphql', headers, payload: { query, variables } });
    return res.json() as { data?: Record<string, any> | null; errors?: [GqlError, ...GqlError[]] };
  };
  const ok = (t: Test, res: { errors?: unknown }) => t.notOk(res.errors, JSON.stringify(res.errors));
  const code = (res: { errors?: Array<{ extensions: { code: string } }> }) => res.errors?.[0]?.extensions.code;

  await t.test('goals: create, update with ifMatch, status moves, reopen, participants, strategies, delete', async (t) => {
    const created = await gql(as.teacherA, `mutation($i: CreateGoalInput!) { createGoal(input: $i) { id status etag createdBy } }`,
      { i: { studentId: d.studentA, title: 'Homework routine', domain: 'academic', measureType: 'percent', target: 80 } });
    ok(t, created);
    const goal = created.data!.createGoal;
    t.match(goal, { status: 'draft', createdBy: d.teacherA });
    const stale = await gql(as.teacherA, `mutation { updateGoal(id: "${goal.id}", input: { status: active }, ifMatch: "\\"stale\\"") { id } }`);
    t.equal(code(stale), 'PRECONDITION_FAILED');
    const active = await gql(as.teacherA, `mutation($e: String) { updateGoal(id: "${goal.id}", input: { status: active }, ifMatch: $e) { status } }`, { e: goal.etag });
    t.same(active.data!.updateGoal, { status: 'active' });
    const badMeasure = await gql(as.teacherA, `mutation { updateGoal(id: "${goal.id}", input: { target: 150 }) { id } }`);
    t.equal(code(badMeasure), 'BAD_USER_INPUT');
    const emptyTitle = await gql(as.teacherA, `mutation { updateGoal(id: "${goal.id}", input: { title: "" }) { id } }`);
    t.same(emptyTitle.errors![0].extensions.errors, [{ path: '/input/title', message: 'must NOT have fewer than 1 characters' }]);
    const reopenActive = await gql(as.teacherA, `mutation { reopenGoal(id: "${goal.id}") { id } }`);
    t.equal(code(reopenActive), 'CONFLICT');
    await gql(as.teacherA, `mutation { updateGoal(id: "${goal.id}", input: { status: paused }) { status } }`);
    const reopened = await gql(as.teacherA, `mutation { reopenGoal(id: "${goal.id}") { status } }`);
    t.same(reopened.data!.reopenGoal, { status: 'active' });
    const notMine = await gql(as.teacherA2, `mutation { updateGoal(id: "${goal.id}", input: { title: "x" }) { id } }`);
    t.equal(code(notMine), 'NOT_FOUND', 'a teacher who cannot see the student');
    const byGuardian = await gql(as.guardianA, `mutation { updateGoal(id: "${goal.id}", input: { title: "x" }) { id } }`);
    t.equal(code(byGuardian), 'NOT_FOUND', 'a guardian not taking part does not see the goal');

    const added = await gql(as.teacherA, `mutation { addGoalParticipant(goalId: "${goal.id}", input: { participantType: guardian, guardianId: "${d.guardianA}" }) { id name role etag } }`);
    ok(t, added);
    const participant = added.data!.addGoalParticipant;
    t.match(participant, { name: 'Rosa Garcia', role: 'partner' });
    const twice = await gql(as.teacherA, `mutation { addGoalParticipant(goalId: "${goal.id}", input: { participantType: guardian, guardianId: "${d.guardianA}" }) { id } }`);
    t.equal(code(twice), 'CONFLICT');
    const input = await gql(as.guardianA, `mutation { setGoalParticipantInput(goalId: "${goal.id}", participantId: "${participant.id}", input: "We use a timer at home") { input } }`);
    t.same(input.data!.setGoalParticipantInput, { input: 'We use a timer at home' });
    const guardianEdit = await gql(as.guardianA, `mutation { updateGoal(id: "${goal.id}", input: { title: "x" }) { id } }`);
    t.equal(code(guardianEdit), 'FORBIDDEN', 'a guardian taking part adds input but does not change the goal');

    const resource = await gql(as.teacherA, `mutation { createStrategyResource(input: { title: "Timer chart", kind: behavior_chart, url: "https://example.org/timer" }) { id etag } }`);
    ok(t, resource);
    const strategy = await gql(as.teacherA, `mutation { addGoalStrategy(goalId: "${goal.id}", input: { resourceId: "${resource.data!.createStrategyResource.id}", usedAt: home }) { id usedAt etag resource { title } } }`);
    t.match(strategy.data!.addGoalStrategy, { usedAt: 'home', resource: { title: 'Timer chart' } });
    const updatedStrategy = await gql(as.teacherA, `mutation($e: String) { updateGoalStrategy(goalId: "${goal.id}", strategyId: "${strategy.data!.addGoalStrategy.id}", input: { notes: "After dinner" }, ifMatch: $e) { notes } }`,
      { e: strategy.data!.addGoalStrategy.etag });
    t.same(updatedStrategy.data!.updateGoalStrategy, { notes: 'After dinner' });
    const listed = await gql(as.teacherA, `{ goal(id: "${goal.id}") { participants { input } strategies { notes } } }`);
    t.same(listed.data!.goal, { participants: [{ input: 'We use a timer at home' }], strategies: [{ notes: 'After dinner' }] });
    t.same((await gql(as.teacherA, `mutation { removeGoalStrategy(goalId: "${goal.id}", strategyId: "${strategy.data!.addGoalStrategy.id}") }`)).data, { removeGoalStrategy: true });
    t.same((await gql(as.teacherA, `mutation { removeGoalParticipant(goalId: "${goal.id}", participantId: "${participant.id}") }`)).data, { removeGoalParticipant: true });
    const notDraft = await gql(as.teacherA, `mutation { deleteGoal(id: "${goal.id}") }`);
    t.equal(code(notDraft), 'CONFLICT');
    const draft = await gql(as.teacherA, `mutation { createGoal(input: { studentId: "${d.studentA}", title: "Draft", domain: other }) { id } }`);
    t.same((await gql(as.teacherA, `mutation { deleteGoal(id: "${draft.data!.createGoal.id}") }`)).data, { deleteGoal: true });
  });

  await t.test('progress events: record, value rules with field paths, update, delete', async (t) => {
    const goal = (await gql(as.teacherA, `mutation { createGoal(input: { studentId: "${d.studentA}", title: "Percent", domain: academic, status: active, measureType: percent }) { id } }`)).data!.createGoal;
    const bad = await gql(as.teacherA, `mutation { recordProgress(input: { studentId: "${d.studentA}", goalId: "${goal.id}", occurredAt: "2026-09-01T10:00:00Z", kind: measurement, value: 120 }) { id } }`);
    t.equal(code(bad), 'BAD_USER_INPUT');
    t.same(bad.errors![0].extensions.errors, [{ path: '/input/value', message: 'must be a percentage from 0 to 100' }]);
    const recorded = await gql(as.teacherA, `mutation { recordProgress(input: { studentId: "${d.studentA}", goalId: "${goal.id}", occurredAt: "2026-09-01T10:00:00Z", kind: measurement, value: 60 }) { id value etag goal { title } student { givenName } } }`);
    ok(t, recorded);
    const event = recorded.data!.recordProgress;
    t.match(event, { value: 60, goal: { title: 'Percent' }, student: { givenName: 'Mateo' } });
    const updated = await gql(as.teacherA, `mutation($e: String) { updateProgressEvent(id: "${event.id}", input: { value: 70, note: "Better" }, ifMatch: $e) { value note } }`, { e: event.etag });
    t.same(updated.data!.updateProgressEvent, { value: 70, note: 'Better' });
    const other = await gql(as.teacherA2, `mutation { deleteProgressEvent(id: "${event.id}") }`);
    t.equal(code(other), 'NOT_FOUND');
    t.same((await gql(as.teacherA, `mutation { deleteProgressEvent(id: "${event.id}") }`)).data, { deleteProgressEvent: true });
  });

  await t.test('resources and shares: share, acknowledge once, withdraw only before', async (t) => {
    const resource = (await gql(as.teacherA, `mutation { createStrategyResource(input: { title: "Calm corner", kind: coping_strategy, body: "Breathe" }) { id etag } }`)).data!.createStrategyResource;
    const missing = await gql(as.teacherA, `mutation { createStrategyResource(input: { title: "Empty", kind: other }) { id } }`);
    t.equal(code(missing), 'BAD_USER_INPUT');
    const updated = await gql(as.teacherA, `mutation($e: String) { updateStrategyResource(id: "${resource.id}", input: { summary: "A quiet place" }, ifMatch: $e) { summary } }`, { e: resource.etag });
    t.same(updated.data!.updateStrategyResource, { summary: 'A quiet place' });
    const shared = await gql(as.teacherA, `mutation { shareResource(resourceId: "${resource.id}", input: { studentId: "${d.studentA}", guardianId: "${d.guardianA}", message: "Try this" }) { id resourceSummary { title } resource { title } guardian { givenName } } }`);
    ok(t, shared);
    const share = shared.data!.shareResource;
    t.match(share, { resourceSummary: { title: 'Calm corner' }, resource: { title: 'Calm corner' }, guardian: { givenName: 'Rosa' } });
    const byTeacher = await gql(as.teacherA, `mutation { acknowledgeResourceShare(id: "${share.id}") { id } }`);
    t.equal(code(byTeacher), 'FORBIDDEN');
    const acknowledged = await gql(as.guardianA, `mutation { acknowledgeResourceShare(id: "${share.id}") { acknowledgedAt } }`);
    t.ok(acknowledged.data!.acknowledgeResourceShare.acknowledgedAt);
    const withdraw = await gql(as.teacherA, `mutation { withdrawResourceShare(id: "${share.id}") }`);
    t.equal(code(withdraw), 'CONFLICT');
    const mine = await gql(as.guardianA, `{ student(id: "${d.studentA}") { sharedResources { nodes { id resource { title shares { nodes { id } } } } } } }`);
    t.same(mine.data!.student.sharedResources.nodes, [{ id: share.id, resource: { title: 'Calm corner', shares: { nodes: [{ id: share.id }] } } }]);
    t.same((await gql(as.teacherA, `mutation { archiveStrategyResource(id: "${resource.id}") }`)).data, { archiveStrategyResource: true });
    const restored = await gql(as.teacherA, `mutation { unarchiveStrategyResource(id: "${resource.id}") { archivedAt } }`);
    t.same(restored.data!.unarchiveStrategyResource, { archivedAt: null });
  });

  await t.test('roster writes: local records by district admins, guardian local fields, caregivers and links', async (t) => {
    const family = await gql(as.districtAdmin, `mutation { createFamily(input: { name: "Ode household" }) { id name } }`);
    ok(t, family);
    const student = await gql(as.districtAdmin, `mutation($f: UUID) { createStudent(input: { givenName: "Ada", familyName: "Ode", schoolId: "${d.schoolA}", familyId: $f }) { id source etag school { name } family { name } } }`,
      { f: family.data!.createFamily.id });
    ok(t, student);
    t.match(student.data!.createStudent, { source: 'local', school: { name: 'Alder Elementary' }, family: { name: 'Ode household' } });
    const byTeacher = await gql(as.teacherA, `mutation { createStudent(input: { givenName: "X", familyName: "Y" }) { id } }`);
    t.equal(code(byTeacher), 'FORBIDDEN');
    const sisField = await gql(as.districtAdmin, `mutation { updateStudent(id: "${d.studentA}", input: { givenName: "Renamed" }) { id } }`);
    t.equal(code(sisField), 'BAD_USER_INPUT');
    t.same(sisField.errors![0].extensions.errors, [{ path: '/input/givenName', message: 'is managed by the SIS' }]);
    const renamed = await gql(as.districtAdmin, `mutation($e: String) { updateStudent(id: "${student.data!.createStudent.id}", input: { preferredFirstName: "Addie" }, ifMatch: $e) { preferredFirstName } }`,
      { e: student.data!.createStudent.etag });
    t.same(renamed.data!.updateStudent, { preferredFirstName: 'Addie' });
    const staff = await gql(as.districtAdmin, `mutation { createStaffMember(input: { givenName: "Eve", familyName: "Stone", email: "eve@maple.example", schools: [{ schoolId: "${d.schoolB}" }] }) { id source schools { isPrimary school { name } } } }`);
    t.match(staff.data!.createStaffMember, { source: 'local', schools: [{ isPrimary: true, school: { name: 'Birch Middle' } }] });
    const guardian = await gql(as.districtAdmin, `mutation { createGuardian(input: { givenName: "Ola", familyName: "Ode", phone: "+15550003001" }) { id source } }`);
    t.equal(guardian.data!.createGuardian.source, 'local');
    const prefs = await gql(as.guardianA, `mutation { updateGuardian(id: "${d.guardianA}", input: { preferredLanguage: "es-MX", needsInterpreter: true }) { preferredLanguage needsInterpreter } }`);
    t.same(prefs.data!.updateGuardian, { preferredLanguage: 'es-MX', needsInterpreter: true });
    const notSelf = await gql(as.guardianA, `mutation { updateGuardian(id: "${d.guardianA2}", input: { needsInterpreter: true }) { id } }`);
    t.equal(code(notSelf), 'FORBIDDEN');
    const caregiver = await gql(as.teacherA, `mutation { addStudentGuardian(studentId: "${d.studentA}", input: { guardian: { givenName: "Abuela", familyName: "Garcia" }, relationship: grandparent, mayContact: true }) { id relationship etag guardian { id source familyId } student { givenName } } }`);
    ok(t, caregiver);
    const link = caregiver.data!.addStudentGuardian;
    t.match(link, { relationship: 'grandparent', guardian: { source: 'local', familyId: d.familyA }, student: { givenName: 'Mateo' } });
    const flags = await gql(as.teacherA, `mutation($e: String) { updateStudentGuardian(studentId: "${d.studentA}", guardianId: "${link.guardian.id}", input: { isEmergencyContact: true }, ifMatch: $e) { isEmergencyContact } }`,
      { e: link.etag });
    t.same(flags.data!.updateStudentGuardian, { isEmergencyContact: true });
    const asLink = await gql(as.teacherA, `{ node(id: "${link.id}") { __typename ... on StudentGuardianLink { relationship } } }`);
    t.same(asLink.data!.node, { __typename: 'StudentGuardianLink', relationship: 'grandparent' });
    const otherSchool = await gql(as.teacherB, `mutation { addStudentGuardian(studentId: "${d.studentA}", input: { guardian: { givenName: "X", familyName: "Y" } }) { id } }`);
    t.equal(code(otherSchool), 'NOT_FOUND');
  });

  await t.test('unauthenticated', async (t) => {
    const res = await app.inject({ method: 'POST', url: '/graphql', payload: { query: `mutation { deleteGoal(id: "${d.studentA}") }` } });
    t.equal(res.statusCode, 401);
  });
});
