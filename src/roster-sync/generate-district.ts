// A deterministic, realistic synthetic district (students, households, staff, classes), as a model in typed arrays.

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const GIVEN = ['Ava', 'Liam', 'Mia', 'Noah', 'Emma', 'Lucas', 'Sofia', 'Mateo', 'Amara', 'Kenji', 'Zara', 'Omar',
  'Lena', 'Ivan', 'Priya', 'Diego', 'Hana', 'Elias', 'Nia', 'Arjun', 'Chloe', 'Yusuf', 'Maya', 'Leo', 'Ines', 'Kai',
  'Aisha', 'Felix', 'Rosa', 'Tariq', 'Grace', 'Hugo', 'Mei', 'Santiago', 'Freya', 'Kofi', 'Lucia', 'Ravi', 'Ada', 'Theo'];
export const FAMILY = ['Garcia', 'Nguyen', 'Smith', 'Okafor', 'Kowalski', 'Hernandez', 'Chen', 'Patel', 'Johnson',
  'Müller', 'Rossi', 'Haddad', 'Kim', 'Silva', 'Ivanova', "O'Brien", 'Tanaka', 'Dubois', 'Mensah', 'Larsen', 'Cohen',
  'Novak', 'Reyes', 'Ali', 'Brown', 'Santos', 'Yamamoto', 'Fischer', 'Moreau', 'Abebe'];
export const GRADES = ['KG', '01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12'];
export const SUBJECTS = ['Mathematics', 'English Language Arts', 'Science', 'Social Studies', 'Art', 'Music',
  'Physical Education', 'World Languages', 'Computer Science', 'Health'];

export interface District {
  seed: number;
  schools: number;
  staff: number;
  classes: number;
  coursesPerSchool: number;
  students: number;
  /** per student: school index, second school (-1 none), grade index, household index, family-name index, given index */
  studentSchool: Int32Array; studentSecondSchool: Int32Array; studentGrade: Int8Array; studentHousehold: Int32Array;
  studentFamily: Int16Array; studentGiven: Int16Array;
  /** per student: 8 classes at the home school, and a 9th at the second school or -1 */
  studentClasses: Int32Array;
  /** guardians: household index, given, role (0 parent, 1 guardian, 2 relative), relationship */
  guardians: number;
  guardianHousehold: Int32Array; guardianGiven: Int16Array; guardianFamily: Int16Array; guardianRole: Int8Array;
  guardianRelationship: Int8Array;
  /** per household: first guardian index and guardian count; first student and student count */
  householdFirstGuardian: Int32Array; householdGuardians: Int8Array;
}

export const CLASSES_PER_STUDENT = 9;
export const RELATIONSHIPS = ['mother', 'father', 'grandparent', 'foster_parent', 'aunt_uncle', 'stepparent'];

export function buildDistrict(students: number, seed: number): District {
  const rnd = mulberry32(seed);
  const pick = (n: number) => Math.floor(rnd() * n);
  const schools = Math.max(2, Math.ceil(students / 1000));
  const staff = Math.max(schools * 4, Math.round(students * 0.06));
  const classes = Math.max(schools * 8, Math.round(students * 0.08));
  const studentSchool = new Int32Array(students);
  const studentSecondSchool = new Int32Array(students).fill(-1);
  const studentGrade = new Int8Array(students);
  const studentHousehold = new Int32Array(students);
  const studentFamily = new Int16Array(students);
  const studentGiven = new Int16Array(students);
  const householdFirstGuardian: number[] = [];
  const householdGuardians: number[] = [];
  const gHousehold: number[] = []; const gGiven: number[] = []; const gFamily: number[] = [];
  const gRole: number[] = []; const gRel: number[] = [];
  let i = 0;
  let h = 0;
  while (i < students) {
    const r = rnd();
    const kids = Math.min(students - i, r < 0.7 ? 1 : r < 0.95 ? 2 : 3);
    const school = pick(schools);
    const family = pick(FAMILY.length);
    for (let k = 0; k < kids; k += 1, i += 1) {
      studentSchool[i] = school;
      studentHousehold[i] = h;
      studentFamily[i] = family;
      studentGiven[i] = pick(GIVEN.length);
      studentGrade[i] = pick(GRADES.length);
      if (rnd() < 0.02) studentSecondSchool[i] = (school + 1 + pick(schools - 1)) % schools;
    }
    const rg = rnd();
    const nGuardians = rg < 0.1 ? 1 : rg < 0.95 ? 2 : 3;
    householdFirstGuardian.push(gHousehold.length);
    householdGuardians.push(nGuardians);
    for (let g = 0; g < nGuardians; g += 1) {
      gHousehold.push(h);
      gGiven.push(pick(GIVEN.length));
      gFamily.push(g === 1 && rnd() < 0.3 ? pick(FAMILY.length) : family);
      const role = g < 2 ? (rnd() < 0.9 ? 0 : 1) : 2;
      gRole.push(role);
      gRel.push(role === 0 ? g : role === 1 ? 3 : 2 + pick(2) * 2);
    }
    h += 1;
  }
  // Classes of a school are those with index % schools === school.
  const perSchool = Math.floor(classes / schools);
  const studentClasses = new Int32Array(students * CLASSES_PER_STUDENT).fill(-1);
  for (let s = 0; s < students; s += 1) {
    const school = studentSchool[s]!;
    const chosen = new Set<number>();
    while (chosen.size < Math.min(8, perSchool)) chosen.add(pick(perSchool));
    let k = 0;
    for (const c of chosen) studentClasses[s * CLASSES_PER_STUDENT + k++] = c * schools + school;
    const second = studentSecondSchool[s]!;
    if (second >= 0) studentClasses[s * CLASSES_PER_STUDENT + 8] = pick(perSchool) * schools + second;
  }
  return {
    seed, schools, staff, classes: perSchool * schools, coursesPerSchool: 20, students,
    studentSchool, studentSecondSchool, studentGrade, studentHousehold, studentFamily, studentGiven, studentClasses,
    guardians: gHousehold.length, guardianHousehold: Int32Array.from(gHousehold), guardianGiven: Int16Array.from(gGiven),
    guardianFamily: Int16Array.from(gFamily), guardianRole: Int8Array.from(gRole), guardianRelationship: Int8Array.from(gRel),
    householdFirstGuardian: Int32Array.from(householdFirstGuardian), householdGuardians: Int8Array.from(householdGuardians),
  };
}

export const pad = (n: number, w = 6) => String(n).padStart(w, '0');
export const schoolId = (s: number) => `sch-${pad(s, 3)}`;
export const courseId = (school: number, k: number) => `crs-${pad(school, 3)}-${pad(k, 2)}`;
export const classId = (c: number) => `cls-${pad(c, 5)}`;
export const staffId = (s: number) => `stf-${pad(s, 5)}`;
export const studentId = (s: number) => `stu-${pad(s)}`;
export const guardianId = (g: number) => `gdn-${pad(g)}`;

/** Staff k-th at their school: the first is an administrator, the second an aide, the rest teachers. */
export function staffRoleOfIndex(d: District, s: number): 'administrator' | 'aide' | 'teacher' {
  const k = Math.floor(s / d.schools);
  return k === 0 ? 'administrator' : k === 1 ? 'aide' : 'teacher';
}

/** The teacher of a class: staff of the class's school, in turn. */
export function teacherOf(d: District, c: number): number {
  const school = c % d.schools;
  const teachersAtSchool = Math.floor(d.staff / d.schools) - 2;
  return (2 + (Math.floor(c / d.schools) % teachersAtSchool)) * d.schools + school;
}
