// Reads roles (1.2), users, userProfiles and demographics: people split into students, staff and guardians.
import type { Row } from './csv-rows.ts';
import type { RecordStatus, Relationship, StaffRole } from './entities.ts';
import type { ExportSource } from './export-source.ts';
import { eachRow } from './file-loop.ts';
import { GUARDIAN, kindNames, STAFF, STUDENT, type ReadState } from './read-state.ts';
import { isGuardianRole, kindOfRole, parseRelationship, staffRoleOf } from './user-roles.ts';
import { isEmail, normalisePhone, parseUserIds } from './values.ts';

interface RoleEntry {
  line: number; role: string; roleType: string; org: string; status: RecordStatus;
  beginDate: string | null; endDate: string | null;
}

/** What later steps (agent links, households) need to remember about people. */
export interface PeopleState {
  rolesByUser: Map<string, RoleEntry[]>;
  /** Flat [from, to, line, from, to, line, ...] triples of agentSourcedIds. */
  agents: (string | number)[];
  /** sexCarried: demographics.csv has the guardian's row (a delta without it says nothing about their sex). */
  guardians: Map<string, { role: string; explicit: Relationship | null; sex: string | null; sexCarried: boolean }>;
}

export function newPeopleState(): PeopleState {
  return { rolesByUser: new Map(), agents: [], guardians: new Map() };
}

export async function readRoles(source: ExportSource, state: ReadState, people: PeopleState): Promise<void> {
  await eachRow(source, state, 'roles', { entity: 'studentSchools' }, (row) => {
    const status = row.status();
    row.modifiedAt();
    const user = row.id('userSourcedId');
    const roleType = row.vocab('roleType', 'roleType');
    const role = row.vocab('role', 'role12');
    const org = row.id('orgSourcedId');
    if (org !== null) state.ref('orgs', org, row, 'orgSourcedId', true);
    const beginDate = row.date('beginDate');
    const endDate = row.date('endDate');
    if (beginDate && endDate && endDate < beginDate) row.error('endDate', `endDate ${endDate} is before beginDate ${beginDate}`);
    if (row.bad || !user || !roleType || !role || !org) return;
    const list = people.rolesByUser.get(user) ?? [];
    list.push({ line: row.line, role, roleType, org, status, beginDate, endDate });
    people.rolesByUser.set(user, list);
  });
}

function contact(row: Row, state: ReadState) {
  let email = row.text('email');
  if (email !== null && !isEmail(email)) {
    row.warn('email', `"${email}" is not an email address; left empty`);
    email = null;
  }
  const phoneOf = (column: string) => {
    const raw = row.text(column);
    if (raw === null) return null;
    const phone = normalisePhone(raw, state.defaultCallingCode);
    if (phone === null) row.warn(column, `"${raw}" is not a phone number that can be written in E.164; left empty`);
    return phone;
  };
  return { email, phone: phoneOf('phone'), sms: phoneOf('sms') };
}

function rolesForUser11(row: Row, state: ReadState): RoleEntry[] {
  const role = row.vocab('role', 'userRole11');
  const orgs = row.list('orgSourcedIds').filter((o) => state.ref('orgs', o, row, 'orgSourcedIds', true));
  if (!role) return [];
  return orgs.map((org, i) => ({ line: row.line, role, roleType: i === 0 ? 'primary' : 'secondary', org,
    status: 'active' as const, beginDate: null, endDate: null }));
}

export async function readUsers(source: ExportSource, state: ReadState, people: PeopleState): Promise<void> {
  const v12 = state.version === '1.2';
  await eachRow(source, state, 'users', { entity: 'students', refFile: 'users' }, async (row, sourcedId) => {
    const status = row.status();
    const modifiedAt = row.modifiedAt();
    const enabledUser = row.bool('enabledUser');
    const username = row.text('username');
    const givenName = row.text('givenName') ?? '';
    const familyName = row.text('familyName') ?? '';
    for (const [col, v] of [['givenName', givenName], ['familyName', familyName]] as const) {
      if (v.length > 200) row.error(col, `${col} is longer than 200 characters`);
    }
    const { email, phone, sms } = contact(row, state);
    const rawIds = row.raw('userIds');
    const ids = rawIds === '' ? null : parseUserIds(rawIds);
    if (ids && !ids.ok) row.warn('userIds', `${ids.message}; ignored`);
    const grades = row.grades('grades');
    const agents = row.list('agentSourcedIds');
    const roles = v12 ? people.rolesByUser.get(sourcedId) ?? [] : rolesForUser11(row, state);
    if (v12) people.rolesByUser.delete(sourcedId);
    let primaryOrg = v12 ? row.id('primaryOrgSourcedId') : null;
    if (primaryOrg !== null && !state.ref('orgs', primaryOrg, row, 'primaryOrgSourcedId', false)) primaryOrg = null;

    let kind = roles.reduce((k, r) => k | kindOfRole(r.role), 0);
    if (v12 && roles.length === 0) {
      const existing = state.mode('roles') !== 'bulk' ? state.existing?.users.get(sourcedId) : undefined;
      if (existing === undefined) row.error('sourcedId', `user "${sourcedId}" has no role in roles.csv`);
      else kind = existing;
    } else if (v12 && !roles.some((r) => r.roleType === 'primary')) {
      row.warn('sourcedId', `user "${sourcedId}" has no primary role in roles.csv`);
    }
    if (row.bad || sourcedId === '') return;
    state.users.set(sourcedId, kind);
    for (const agent of agents) people.agents.push(sourcedId, agent, row.line);

    const ext = row.extensions();
    const oneroster: Record<string, unknown> = { enabledUser };
    if (ids?.ok && ids.value.length) oneroster.userIds = ids.value;
    if (grades.length) oneroster.grades = grades;
    for (const col of ['userMasterIdentifier', 'preferredMiddleName', 'preferredFamilyName', 'pronouns']) {
      const v = v12 ? row.text(col) : null;
      if (v !== null) oneroster[col] = v;
    }
    if (roles.length) oneroster.roles = roles.map(({ role, roleType, org, status: s }) => ({ role, roleType, org, status: s }));
    const metadata = { ...ext, oneroster };
    const preferredFirstName = v12 ? row.text('preferredGivenName') : null;
    const middleName = row.text('middleName');
    const identifier = row.text('identifier');
    const byPrimary = [...roles].sort((a, b) => (a.roleType === 'primary' ? 0 : 1) - (b.roleType === 'primary' ? 0 : 1));

    if (kind & STUDENT) {
      const studentRoles = byPrimary.filter((r) => r.role === 'student');
      const school = primaryOrg ?? studentRoles[0]?.org ?? null;
      await state.emit('students', { sourcedId, status, modifiedAt, givenName, familyName, middleName,
        preferredFirstName, identifier, username, email, grade: grades[0] ?? null, schoolSourcedId: school, metadata });
      await emitMemberships(state, sourcedId, studentRoles, null);
    }
    if (kind & STAFF) {
      const staffRoles = byPrimary.filter((r) => staffRoleOf(r.role) !== null);
      const role = staffRoleOf(staffRoles[0]?.role ?? 'teacher') ?? 'teacher';
      await state.emit('staff', { sourcedId, status, modifiedAt, role, givenName, familyName, middleName,
        preferredFirstName, identifier, username, email, phone: phone ?? sms, metadata });
      await emitMemberships(state, sourcedId, staffRoles, role);
    }
    if (kind & GUARDIAN) {
      const guardianRole = byPrimary.find((r) => isGuardianRole(r.role))?.role ?? 'guardian';
      const rawRel = ext['metadata.relationship'];
      const explicit = rawRel ? parseRelationship(rawRel) : null;
      if (rawRel && !explicit) row.warn('metadata.relationship', `"${rawRel}" is not a known relationship; the role "${guardianRole}" is used`);
      people.guardians.set(sourcedId, { role: guardianRole, explicit, sex: null, sexCarried: false });
      await state.emit('guardians', { sourcedId, status, modifiedAt, givenName, familyName, email, phone, smsPhone: sms, metadata,
        listsAgents: agents.length > 0 });
    }
  });
  if (v12) await membershipsForOtherUsers(state, people);
}

async function emitMemberships(state: ReadState, user: string, roles: RoleEntry[], staffRole: StaffRole | null): Promise<void> {
  const seen = new Set<string>();
  for (const r of roles) {
    if (seen.has(r.org)) continue;
    seen.add(r.org);
    const isPrimary = r.roleType === 'primary';
    if (staffRole === null) await state.emit('studentSchools', { studentSourcedId: user, schoolSourcedId: r.org, isPrimary, status: r.status });
    else await state.emit('staffSchools', { staffSourcedId: user, schoolSourcedId: r.org, role: staffRoleOf(r.role) ?? staffRole, isPrimary, status: r.status });
  }
}

/** roles.csv rows whose user is not in users.csv: fine in a delta when the user is already known. */
async function membershipsForOtherUsers(state: ReadState, people: PeopleState): Promise<void> {
  const file = state.fileNames.get('roles') ?? 'roles.csv';
  for (const [user, roles] of people.rolesByUser) {
    const kind = state.userKind(user);
    if (kind === undefined) {
      for (const r of roles) state.issues.error(file, r.line, 'userSourcedId', `user "${user}" is not in users.csv${state.mode('users') === 'bulk' ? '' : ' or the database'}`);
      continue;
    }
    for (const r of roles) {
      if (!(kind & kindOfRole(r.role))) {
        state.issues.error(file, r.line, 'role', `user "${user}" is ${kindNames(kind)}; role "${r.role}" does not match`);
      }
    }
    if (kind & STUDENT) await emitMemberships(state, user, roles.filter((r) => r.role === 'student'), null);
    if (kind & STAFF) await emitMemberships(state, user, roles.filter((r) => staffRoleOf(r.role)), 'teacher');
  }
  people.rolesByUser.clear();
}

export async function readUserProfiles(source: ExportSource, state: ReadState): Promise<void> {
  await eachRow(source, state, 'userProfiles', { entity: 'userProfiles' }, async (row, sourcedId) => {
    const status = row.status();
    const modifiedAt = row.modifiedAt();
    const user = row.id('userSourcedId');
    if (user !== null) state.ref('users', user, row, 'userSourcedId', true);
    const record = { sourcedId, status, modifiedAt, userSourcedId: user ?? '', profileType: row.text('profileType') ?? '',
      vendorId: row.text('vendorId') ?? '', applicationId: row.text('applicationId'), description: row.text('description'),
      credentialType: row.text('credentialType') ?? '', username: row.text('username') ?? '' };
    if (!row.bad && sourcedId !== '') await state.emit('userProfiles', record);
  });
}

export async function readDemographics(source: ExportSource, state: ReadState, people: PeopleState): Promise<void> {
  await eachRow(source, state, 'demographics', { entity: 'demographics' }, async (row, sourcedId) => {
    const status = row.status();
    row.modifiedAt();
    const birthDate = row.date('birthDate');
    const sex = row.vocab('sex', 'sex');
    if (sourcedId !== '' && state.userKind(sourcedId) === undefined) {
      row.warn('sourcedId', `user "${sourcedId}" is not in users.csv${state.mode('users') === 'bulk' ? '' : ' or the database'}; ignored`);
      return;
    }
    if (row.bad || sourcedId === '') return;
    const guardian = people.guardians.get(sourcedId);
    if (guardian) {
      guardian.sex = sex;
      guardian.sexCarried = true;
    }
    await state.emit('demographics', { sourcedId, status, birthDate, sex });
  });
}
