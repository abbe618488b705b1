// Report shapes (TypeBox): query strings and JSON bodies of the engagement, outreach-gaps and goal-progress reports.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { DateOnly, DateTime, ListQuery, Nullable, StringEnum, Uuid } from '../../http/schemas.ts';
import { CHANNELS, DIRECTIONS, PURPOSES } from '../contact-logs/schemas.ts';
import { MEASURE_TYPES, STATUSES } from '../goals/schemas.ts';
import { KINDS, SETTINGS } from '../progress-events/schemas.ts';

export const GROUP_BYS = ['school', 'class', 'staff', 'grade', 'week'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

const Count = Type.Integer({ minimum: 0 });
const Share = Nullable(Type.Number({ minimum: 0, maximum: 1, description: 'A share from 0 to 1; null when there is nothing to divide by' }));
const countsOf = <T extends readonly string[]>(keys: T) =>
  Type.Object(Object.fromEntries(keys.map((k) => [k, Count])) as Record<T[number], typeof Count>, { additionalProperties: false });
const Section = <T extends TSchema>(schema: T) => Nullable(schema);

const MinCellSize = Type.Integer({
  minimum: 0, maximum: 1000,
  description: 'Withhold groups covering fewer students than this; can only raise the caller\'s default (0 for staff, 10 for integrations)',
});

export const EngagementQuery = Type.Object({
  from: DateOnly({ description: 'First day of the period (UTC, inclusive)' }),
  to: DateOnly({ description: 'Last day of the period (UTC, inclusive)' }),
  schoolId: Type.Optional(Uuid({ description: "Students whose school is this one" })),
  classId: Type.Optional(Uuid({ description: 'Students actively enrolled in this class' })),
  staffId: Type.Optional(Uuid({ description: 'Records this staff member authored (logged, created, recorded, shared)' })),
  grade: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
  groupBy: Type.Optional(StringEnum(GROUP_BYS, { description: 'One row per group; omitted: one row for the whole scope' })),
  minCellSize: Type.Optional(MinCellSize),
}, { additionalProperties: false });
export type EngagementQuery = Static<typeof EngagementQuery>;

export const EngagementRow = Type.Object({
  groupKey: Nullable(Type.String({ description: 'The school, class or staff id, the grade, or the Monday of the week; null without groupBy' })),
  groupLabel: Nullable(Type.String({ description: 'School name, class title, staff name, grade or week' })),
  students: Nullable(Type.Integer({ minimum: 0, description: 'Distinct students the row covers (any record of theirs in the period)' })),
  suppressed: Type.Boolean({ description: 'true: the row covers fewer than minCellSize students and its cells are withheld' }),
  contacts: Section(Type.Object({
    total: Count,
    byPurpose: countsOf(PURPOSES),
    byChannel: countsOf(CHANNELS),
    byDirection: countsOf(DIRECTIONS),
  }, { additionalProperties: false })),
  strengths: Section(Type.Object({
    strengthContacts: Type.Integer({ minimum: 0, description: 'Contacts with purpose strength or celebration' }),
    concernContacts: Type.Integer({ minimum: 0, description: 'Contacts with purpose concern' }),
    strengthShare: Share,
    strengthToConcernRatio: Nullable(Type.Number({ minimum: 0, description: 'null when there is no concern contact' })),
    studentsContacted: Count,
    firstContactStrength: Type.Integer({ minimum: 0, description: "Students whose first contact in the period was a strength or celebration" }),
    firstContactStrengthShare: Share,
  }, { additionalProperties: false })),
  familyInput: Section(Type.Object({
    contacts: Type.Integer({ minimum: 0, description: 'Contacts recording family input or with purpose input_request' }),
    share: Share,
  }, { additionalProperties: false })),
  languageAccess: Section(Type.Object({
    inPreferredLanguage: Type.Integer({ minimum: 0, description: "Contacts held in a contacted guardian's preferred language (primary subtag)" }),
    withInterpreter: Count,
    inPreferredLanguageOrInterpreter: Count,
    share: Share,
  }, { additionalProperties: false })),
  followUps: Section(Type.Object({
    due: Type.Integer({ minimum: 0, description: 'Contacts in the period with a follow-up date' }),
    done: Count,
    overdue: Type.Integer({ minimum: 0, description: 'Follow-up date before today and not done' }),
  }, { additionalProperties: false })),
  goals: Section(Type.Object({
    created: Type.Integer({ minimum: 0, description: 'Goals created in the period' }),
    byStatus: countsOf(STATUSES),
    withGuardianParticipant: Type.Integer({ minimum: 0, description: 'Of those, goals made together with a guardian' }),
    met: Type.Integer({ minimum: 0, description: 'Goals whose status became met in the period' }),
    metWithGuardianParticipant: Count,
  }, { additionalProperties: false })),
  progressEvents: Section(Type.Object({
    total: Count,
    byKind: countsOf(KINDS),
    bySetting: countsOf(SETTINGS),
  }, { additionalProperties: false })),
  celebrationsShared: Section(Type.Object({
    progressEvents: Type.Integer({ minimum: 0, description: 'Celebrations and milestones visible to the family' }),
    contacts: Type.Integer({ minimum: 0, description: 'Celebration contacts visible to the family' }),
    total: Count,
  }, { additionalProperties: false })),
  resourceShares: Section(Type.Object({
    sent: Count,
    acknowledged: Count,
  }, { additionalProperties: false })),
}, { $id: 'EngagementRow', additionalProperties: false });
export type EngagementRow = Static<typeof EngagementRow>;

export const EngagementReport = Type.Object({
  from: DateOnly(),
  to: DateOnly(),
  groupBy: Nullable(StringEnum(GROUP_BYS)),
  minCellSize: Count,
  asOf: DateOnly({ description: 'The day overdue follow-ups are counted against' }),
  data: Type.Array(Type.Ref(EngagementRow)),
}, { $id: 'EngagementReport', additionalProperties: false });
export type EngagementReport = Static<typeof EngagementReport>;

export const GAP_REASONS = ['no_recent_contact', 'concern_streak'] as const;

export const OutreachGapsQuery = ListQuery({
  days: Type.Integer({ minimum: 1, maximum: 365, default: 30, description: 'No family contact in this many days' }),
  concernStreak: Type.Integer({ minimum: 1, maximum: 20, default: 3, description: 'Or the last this many contacts were all concerns' }),
  schoolId: Uuid(),
  classId: Uuid(),
  asOf: DateTime({ description: 'Look back from this instant (default now)' }),
});
export type OutreachGapsQuery = Static<typeof OutreachGapsQuery>;

export const OutreachGuardian = Type.Object({
  guardianId: Uuid(),
  name: Type.String(),
  relationship: Type.String(),
  isPrimary: Type.Boolean(),
  preferredChannel: Nullable(Type.String()),
  preferredLanguage: Nullable(Type.String()),
  needsInterpreter: Type.Boolean(),
}, { additionalProperties: false });

export const OutreachGap = Type.Object({
  studentId: Uuid(),
  studentName: Type.String(),
  schoolId: Nullable(Uuid()),
  grade: Nullable(Type.String()),
  lastContactAt: Nullable(DateTime()),
  daysSinceContact: Nullable(Type.Integer({ minimum: 0 })),
  reasons: Type.Array(StringEnum(GAP_REASONS)),
  guardians: Type.Array(OutreachGuardian, { description: 'Active guardians who may be contacted' }),
}, { $id: 'OutreachGap', additionalProperties: false });
export type OutreachGap = Static<typeof OutreachGap>;

export const GoalProgressQuery = ListQuery({
  studentId: Uuid(),
  goalId: Uuid(),
  status: StringEnum(STATUSES),
});
export type GoalProgressQuery = Static<typeof GoalProgressQuery>;

export const TRENDS = ['toward_target', 'away_from_target', 'flat'] as const;

export const GoalProgress = Type.Object({
  goalId: Uuid(),
  studentId: Uuid(),
  title: Type.String(),
  status: StringEnum(STATUSES),
  measureType: StringEnum(MEASURE_TYPES),
  baseline: Nullable(Type.Number()),
  target: Nullable(Type.Number()),
  measurements: Type.Array(Type.Object({
    progressEventId: Uuid(),
    occurredAt: DateTime(),
    value: Type.Number(),
    setting: StringEnum(SETTINGS),
  }, { additionalProperties: false }), { description: 'Progress events with a value, oldest first' }),
  trend: Type.Object({
    slopePerWeek: Nullable(Type.Number({ description: 'Least-squares slope of value over time, per week; null under two points in time' })),
    direction: Nullable(StringEnum(TRENDS, { description: 'Relative to the target (from the baseline, or the first value); null without a target or slope' })),
  }, { additionalProperties: false }),
}, { $id: 'GoalProgress', additionalProperties: false });
export type GoalProgress = Static<typeof GoalProgress>;
