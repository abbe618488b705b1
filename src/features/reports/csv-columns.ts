// The CSV columns of each report: nested JSON fields become dotted headers; withheld cells are "*".
import { leafPaths, valueAt, type CsvColumn } from './csv.ts';
import { engagementRowToApi } from './engagement.ts';
import type { EngagementRow, GoalProgress, OutreachGap } from './schemas.ts';

const SUPPRESSED = '*';

export function engagementColumns(): CsvColumn<EngagementRow>[] {
  const template = engagementRowToApi({ groupKey: null, students: 0 }, 0);
  const metricPaths = leafPaths(template).filter((p) => !['groupKey', 'groupLabel', 'students', 'suppressed'].includes(p));
  return [
    { header: 'groupKey', value: (r) => r.groupKey },
    { header: 'groupLabel', value: (r) => r.groupLabel },
    { header: 'students', value: (r) => (r.suppressed ? SUPPRESSED : r.students) },
    { header: 'suppressed', value: (r) => r.suppressed },
    ...metricPaths.map((path) => ({ header: path, value: (r: EngagementRow) => (r.suppressed ? SUPPRESSED : valueAt(r, path)) })),
  ];
}

export const outreachGapColumns: CsvColumn<OutreachGap>[] = [
  { header: 'studentId', value: (r) => r.studentId },
  { header: 'studentName', value: (r) => r.studentName },
  { header: 'schoolId', value: (r) => r.schoolId },
  { header: 'grade', value: (r) => r.grade },
  { header: 'lastContactAt', value: (r) => r.lastContactAt },
  { header: 'daysSinceContact', value: (r) => r.daysSinceContact },
  { header: 'reasons', value: (r) => r.reasons.join(' ') },
  {
    header: 'guardians',
    value: (r) => r.guardians.map((g) => `${g.name} (${[g.relationship, g.preferredChannel ?? 'no preferred channel',
      g.preferredLanguage ?? 'no preferred language', g.needsInterpreter ? 'needs interpreter' : null].filter(Boolean).join(', ')})`).join('; '),
  },
];

export const goalProgressColumns: CsvColumn<GoalProgress>[] = [
  { header: 'goalId', value: (r) => r.goalId },
  { header: 'studentId', value: (r) => r.studentId },
  { header: 'title', value: (r) => r.title },
  { header: 'status', value: (r) => r.status },
  { header: 'measureType', value: (r) => r.measureType },
  { header: 'baseline', value: (r) => r.baseline },
  { header: 'target', value: (r) => r.target },
  { header: 'trend.slopePerWeek', value: (r) => r.trend.slopePerWeek },
  { header: 'trend.direction', value: (r) => r.trend.direction },
  { header: 'measurementCount', value: (r) => r.measurements.length },
  { header: 'measurements', value: (r) => r.measurements.map((m) => `${m.occurredAt}=${m.value}`).join('; ') },
];
