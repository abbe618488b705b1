// progressEventAdded and goalStatusChanged over WebSocket: a guardian hears only what the family may see.
import t from 'tap';
import { startSeededApp } from '../helpers/app.ts';
import { GraphQLWsClient } from '../helpers/graphql-ws.ts';

const PROGRESS = 'subscription($s: UUID!) { progressEventAdded(studentId: $s) { id note visibility } }';
const STATUS = 'subscription($s: UUID!) { goalStatusChanged(studentId: $s) { id title status } }';

t.test('progress and goal status live updates', async (t) => {
  const { app, d, as } = await startSeededApp(t);
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `${address.replace('http', 'ws')}/graphql`;
  const post = async (path: string, payload: object) => (await app.inject({ method: 'POST', url: path, headers: as.teacherA, payload })).json();
  const gql = async (query: string) => (await app.inject({ method: 'POST', url: '/graphql', headers: as.teacherA, payload: { query } })).json();
  const shared = await post('/v1/goals', { studentId: d.studentA, title: 'Shared goal', domain: 'behavior', status: 'active' });
  const staffGoal = await post('/v1/goals', { studentId: d.studentA, title: 'Staff goal', domain: 'academic', status: 'active' });
  await post(`/v1/goals/${shared.id}/participants`, { participantType: 'guardian', guardianId: d.guardianA });

  const connect = async (authorization: string) => {
    const client = await GraphQLWsClient.connect(url, authorization);
    t.teardown(() => client.close());
    t.equal((await client.next())?.type, 'connection_ack');
    return client;
  };

  await t.test('progressEventAdded: guardians hear family-visible progress on goals they take part in', async (t) => {
    const teacher = await connect(as.teacherA.authorization);
    const guardian = await connect(as.guardianA.authorization);
    teacher.subscribe('1', PROGRESS, { s: d.studentA });
    guardian.subscribe('1', PROGRESS, { s: d.studentA });
    await new Promise((r) => setTimeout(r, 200));
    const hidden = await post('/v1/progress-events', { studentId: d.studentA, goalId: shared.id, occurredAt: '2026-09-01T08:00:00Z', kind: 'observation', note: 'staff only', visibility: 'staff' });
    const otherGoal = await post('/v1/progress-events', { studentId: d.studentA, goalId: staffGoal.id, occurredAt: '2026-09-01T09:00:00Z', kind: 'observation', note: 'not their goal' });
    const viaGraphQL = await gql(`mutation { recordProgress(input: { studentId: "${d.studentA}", goalId: "${shared.id}", occurredAt: "2026-09-01T10:00:00Z", kind: celebration, note: "family sees this" }) { id } }`);
    const visibleId = viaGraphQL.data.recordProgress.id;
    const heard = [await teacher.next(), await teacher.next(), await teacher.next()].map((m) => (m?.payload?.data?.progressEventAdded as { id: string })?.id);
    t.same(heard, [hidden.id, otherGoal.id, visibleId], 'staff hear every event, including ones recorded through GraphQL');
    const guardianHeard = await guardian.next();
    t.same(guardianHeard?.payload?.data?.progressEventAdded, { id: visibleId, note: 'family sees this', visibility: 'family' });
    t.equal(await guardian.next(500), undefined, 'nothing else reached the guardian');
  });

  await t.test('goalStatusChanged: guardians hear only goals they take part in', async (t) => {
    const teacher = await connect(as.teacherA.authorization);
    const guardian = await connect(as.guardianA.authorization);
    teacher.subscribe('1', STATUS, { s: d.studentA });
    guardian.subscribe('1', STATUS, { s: d.studentA });
    await new Promise((r) => setTimeout(r, 200));
    await app.inject({ method: 'PATCH', url: `/v1/goals/${staffGoal.id}`, headers: { ...as.teacherA, 'content-type': 'application/merge-patch+json' }, payload: { status: 'paused' } });
    await app.inject({ method: 'PATCH', url: `/v1/goals/${shared.id}`, headers: { ...as.teacherA, 'content-type': 'application/merge-patch+json' }, payload: { title: 'Renamed only' } });
    await gql(`mutation { updateGoal(id: "${shared.id}", input: { status: met }) { id } }`);
    await gql(`mutation { reopenGoal(id: "${shared.id}") { id } }`);
    const teacherHeard = [await teacher.next(), await teacher.next(), await teacher.next()].map((m) => m?.payload?.data?.goalStatusChanged as { id: string; title: string });
    t.same(teacherHeard.map((g) => g?.id), [staffGoal.id, shared.id, shared.id], 'paused, met, reopened; each read as the subscriber sees the goal');
    t.same(teacherHeard[0], { id: staffGoal.id, title: 'Staff goal', status: 'paused' });
    t.equal(await teacher.next(500), undefined, 'a change without a status move is not announced');
    const guardianHeard = [await guardian.next(), await guardian.next()].map((m) => (m?.payload?.data?.goalStatusChanged as { id: string })?.id);
    t.same(guardianHeard, [shared.id, shared.id]);
    t.equal(await guardian.next(500), undefined, "the staff goal's change never reached the guardian");
  });

  await t.test('relations of an event are read fresh for each event, never from an earlier one', async (t) => {
    const teacher = await connect(as.teacherA.authorization);
    teacher.subscribe('1', 'subscription($s: UUID!) { goalStatusChanged(studentId: $s) { id status student { id } progress(first: 1) { nodes { note } } } }', { s: d.studentA });
    await new Promise((r) => setTimeout(r, 200));
    await post('/v1/progress-events', { studentId: d.studentA, goalId: staffGoal.id, occurredAt: '2026-09-02T08:00:00Z', kind: 'observation', note: 'first step' });
    t.equal((await app.inject({ method: 'POST', url: `/v1/goals/${staffGoal.id}/reopen`, headers: as.teacherA })).statusCode, 200);
    const first = (await teacher.next())?.payload?.data?.goalStatusChanged as { status: string; student: { id: string }; progress: { nodes: Array<{ note: string }> } };
    t.same(first, { id: staffGoal.id, status: 'active', student: { id: d.studentA }, progress: { nodes: [{ note: 'first step' }] } });
    await post('/v1/progress-events', { studentId: d.studentA, goalId: staffGoal.id, occurredAt: '2026-09-03T08:00:00Z', kind: 'observation', note: 'second step' });
    await app.inject({ method: 'PATCH', url: `/v1/goals/${staffGoal.id}`,
      headers: { ...as.teacherA, 'content-type': 'application/merge-patch+json' }, payload: { status: 'paused' } });
    const second = (await teacher.next())?.payload?.data?.goalStatusChanged as { progress: { nodes: Array<{ note: string }> } };
    t.same(second?.progress.nodes, [{ note: 'second step' }], 'the second event reads the newest progress');
  });

  await t.test('another family or school: NOT_FOUND at subscribe time', async (t) => {
    for (const token of [as.guardianB.authorization, as.teacherB.authorization]) {
      const client = await connect(token);
      client.subscribe('1', STATUS, { s: d.studentA });
      const answer = await client.next();
      t.equal(answer?.type, 'error');
      t.match(JSON.stringify(answer?.payload), /not found/i);
    }
  });
});
