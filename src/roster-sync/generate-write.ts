// Writes a synthetic district as a OneRoster 1.1 or 1.2 CSV export: a bulk snapshot, or a delta of N% changes.
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import { classId, courseId, CLASSES_PER_STUDENT, FAMILY, GIVEN, GRADES, guardianId, mulberry32, pad, RELATIONSHIPS,
  schoolId, staffId, staffRoleOfIndex, studentId, SUBJECTS, teacherOf, type District } from './generate-district.ts';
import type { OneRosterVersion } from './specs.ts';

const MODIFIED = '2025-08-01T12:00:00.000Z';
const DELTA_MODIFIED = '2025-09-01T12:00:00.000Z';
const GUARDIAN_ROLES = ['parent', 'guardian', 'relative'];

function cell(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

class CsvFile {
  private buf: string[] = [];
  private size = 0;
  rows = 0;
  private constructor(private readonly out: WriteStream) {}
  static open(dir: string, name: string, header: string[]): CsvFile {
    const f = new CsvFile(createWriteStream(path.join(dir, name)));
    f.buf.push(`${header.join(',')}\r\n`);
    return f;
  }
  async row(values: (string | number | boolean | null | undefined)[]): Promise<void> {
    const line = `${values.map(cell).join(',')}\r\n`;
    this.buf.push(line);
    this.size += line.length;
    this.rows += 1;
    if (this.size > 1 << 20) await this.flush();
  }
  private async flush(): Promise<void> {
    const chunk = this.buf.join('');
    this.buf = [];
    this.size = 0;
    if (!this.out.write(chunk)) await once(this.out, 'drain');
  }
  async close(): Promise<void> {
    await this.flush();
    this.out.end();
    await once(this.out, 'finish');
  }
}

export interface WriteOptions {
  version: OneRosterVersion;
  /** Write only changes: this percentage of students (and their enrollments and guardians) changed. */
  deltaPercent?: number;
}

const USER_HEAD_11 = ['sourcedId', 'status', 'dateLastModified', 'enabledUser', 'orgSourcedIds', 'role', 'username',
  'userIds', 'givenName', 'familyName', 'middleName', 'identifier', 'email', 'sms', 'phone', 'agentSourcedIds', 'grades',
  'password', 'metadata.relationship'];
const USER_HEAD_12 = ['sourcedId', 'status', 'dateLastModified', 'enabledUser', 'username', 'userIds', 'givenName',
  'familyName', 'middleName', 'identifier', 'email', 'sms', 'phone', 'agentSourcedIds', 'grades', 'password',
  'userMasterIdentifier', 'preferredGivenName', 'preferredMiddleName', 'preferredFamilyName', 'primaryOrgSourcedId',
  'pronouns', 'metadata.relationship'];

interface UserRow {
  id: string; status: string; modified: string; orgs: string[]; role: string; given: string; family: string;
  email: string | null; phone: string | null; agents: string[]; grades: string; relationship: string | null;
  preferred?: string | null;
}

/** Writes the district into `dir`. Returns rows written per file. */
export async function writeDistrict(d: District, dir: string, options: WriteOptions): Promise<Record<string, number>> {
  await mkdir(dir, { recursive: true });
  const v12 = options.version === '1.2';
  const delta = options.deltaPercent !== undefined;
  const status = delta ? 'active' : '';
  const modified = delta ? DELTA_MODIFIED : '';
  const counts: Record<string, number> = {};
  const rnd = mulberry32(d.seed * 7919 + 1);
  const changed = (p: number) => delta && rnd() * 100 < p;
  const pct = options.deltaPercent ?? 0;

  const users = CsvFile.open(dir, 'users.csv', v12 ? USER_HEAD_12 : USER_HEAD_11);
  const roles = v12 ? CsvFile.open(dir, 'roles.csv', ['sourcedId', 'status', 'dateLastModified', 'userSourcedId', 'roleType',
    'role', 'beginDate', 'endDate', 'orgSourcedId', 'userProfileSourcedId']) : null;
  const writeUser = async (u: UserRow) => {
    const username = u.id;
    const common = [u.id, u.status, u.modified, 'true'];
    const tail = [username, `{SIS:${u.id}}`, u.given, u.family, '', u.id, u.email, u.phone, u.phone, u.agents.join(','), u.grades, ''];
    if (v12) {
      await users.row([...common, ...tail, '', u.preferred ?? '', '', '', u.orgs[0] ?? '', '', u.relationship]);
      for (const [i, org] of u.orgs.entries()) {
        await roles!.row([`rol-${u.id}-${i}`, u.status, u.modified, u.id, i === 0 ? 'primary' : 'secondary', u.role, '', '', org, '']);
      }
    } else {
      await users.row([...common, u.orgs.join(','), u.role, ...tail, u.relationship]);
    }
  };

  if (!delta) {
    const orgs = CsvFile.open(dir, 'orgs.csv', ['sourcedId', 'status', 'dateLastModified', 'name', 'type', 'identifier', 'parentSourcedId']);
    await orgs.row(['org-district', status, modified, 'Riverbend Unified School District', 'district', 'RUSD', '']);
    for (let s = 0; s < d.schools; s += 1) await orgs.row([schoolId(s), status, modified, `${FAMILY[s % FAMILY.length]} ${s < d.schools / 2 ? 'Elementary' : 'High'} School ${s}`, 'school', pad(s, 4), 'org-district']);
    await orgs.close();
    const sessions = CsvFile.open(dir, 'academicSessions.csv', ['sourcedId', 'status', 'dateLastModified', 'title', 'type', 'startDate', 'endDate', 'parentSourcedId', 'schoolYear']);
    await sessions.row(['as-2026', status, modified, '2025-2026', 'schoolYear', '2025-08-18', '2026-06-12', '', '2026']);
    await sessions.row(['as-2026-s1', status, modified, 'Fall 2025', 'semester', '2025-08-18', '2026-01-16', 'as-2026', '2026']);
    await sessions.row(['as-2026-s2', status, modified, 'Spring 2026', 'semester', '2026-01-20', '2026-06-12', 'as-2026', '2026']);
    await sessions.close();
    const courses = CsvFile.open(dir, 'courses.csv', ['sourcedId', 'status', 'dateLastModified', 'schoolYearSourcedId', 'title', 'courseCode', 'grades', 'orgSourcedId', 'subjects', 'subjectCodes']);
    for (let s = 0; s < d.schools; s += 1) {
      for (let k = 0; k < d.coursesPerSchool; k += 1) {
        await courses.row([courseId(s, k), status, modified, 'as-2026', `${SUBJECTS[k % SUBJECTS.length]} ${1 + Math.floor(k / SUBJECTS.length)}`, `C${pad(k, 3)}`, '', schoolId(s), SUBJECTS[k % SUBJECTS.length], '']);
      }
    }
    await courses.close();
    const classes = CsvFile.open(dir, 'classes.csv', ['sourcedId', 'status', 'dateLastModified', 'title', 'grades', 'courseSourcedId', 'classCode', 'classType', 'location', 'schoolSourcedId', 'termSourcedIds', 'subjects', 'subjectCodes', 'periods']);
    for (let c = 0; c < d.classes; c += 1) {
      const school = c % d.schools;
      const k = Math.floor(c / d.schools) % d.coursesPerSchool;
      await classes.row([classId(c), status, modified, `${SUBJECTS[k % SUBJECTS.length]} - Section ${Math.floor(c / d.schools)}`, '', courseId(school, k), `S${pad(c, 5)}`, c % 10 === 0 ? 'homeroom' : 'scheduled', `Room ${100 + (c % 60)}`, school % 2 ? schoolId(school) : schoolId(school), c % 3 === 0 ? 'as-2026' : 'as-2026-s1,as-2026-s2', SUBJECTS[k % SUBJECTS.length], '', String(1 + (c % 7))]);
    }
    await classes.close();
    for (let s = 0; s < d.staff; s += 1) {
      await writeUser({ id: staffId(s), status, modified, orgs: [schoolId(s % d.schools)], role: staffRoleOfIndex(d, s),
        given: GIVEN[s % GIVEN.length]!, family: FAMILY[(s * 7) % FAMILY.length]!, email: `${staffId(s)}@rusd.example.org`,
        phone: `+1555${pad(2000000 + s, 7)}`, agents: [], grades: '', relationship: null });
    }
  }

  // Students and their guardians, household by household.
  const enrollments = CsvFile.open(dir, 'enrollments.csv', ['sourcedId', 'status', 'dateLastModified', 'classSourcedId', 'schoolSourcedId', 'userSourcedId', 'role', 'primary', 'beginDate', 'endDate']);
  const demographics = CsvFile.open(dir, 'demographics.csv', ['sourcedId', 'status', 'dateLastModified', 'birthDate', 'sex', 'americanIndianOrAlaskaNative', 'asian', 'blackOrAfricanAmerican', 'nativeHawaiianOrOtherPacificIslander', 'white', 'demographicRaceTwoOrMoreRaces', 'hispanicOrLatinoEthnicity', 'countryOfBirthCode', 'stateOfBirthAbbreviation', 'cityOfBirth', 'publicSchoolResidenceStatus']);
  if (!delta) {
    for (let c = 0; c < d.classes; c += 1) {
      await enrollments.row([`enr-${classId(c)}-t`, status, modified, classId(c), schoolId(c % d.schools), staffId(teacherOf(d, c)), 'teacher', 'true', '', '']);
    }
  }
  const studentsOf = new Map<number, number[]>();
  for (let s = 0; s < d.students; s += 1) {
    const h = d.studentHousehold[s]!;
    const list = studentsOf.get(h) ?? [];
    list.push(s);
    studentsOf.set(h, list);
  }
  const guardianIdsOf = (h: number) => Array.from({ length: d.householdGuardians[h]! }, (_, k) => guardianId(d.householdFirstGuardian[h]! + k));
  for (let s = 0; s < d.students; s += 1) {
    const h = d.studentHousehold[s]!;
    const orgs = [schoolId(d.studentSchool[s]!)];
    if (d.studentSecondSchool[s]! >= 0) orgs.push(schoolId(d.studentSecondSchool[s]!));
    let family = FAMILY[d.studentFamily[s]!]!;
    let grade = GRADES[d.studentGrade[s]!]!;
    let st = status;
    const classes = Array.from(d.studentClasses.subarray(s * CLASSES_PER_STUDENT, (s + 1) * CLASSES_PER_STUDENT)).filter((c) => c >= 0);
    let enrollStatus = status;
    let writeStudent = !delta;
    let changedClass = -1;
    if (changed(pct)) {
      writeStudent = true;
      const kind = rnd();
      if (kind < 0.2) { st = 'tobedeleted'; enrollStatus = 'tobedeleted'; }
      else if (kind < 0.6) { family = `${family}-${FAMILY[(s + 3) % FAMILY.length]}`; }
      else if (kind < 0.8) grade = GRADES[Math.min(GRADES.length - 1, d.studentGrade[s]! + 1)]!;
      else { writeStudent = false; changedClass = classes[0]!; }
    }
    if (writeStudent) {
      await writeUser({ id: studentId(s), status: st, modified, orgs, role: 'student', given: GIVEN[d.studentGiven[s]!]!,
        family, email: `${studentId(s)}@students.rusd.example.org`, phone: null, agents: guardianIdsOf(h), grades: grade,
        relationship: null, preferred: s % 17 === 0 ? GIVEN[(s + 5) % GIVEN.length]! : null });
      if (!delta || st === 'tobedeleted') await demographics.row([studentId(s), st, modified, `${2007 + d.studentGrade[s]!}-0${1 + (s % 9)}-1${s % 9}`, s % 2 ? 'female' : 'male', '', '', '', '', '', '', '', '', '', '', '']);
    }
    if (writeStudent && (!delta || enrollStatus === 'tobedeleted')) {
      for (const c of classes) await enrollments.row([`enr-${classId(c)}-${studentId(s)}`, enrollStatus, modified, classId(c), schoolId(c % d.schools), studentId(s), 'student', 'false', '', '']);
    }
    if (changedClass >= 0) {
      await enrollments.row([`enr-${classId(changedClass)}-${studentId(s)}`, 'tobedeleted', modified, classId(changedClass), schoolId(changedClass % d.schools), studentId(s), 'student', 'false', '', '']);
      const perSchool = d.classes / d.schools;
      const other = ((Math.floor(changedClass / d.schools) + 1) % perSchool) * d.schools + (changedClass % d.schools);
      if (!classes.includes(other)) await enrollments.row([`enr-${classId(other)}-${studentId(s)}`, 'active', modified, classId(other), schoolId(other % d.schools), studentId(s), 'student', 'false', '', '']);
    }
  }
  for (let g = 0; g < d.guardians; g += 1) {
    const h = d.guardianHousehold[g]!;
    let phoneSuffix = 3000000 + g;
    if (delta) {
      if (!changed(pct / 2)) continue;
      phoneSuffix += 5000000;
    }
    const role = d.guardianRole[g]!;
    // Some guardian rows list their children too: agentSourcedIds read in both directions.
    const agents = g % 10 === 0 ? (studentsOf.get(h) ?? []).map(studentId) : [];
    await writeUser({ id: guardianId(g), status: delta ? 'active' : status, modified, orgs: [schoolId(d.studentSchool[(studentsOf.get(h) ?? [0])[0]!]!)],
      role: GUARDIAN_ROLES[role]!, given: GIVEN[d.guardianGiven[g]!]!, family: FAMILY[d.guardianFamily[g]!]!,
      email: `${guardianId(g)}@mail.example.com`, phone: `+1555${pad(phoneSuffix % 10000000, 7)}`, agents, grades: '',
      relationship: RELATIONSHIPS[d.guardianRelationship[g]!] ?? null });
  }
  for (const [name, f] of [['users', users], ['roles', roles], ['enrollments', enrollments], ['demographics', demographics]] as const) {
    if (!f) continue;
    await f.close();
    counts[name] = f.rows;
  }
  const files = v12
    ? ['academicSessions', 'categories', 'classes', 'classResources', 'courses', 'courseResources', 'demographics', 'enrollments', 'lineItems', 'orgs', 'resources', 'results', 'roles', 'userProfiles', 'users']
    : ['academicSessions', 'categories', 'classes', 'classResources', 'courses', 'courseResources', 'demographics', 'enrollments', 'lineItems', 'orgs', 'resources', 'results', 'users'];
  const written = new Set(delta ? Object.keys(counts).filter((k) => counts[k]! > 0) : ['orgs', 'academicSessions', 'courses', 'classes', ...Object.keys(counts)]);
  const manifest = CsvFile.open(dir, 'manifest.csv', ['propertyName', 'value']);
  await manifest.row(['manifest.version', '1.0']);
  await manifest.row(['oneroster.version', options.version]);
  for (const f of files) await manifest.row([`file.${f}`, written.has(f) ? (delta ? 'delta' : 'bulk') : 'absent']);
  await manifest.row(['source.systemName', 'Kinship synthetic SIS']);
  await manifest.row(['source.systemCode', `seed-${d.seed}`]);
  await manifest.close();
  return counts;
}
