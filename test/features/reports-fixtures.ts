// A hand-made September of partnership records for the report tests, written straight to the test database.
import { createDatabase } from '../../src/db/database.ts';
import type { District } from '../helpers/seed.ts';

export interface ReportFixtures {
  /** studentA, measure count, baseline 1 → target 10, active, made with guardianA; values 2, 4, 6 at weeks 0, 1, 4. */
  goalA: string;
  goalA2: string;
  goalB: string;
}

/**
 * September 2026 (every count in the tests follows from this list):
 * contacts — A: 09-01 00:00 strength phone es-MX (family input, reached guardianA: es), 09-05 concern email inbound en
 * with interpreter (follow-up 2020-01-01 open), 08-31 23:59:59 strength (outside), 10-01 concern (outside);
 * A2: 09-02 concern text (follow-up 2999-01-01 done), 09-03 celebration note_home family-visible, 09-30 23:59:59
 * input_request video; B: 09-10 strength phone ko (reached guardianB: ko), by teacherB.
 */
export async function seedReportData(url: string, d: District): Promise<ReportFixtures> {
  const { db } = createDatabase({ connectionString: url, poolMax: 1 });
  try {
    const log = async (studentId: string, authorId: string, occurredAt: string, purpose: string, channel: string, extra: Record<string, unknown> = {}, guardianIds: string[] = []) => {
      const { id } = await db.insertInto('contactLogs').values({ studentId, authorId, occurredAt, purpose, channel, direction: 'outbound', summary: `${purpose} on ${occurredAt}`, ...extra })
        .returning('id').executeTakeFirstOrThrow();
      if (guardianIds.length > 0) await db.insertInto('contactLogGuardians').values(guardianIds.map((guardianId) => ({ contactLogId: id, studentId, guardianId }))).execute();
    };
    await log(d.studentA, d.teacherA, '2026-09-01T00:00:00Z', 'strength', 'phone', { language: 'es-MX', familyInput: 'He loves drawing at home' }, [d.guardianA]);
    await log(d.studentA, d.teacherA, '2026-09-05T10:00:00Z', 'concern', 'email', { direction: 'inbound', language: 'en', interpreterUsed: true, followUpDue: '2020-01-01' }, [d.guardianA]);
    await log(d.studentA, d.teacherA, '2026-08-31T23:59:59Z', 'strength', 'phone');
    await log(d.studentA, d.teacherA, '2026-10-01T00:00:00Z', 'concern', 'phone');
    await log(d.studentA2, d.teacherA, '2026-09-02T09:00:00Z', 'concern', 'text', { followUpDue: '2999-01-01', followUpDoneAt: '2026-09-04T00:00:00Z' });
    await log(d.studentA2, d.teacherA, '2026-09-03T09:00:00Z', 'celebration', 'note_home', { visibility: 'family' });
    await log(d.studentA2, d.teacherA, '2026-09-30T23:59:59Z', 'input_request', 'video');
    await log(d.studentB, d.teacherB, '2026-09-10T09:00:00Z', 'strength', 'phone', { language: 'ko' }, [d.guardianB]);

    const goal = async (studentId: string, createdBy: string, values: Record<string, unknown>) =>
      (await db.insertInto('goals').values({ studentId, createdBy, title: 'Goal', domain: 'behavior', ...values }).returning('id').executeTakeFirstOrThrow()).id;
    const goalA = await goal(d.studentA, d.teacherA, { title: 'Calm starts, "mornings", at home', status: 'active', measureType: 'count', baseline: 1, target: 10, createdAt: '2026-09-04T08:00:00Z' });
    const goalA2 = await goal(d.studentA2, d.teacherA, { status: 'met', createdAt: '2026-08-15T08:00:00Z', statusChangedAt: '2026-09-20T08:00:00Z' });
    const goalB = await goal(d.studentB, d.teacherB, { status: 'draft', createdAt: '2026-09-12T08:00:00Z' });
    await db.insertInto('goalParticipants').values([
      { goalId: goalA, participantType: 'guardian', guardianId: d.guardianA },
      { goalId: goalA, participantType: 'staff', staffId: d.teacherA, role: 'lead' },
      { goalId: goalA2, participantType: 'staff', staffId: d.teacherA },
    ]).execute();

    const event = (studentId: string, occurredAt: string, kind: string, setting: string, extra: Record<string, unknown>) =>
      db.insertInto('progressEvents').values({ studentId, occurredAt, kind, setting, ...extra } as never).execute();
    const byStaff = (id: string) => ({ recordedByType: 'staff', recordedByStaffId: id });
    const byGuardian = (id: string) => ({ recordedByType: 'guardian', recordedByGuardianId: id });
    await event(d.studentA, '2026-09-06T12:00:00Z', 'measurement', 'school', { goalId: goalA, value: 2, ...byStaff(d.teacherA) });
    await event(d.studentA, '2026-09-13T12:00:00Z', 'measurement', 'home', { goalId: goalA, value: 4, ...byGuardian(d.guardianA) });
    await event(d.studentA, '2026-09-20T12:00:00Z', 'celebration', 'school', { visibility: 'family', ...byStaff(d.teacherA) });
    await event(d.studentA2, '2026-09-07T12:00:00Z', 'milestone', 'school', { visibility: 'staff', ...byStaff(d.teacherA) });
    await event(d.studentB, '2026-09-08T12:00:00Z', 'observation', 'home', byGuardian(d.guardianB));
    await event(d.studentA, '2026-10-04T12:00:00Z', 'measurement', 'school', { goalId: goalA, value: 6, ...byStaff(d.teacherA) });

    const { id: resourceId } = await db.insertInto('strategyResources').values({ title: 'Visual schedule', kind: 'visual_schedule', body: 'Morning steps', createdBy: d.teacherA })
      .returning('id').executeTakeFirstOrThrow();
    await db.insertInto('resourceShares').values([
      { resourceId, studentId: d.studentA, guardianId: d.guardianA, sharedBy: d.teacherA, sharedAt: '2026-09-09T08:00:00Z', acknowledgedAt: '2026-09-10T08:00:00Z' },
      { resourceId, studentId: d.studentB, guardianId: d.guardianB, sharedBy: d.teacherB, sharedAt: '2026-09-15T08:00:00Z' },
    ]).execute();
    await db.updateTable('orgs').set({ name: 'Birch "Middle", East' }).where('id', '=', d.schoolB).execute();
    return { goalA, goalA2, goalB };
  } finally {
    await db.destroy();
  }
}
