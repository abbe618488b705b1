// A small district for tests: two schools, teachers, classes, students (siblings included) and their guardians.
import type { Database } from '../../src/db/database.ts';
import { createDatabase } from '../../src/db/database.ts';

export interface District {
  districtId: string;
  schoolA: string;
  schoolB: string;
  teacherA: string;
  teacherA2: string;
  teacherB: string;
  adminA: string;
  classA: string;
  classB: string;
  /** In school A, class A; sibling of studentA2 (same family, same guardians). */
  studentA: string;
  studentA2: string;
  /** In school B, class B; another family. */
  studentB: string;
  familyA: string;
  familyB: string;
  /** Mother of studentA and studentA2. */
  guardianA: string;
  /** Father of studentA and studentA2, no educational rights but may be contacted. */
  guardianA2: string;
  /** Parent of studentB. */
  guardianB: string;
}

export async function seedDistrict(db: Database): Promise<District> {
  const one = async <T>(p: Promise<{ id: T } | undefined>) => (await p)!.id;
  const districtId = await one(db.insertInto('orgs').values({ name: 'Maple District', type: 'district', source: 'sis', sourcedId: 'd1' }).returning('id').executeTakeFirst());
  const schoolA = await one(db.insertInto('orgs').values({ name: 'Alder Elementary', type: 'school', parentId: districtId, source: 'sis', sourcedId: 'sA' }).returning('id').executeTakeFirst());
  const schoolB = await one(db.insertInto('orgs').values({ name: 'Birch Middle', type: 'school', parentId: districtId, source: 'sis', sourcedId: 'sB' }).returning('id').executeTakeFirst());
  const staff = async (given: string, family: string, sourcedId: string, school: string, role = 'teacher') => {
    const id = await one(db.insertInto('staff').values({ givenName: given, familyName: family, sourcedId, source: 'sis', role, email: `${sourcedId}@maple.example` }).returning('id').executeTakeFirst());
    await db.insertInto('staffSchools').values({ staffId: id, schoolId: school, role, isPrimary: true }).execute();
    return id;
  };
  const teacherA = await staff('Ana', 'Lopez', 'tA', schoolA);
  const teacherA2 = await staff('Ben', 'Okafor', 'tA2', schoolA);
  const teacherB = await staff('Cleo', 'Nguyen', 'tB', schoolB);
  const adminA = await staff('Dana', 'Reyes', 'aA', schoolA, 'administrator');
  const classA = await one(db.insertInto('classes').values({ title: 'Grade 3 Homeroom', schoolId: schoolA, classType: 'homeroom', source: 'sis', sourcedId: 'cA' }).returning('id').executeTakeFirst());
  const classB = await one(db.insertInto('classes').values({ title: 'Grade 7 Science', schoolId: schoolB, source: 'sis', sourcedId: 'cB' }).returning('id').executeTakeFirst());
  const familyA = await one(db.insertInto('families').values({ name: 'Garcia household' }).returning('id').executeTakeFirst());
  const familyB = await one(db.insertInto('families').values({ name: 'Kim household' }).returning('id').executeTakeFirst());
  const student = async (given: string, family: string, sourcedId: string, school: string, familyId: string, grade: string) => {
    const id = await one(db.insertInto('students').values({ givenName: given, familyName: family, sourcedId, source: 'sis', schoolId: school, familyId, grade }).returning('id').executeTakeFirst());
    await db.insertInto('studentSchools').values({ studentId: id, schoolId: school, isPrimary: true }).execute();
    return id;
  };
  const studentA = await student('Mateo', 'Garcia', 'stA', schoolA, familyA, '03');
  const studentA2 = await student('Lucia', 'Garcia', 'stA2', schoolA, familyA, '01');
  const studentB = await student('Jin', 'Kim', 'stB', schoolB, familyB, '07');
  const guardian = async (given: string, family: string, sourcedId: string, familyId: string, phone: string, language: string) =>
    one(db.insertInto('guardians').values({ givenName: given, familyName: family, sourcedId, source: 'sis', familyId, phone, email: `${sourcedId}@home.example`, preferredLanguage: language, preferredChannel: 'text' }).returning('id').executeTakeFirst());
  const guardianA = await guardian('Rosa', 'Garcia', 'gA', familyA, '+15550001001', 'es');
  const guardianA2 = await guardian('Luis', 'Garcia', 'gA2', familyA, '+15550001002', 'es');
  const guardianB = await guardian('Min', 'Kim', 'gB', familyB, '+15550002001', 'ko');
  await db.insertInto('studentGuardians').values([
    { studentId: studentA, guardianId: guardianA, relationship: 'mother', isPrimary: true },
    { studentId: studentA2, guardianId: guardianA, relationship: 'mother', isPrimary: true },
    { studentId: studentA, guardianId: guardianA2, relationship: 'father', hasEducationalRights: false },
    { studentId: studentA2, guardianId: guardianA2, relationship: 'father', hasEducationalRights: false },
    { studentId: studentB, guardianId: guardianB, relationship: 'parent', isPrimary: true },
  ]).execute();
  await db.insertInto('enrollments').values([
    { classId: classA, schoolId: schoolA, role: 'teacher', staffId: teacherA, isPrimary: true },
    { classId: classA, schoolId: schoolA, role: 'student', studentId: studentA },
    { classId: classA, schoolId: schoolA, role: 'student', studentId: studentA2 },
    { classId: classB, schoolId: schoolB, role: 'teacher', staffId: teacherB, isPrimary: true },
    { classId: classB, schoolId: schoolB, role: 'student', studentId: studentB },
  ]).execute();
  return { districtId, schoolA, schoolB, teacherA, teacherA2, teacherB, adminA, classA, classB, studentA, studentA2, studentB, familyA, familyB, guardianA, guardianA2, guardianB };
}

/** Seeds the district into a test database through its own short-lived connection. */
export async function seedDistrictAt(url: string): Promise<District> {
  const { db } = createDatabase({ connectionString: url, poolMax: 1 });
  try {
    return await seedDistrict(db);
  } finally {
    await db.destroy();
  }
}

export interface Tokens {
  districtAdmin: string;
  schoolAdminA: string;
  teacherA: string;
  teacherA2: string;
  teacherB: string;
  guardianA: string;
  guardianB: string;
  integrationRead: string;
  integrationNone: string;
}

/** Authorization headers for each role of the seeded district. */
export function tokensFor(sign: (claims: Record<string, unknown>) => string, d: District): Record<keyof Tokens, { authorization: string }> {
  const h = (claims: Record<string, unknown>) => ({ authorization: `Bearer ${sign(claims)}` });
  return {
    districtAdmin: h({ role: 'district_admin', sub: 'admin@maple' }),
    schoolAdminA: h({ role: 'school_admin', sub: d.adminA, schoolIds: [d.schoolA] }),
    teacherA: h({ role: 'teacher', sub: d.teacherA }),
    teacherA2: h({ role: 'teacher', sub: d.teacherA2 }),
    teacherB: h({ role: 'teacher', sub: d.teacherB }),
    guardianA: h({ role: 'guardian', sub: d.guardianA }),
    guardianB: h({ role: 'guardian', sub: d.guardianB }),
    integrationRead: h({ role: 'integration', sub: 'warehouse', scope: 'partnership:read roster:read' }),
    integrationNone: h({ role: 'integration', sub: 'nothing', scope: 'reports:read' }),
  };
}

export type { Database };
