// OneRoster 1.1 / 1.2 CSV binding: the files, columns, types and vocabularies the roster sync reads.

export type OneRosterVersion = '1.1' | '1.2';

export type ColumnType = 'id' | 'text' | 'date' | 'datetime' | 'boolean' | 'year' | 'idList' | 'list' | 'userIds'
  | 'grades' | 'secret' | { vocab: VocabularyName };

export interface ColumnSpec {
  name: string;
  /** The header must have the column and every row a non-blank value. */
  required?: boolean;
  type: ColumnType;
}

export type RosterFileKey = 'orgs' | 'academicSessions' | 'courses' | 'classes' | 'users' | 'roles' | 'userProfiles'
  | 'demographics' | 'enrollments';

export interface FileSpec {
  key: RosterFileKey;
  fileName: string;
  columns: ColumnSpec[];
}

export const VOCABULARIES = {
  status: ['active', 'tobedeleted'],
  orgType: ['department', 'school', 'district', 'local', 'state', 'national'],
  sessionType: ['gradingPeriod', 'semester', 'schoolYear', 'term'],
  classType: ['homeroom', 'scheduled'],
  userRole11: ['administrator', 'aide', 'guardian', 'parent', 'proctor', 'relative', 'student', 'teacher'],
  role12: ['aide', 'counselor', 'districtAdministrator', 'guardian', 'parent', 'principal', 'proctor', 'relative',
    'siteAdministrator', 'student', 'systemAdministrator', 'teacher'],
  roleType: ['primary', 'secondary'],
  // aide is not in the binding's enrollment roles but SIS exports use it and the data model keeps it.
  enrollmentRole: ['administrator', 'proctor', 'student', 'teacher', 'aide'],
  sex: ['male', 'female', 'other', 'unspecified'],
} as const;
export type VocabularyName = keyof typeof VOCABULARIES;

const common: ColumnSpec[] = [
  { name: 'sourcedId', required: true, type: 'id' },
  { name: 'status', type: { vocab: 'status' } },
  { name: 'dateLastModified', type: 'datetime' },
];

const orgs: FileSpec = { key: 'orgs', fileName: 'orgs.csv', columns: [...common,
  { name: 'name', required: true, type: 'text' },
  { name: 'type', required: true, type: { vocab: 'orgType' } },
  { name: 'identifier', type: 'text' },
  { name: 'parentSourcedId', type: 'id' },
] };

const academicSessions: FileSpec = { key: 'academicSessions', fileName: 'academicSessions.csv', columns: [...common,
  { name: 'title', required: true, type: 'text' },
  { name: 'type', required: true, type: { vocab: 'sessionType' } },
  { name: 'startDate', required: true, type: 'date' },
  { name: 'endDate', required: true, type: 'date' },
  { name: 'parentSourcedId', type: 'id' },
  { name: 'schoolYear', required: true, type: 'year' },
] };

const courses: FileSpec = { key: 'courses', fileName: 'courses.csv', columns: [...common,
  { name: 'schoolYearSourcedId', type: 'id' },
  { name: 'title', required: true, type: 'text' },
  { name: 'courseCode', type: 'text' },
  { name: 'grades', type: 'grades' },
  { name: 'orgSourcedId', required: true, type: 'id' },
  { name: 'subjects', type: 'list' },
  { name: 'subjectCodes', type: 'list' },
] };

const classes: FileSpec = { key: 'classes', fileName: 'classes.csv', columns: [...common,
  { name: 'title', required: true, type: 'text' },
  { name: 'grades', type: 'grades' },
  { name: 'courseSourcedId', required: true, type: 'id' },
  { name: 'classCode', type: 'text' },
  { name: 'classType', required: true, type: { vocab: 'classType' } },
  { name: 'location', type: 'text' },
  { name: 'schoolSourcedId', required: true, type: 'id' },
  { name: 'termSourcedIds', required: true, type: 'idList' },
  { name: 'subjects', type: 'list' },
  { name: 'subjectCodes', type: 'list' },
  { name: 'periods', type: 'list' },
] };

const enrollments: FileSpec = { key: 'enrollments', fileName: 'enrollments.csv', columns: [...common,
  { name: 'classSourcedId', required: true, type: 'id' },
  { name: 'schoolSourcedId', required: true, type: 'id' },
  { name: 'userSourcedId', required: true, type: 'id' },
  { name: 'role', required: true, type: { vocab: 'enrollmentRole' } },
  { name: 'primary', type: 'boolean' },
  { name: 'beginDate', type: 'date' },
  { name: 'endDate', type: 'date' },
] };

const demographics: FileSpec = { key: 'demographics', fileName: 'demographics.csv', columns: [...common,
  { name: 'birthDate', type: 'date' },
  { name: 'sex', type: { vocab: 'sex' } },
  ...['americanIndianOrAlaskaNative', 'asian', 'blackOrAfricanAmerican', 'nativeHawaiianOrOtherPacificIslander', 'white',
    'demographicRaceTwoOrMoreRaces', 'hispanicOrLatinoEthnicity'].map((name): ColumnSpec => ({ name, type: 'boolean' })),
  { name: 'countryOfBirthCode', type: 'text' },
  { name: 'stateOfBirthAbbreviation', type: 'text' },
  { name: 'cityOfBirth', type: 'text' },
  { name: 'publicSchoolResidenceStatus', type: 'text' },
] };

const userCommonHead: ColumnSpec[] = [...common, { name: 'enabledUser', required: true, type: 'boolean' }];
const userNames: ColumnSpec[] = [
  { name: 'username', required: true, type: 'text' },
  { name: 'userIds', type: 'userIds' },
  { name: 'givenName', required: true, type: 'text' },
  { name: 'familyName', required: true, type: 'text' },
  { name: 'middleName', type: 'text' },
  { name: 'identifier', type: 'text' },
  { name: 'email', type: 'text' },
  { name: 'sms', type: 'text' },
  { name: 'phone', type: 'text' },
  { name: 'agentSourcedIds', type: 'idList' },
  { name: 'grades', type: 'grades' },
  { name: 'password', type: 'secret' },
];

const users11: FileSpec = { key: 'users', fileName: 'users.csv', columns: [...userCommonHead,
  { name: 'orgSourcedIds', required: true, type: 'idList' },
  { name: 'role', required: true, type: { vocab: 'userRole11' } },
  ...userNames,
] };

const users12: FileSpec = { key: 'users', fileName: 'users.csv', columns: [...userCommonHead, ...userNames,
  { name: 'userMasterIdentifier', type: 'text' },
  // In one reading of the 1.2 users table; accepted when present, never required.
  { name: 'resourceSourcedIds', type: 'idList' },
  { name: 'preferredGivenName', type: 'text' },
  { name: 'preferredMiddleName', type: 'text' },
  { name: 'preferredFamilyName', type: 'text' },
  { name: 'primaryOrgSourcedId', type: 'id' },
  { name: 'pronouns', type: 'text' },
] };

const roles: FileSpec = { key: 'roles', fileName: 'roles.csv', columns: [...common,
  { name: 'userSourcedId', required: true, type: 'id' },
  { name: 'roleType', required: true, type: { vocab: 'roleType' } },
  { name: 'role', required: true, type: { vocab: 'role12' } },
  { name: 'beginDate', type: 'date' },
  { name: 'endDate', type: 'date' },
  { name: 'orgSourcedId', required: true, type: 'id' },
  { name: 'userProfileSourcedId', type: 'id' },
] };

const userProfiles: FileSpec = { key: 'userProfiles', fileName: 'userProfiles.csv', columns: [...common,
  { name: 'userSourcedId', required: true, type: 'id' },
  { name: 'profileType', required: true, type: 'text' },
  { name: 'vendorId', required: true, type: 'text' },
  { name: 'applicationId', type: 'text' },
  { name: 'description', type: 'text' },
  { name: 'credentialType', required: true, type: 'text' },
  { name: 'username', required: true, type: 'text' },
  { name: 'password', type: 'secret' },
] };

/** Files in the order they are read: every reference points to a file read earlier (or to the same file). */
export function fileSpecs(version: OneRosterVersion): FileSpec[] {
  return version === '1.1'
    ? [orgs, academicSessions, courses, classes, users11, demographics, enrollments]
    : [orgs, academicSessions, courses, classes, roles, users12, userProfiles, demographics, enrollments];
}

/** Manifest keys the binding defines that the roster sync does not read (gradebook and resources). */
export const IGNORED_FILE_KEYS = new Set(['categories', 'classResources', 'courseResources', 'lineItems', 'resources',
  'results', 'userResources', 'scoreScales', 'lineItemScoreScales', 'resultScoreScales',
  'lineItemLearningObjectiveIds', 'resultLearningObjectiveIds', 'assessmentLineItems', 'assessmentResults']);

/**
 * Header misspellings seen in real exports, mapped to the binding's name with a warning. A mapping applies only
 * when the file's spec has the target and the header does not already carry it.
 */
export const HEADER_ALIASES: Record<string, string> = {
  dataLastModified: 'dateLastModified',
  prefferedGivenName: 'preferredGivenName',
  prefferedMiddleName: 'preferredMiddleName',
  prefferedFamilyName: 'preferredFamilyName',
  preferredFirstName: 'preferredGivenName',
  preferredLastName: 'preferredFamilyName',
  grade: 'grades',
  userId: 'userIds',
  agents: 'agentSourcedIds',
  schoolYearId: 'schoolYearSourcedId',
  birthdate: 'birthDate',
};

/** demographics.csv keyed by the user: some exporters name the key column userSourcedId. */
export const FILE_HEADER_ALIASES: Partial<Record<RosterFileKey, Record<string, string>>> = {
  demographics: { userSourcedId: 'sourcedId' },
};

/** Extension columns kept in the row's metadata: `metadata.*` by the binding, `ext_*`/`ext.*` by vendors. */
export function isExtensionColumn(name: string): boolean {
  return /^(metadata\.|ext[_.:])/i.test(name);
}
