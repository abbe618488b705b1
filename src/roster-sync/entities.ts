// The normalised roster the reader produces, one record type per staging table, and the sink that receives it.

export type RecordStatus = 'active' | 'inactive';
export type StaffRole = 'teacher' | 'aide' | 'administrator' | 'proctor';
export type Relationship = 'mother' | 'father' | 'parent' | 'stepparent' | 'grandparent' | 'foster_parent' | 'guardian'
  | 'sibling' | 'aunt_uncle' | 'relative' | 'other';
export type Metadata = Record<string, unknown>;

interface Sourced {
  sourcedId: string;
  status: RecordStatus;
  modifiedAt: string | null;
}

export interface OrgRecord extends Sourced {
  name: string; type: string; identifier: string | null; parentSourcedId: string | null; metadata: Metadata;
}
export interface AcademicSessionRecord extends Sourced {
  title: string; type: string; startDate: string; endDate: string; schoolYear: number | null;
  parentSourcedId: string | null; metadata: Metadata;
}
export interface CourseRecord extends Sourced {
  title: string; courseCode: string | null; grades: string[]; subjects: string[]; orgSourcedId: string | null;
  schoolYearSourcedId: string | null; metadata: Metadata;
}
export interface ClassRecord extends Sourced {
  title: string; classCode: string | null; classType: string; location: string | null;
  courseSourcedId: string | null; schoolSourcedId: string; termSourcedIds: string[]; grades: string[];
  subjects: string[]; periods: string[]; metadata: Metadata;
}
export interface StudentRecord extends Sourced {
  givenName: string; familyName: string; middleName: string | null; preferredFirstName: string | null;
  identifier: string | null; username: string | null; email: string | null; grade: string | null;
  schoolSourcedId: string | null; metadata: Metadata;
}
export interface StaffRecord extends Sourced {
  role: StaffRole; givenName: string; familyName: string; middleName: string | null;
  preferredFirstName: string | null; identifier: string | null; username: string | null; email: string | null;
  phone: string | null; metadata: Metadata;
}
export interface GuardianRecord extends Sourced {
  givenName: string; familyName: string; email: string | null; phone: string | null; smsPhone: string | null;
  metadata: Metadata;
  /** The row's agentSourcedIds lists someone: only then does a delta read its absence of a link as an end. */
  listsAgents: boolean;
}
export interface StudentSchoolRecord {
  studentSourcedId: string; schoolSourcedId: string; isPrimary: boolean; status: RecordStatus;
}
export interface StaffSchoolRecord {
  staffSourcedId: string; schoolSourcedId: string; role: StaffRole; isPrimary: boolean; status: RecordStatus;
}
export interface EnrollmentRecord extends Sourced {
  classSourcedId: string; schoolSourcedId: string; userSourcedId: string; role: string; isPrimary: boolean;
  beginDate: string | null; endDate: string | null; metadata: Metadata;
}
export interface GuardianLinkRecord {
  studentSourcedId: string; guardianSourcedId: string;
  /** The relationship as this export states it; null when it does not carry it (the guardian's row or sex is not in it). */
  relationship: Relationship | null;
  /** What a new link gets when the export does not state the relationship. */
  defaultRelationship: Relationship;
}
export interface DemographicRecord {
  sourcedId: string; status: RecordStatus; birthDate: string | null; sex: string | null;
}
export interface UserProfileRecord extends Sourced {
  userSourcedId: string; profileType: string; vendorId: string; applicationId: string | null;
  description: string | null; credentialType: string; username: string;
}
/** Students and guardians joined through links: one household per connected group. */
export interface HouseholdMemberRecord {
  kind: 'student' | 'guardian'; sourcedId: string; household: string;
}
/** A row skipped in lenient mode: a bulk sync must not deactivate it just because it was skipped. */
export interface SkippedRecord {
  entity: EntityKind; sourcedId: string;
}

export interface EntityMap {
  orgs: OrgRecord;
  academicSessions: AcademicSessionRecord;
  courses: CourseRecord;
  classes: ClassRecord;
  students: StudentRecord;
  staff: StaffRecord;
  guardians: GuardianRecord;
  studentSchools: StudentSchoolRecord;
  staffSchools: StaffSchoolRecord;
  enrollments: EnrollmentRecord;
  guardianLinks: GuardianLinkRecord;
  demographics: DemographicRecord;
  userProfiles: UserProfileRecord;
  households: HouseholdMemberRecord;
  skipped: SkippedRecord;
}
export type EntityKind = keyof EntityMap;

export const ENTITY_KINDS: EntityKind[] = ['orgs', 'academicSessions', 'courses', 'classes', 'students', 'staff',
  'guardians', 'studentSchools', 'staffSchools', 'enrollments', 'guardianLinks', 'demographics', 'userProfiles',
  'households', 'skipped'];

/** Receives records as they are read; may return a promise to apply back-pressure. */
export interface RosterSink {
  write<K extends EntityKind>(kind: K, record: EntityMap[K]): void | Promise<void>;
}

/** A sink that keeps everything, for tests and small exports. */
export class MemorySink implements RosterSink {
  readonly records: { [K in EntityKind]: EntityMap[K][] } = Object.fromEntries(ENTITY_KINDS.map((k) => [k, []])) as never;
  write<K extends EntityKind>(kind: K, record: EntityMap[K]): void {
    this.records[kind].push(record);
  }
  counts(): Record<EntityKind, number> {
    return Object.fromEntries(ENTITY_KINDS.map((k) => [k, this.records[k].length])) as Record<EntityKind, number>;
  }
}

/** A sink that only counts, for validation without output. */
export class CountingSink implements RosterSink {
  readonly counts = Object.fromEntries(ENTITY_KINDS.map((k) => [k, 0])) as Record<EntityKind, number>;
  write(kind: EntityKind): void {
    this.counts[kind] += 1;
  }
}
