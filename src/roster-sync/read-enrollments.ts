// Reads enrollments, then turns agentSourcedIds into student–guardian links and links into households.
import type { GuardianLinkRecord } from './entities.ts';
import type { ExportSource } from './export-source.ts';
import { eachRow } from './file-loop.ts';
import type { PeopleState } from './read-user-files.ts';
import { GUARDIAN, kindNames, STAFF, STUDENT, type ReadState } from './read-state.ts';
import { relationshipOf } from './user-roles.ts';

export async function readEnrollments(source: ExportSource, state: ReadState): Promise<void> {
  await eachRow(source, state, 'enrollments', { entity: 'enrollments' }, async (row, sourcedId) => {
    const status = row.status();
    const modifiedAt = row.modifiedAt();
    const cls = row.id('classSourcedId');
    if (cls !== null) state.ref('classes', cls, row, 'classSourcedId', true);
    const school = row.id('schoolSourcedId');
    if (school !== null) state.ref('orgs', school, row, 'schoolSourcedId', true);
    const user = row.id('userSourcedId');
    const role = row.vocab('role', 'enrollmentRole');
    if (user !== null && state.ref('users', user, row, 'userSourcedId', true) && role) {
      const kind = state.userKind(user) ?? 0;
      const needed = role === 'student' ? STUDENT : STAFF;
      if (!(kind & needed)) {
        row.error('role', `user "${user}" is ${kindNames(kind)}; a ${role} enrollment needs a ${role === 'student' ? 'student' : 'staff member'}`);
      }
    }
    const isPrimary = row.bool('primary') ?? false;
    const beginDate = row.date('beginDate');
    const endDate = row.date('endDate');
    if (beginDate && endDate && endDate < beginDate) row.error('endDate', `endDate ${endDate} is before beginDate ${beginDate}`);
    if (row.bad || sourcedId === '' || !cls || !school || !user || !role) return;
    await state.emit('enrollments', { sourcedId, status, modifiedAt, classSourcedId: cls, schoolSourcedId: school,
      userSourcedId: user, role, isPrimary, beginDate, endDate, metadata: row.extensions() });
  });
}

/** agentSourcedIds is read as an undirected list: a student may list a guardian, a guardian a student. */
export async function emitGuardianLinks(state: ReadState, people: PeopleState): Promise<void> {
  const file = state.fileNames.get('users') ?? 'users.csv';
  const links = new Map<string, GuardianLinkRecord>();
  const a = people.agents;
  for (let i = 0; i < a.length; i += 3) {
    const from = a[i] as string;
    const to = a[i + 1] as string;
    const line = a[i + 2] as number;
    const fromKind = state.userKind(from) ?? 0;
    const toKind = state.userKind(to);
    if (toKind === undefined) {
      const bad = state.bad.users.has(to) ? ', which has errors' : ` is not in users.csv${state.mode('users') === 'bulk' ? '' : ' or the database'}`;
      state.issues.warn(file, line, 'agentSourcedIds', `agent "${to}"${bad}; no link is made`);
      continue;
    }
    let student: string;
    let guardian: string;
    if (fromKind & STUDENT && toKind & GUARDIAN) [student, guardian] = [from, to];
    else if (fromKind & GUARDIAN && toKind & STUDENT) [student, guardian] = [to, from];
    else {
      state.issues.warn(file, line, 'agentSourcedIds', `agent "${to}" is ${kindNames(toKind)} and "${from}" is ${kindNames(fromKind)}; only a student and a parent, guardian or relative are linked`);
      continue;
    }
    const key = `${student}\u0000${guardian}`;
    if (links.has(key)) continue;
    const g = people.guardians.get(guardian);
    const stated = relationshipOf(g?.role ?? 'guardian', g?.explicit ?? null, g?.sex ?? null);
    // A delta that lists the link from the student's side, or carries a parent but not their demographics row, says
    // nothing about the relationship: the stored one stays (a bulk demographics file states every parent's sex).
    const carried = g !== undefined && (g.explicit !== null || g.role !== 'parent' || g.sexCarried || state.mode('demographics') === 'bulk');
    links.set(key, { studentSourcedId: student, guardianSourcedId: guardian, relationship: carried ? stated : null, defaultRelationship: stated });
  }
  people.agents = [];
  for (const link of links.values()) await state.emit('guardianLinks', link);
  await emitHouseholds(state, [...links.values()]);
}

/** Connected groups of students and guardians (union-find); each group is keyed by its smallest member key. */
async function emitHouseholds(state: ReadState, links: GuardianLinkRecord[]): Promise<void> {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root)!;
    let cur = x;
    while (cur !== root) {
      const next = parent.get(cur)!;
      parent.set(cur, root);
      cur = next;
    }
    return root;
  };
  const add = (x: string) => { if (!parent.has(x)) parent.set(x, x); };
  for (const l of links) {
    const s = `s:${l.studentSourcedId}`;
    const g = `g:${l.guardianSourcedId}`;
    add(s); add(g);
    const rs = find(s);
    const rg = find(g);
    if (rs !== rg) {
      if (rs < rg) parent.set(rg, rs);
      else parent.set(rs, rg);
    }
  }
  for (const member of parent.keys()) {
    await state.emit('households', { kind: member.startsWith('s:') ? 'student' : 'guardian', sourcedId: member.slice(2), household: find(member) });
  }
}
