// The engagement report: period checks, aggregation (engagement-sql.ts), shares and ratios, small-cell suppression.
import { sql } from 'kysely';
import { audit } from '../../auth/audit.ts';
import { inTransaction, type ServiceContext } from '../../http/context.ts';
import { ValidationError } from '../../http/errors.ts';
import { assertMayReport, effectiveMinCellSize, type ReportSettings } from './access.ts';
import { engagementRows, refreshDistrictWeeks, type EngagementSqlRow } from './engagement-sql.ts';
import type { EngagementQuery, EngagementReport, EngagementRow } from './schemas.ts';

const MAX_PERIOD_DAYS = 400;
const DAY_MS = 86_400_000;

const share = (part: number, whole: number): number | null => (whole > 0 ? round(part / whole) : null);
const round = (value: number): number => Math.round(value * 10_000) / 10_000;

/** Validates the period: to on or after from, at most MAX_PERIOD_DAYS days. Returns [from, day after to) as instants. */
export function periodBounds(from: string, to: string): { fromTs: string; toTsExclusive: string } {
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`) + DAY_MS;
  if (end <= start) throw new ValidationError('to is before from', [{ path: '/querystring/to', message: 'must be on or after from' }]);
  if (end - start > MAX_PERIOD_DAYS * DAY_MS) {
    throw new ValidationError(`A report covers at most ${MAX_PERIOD_DAYS} days`, [{ path: '/querystring/to', message: `must be within ${MAX_PERIOD_DAYS} days of from` }]);
  }
  return { fromTs: new Date(start).toISOString(), toTsExclusive: new Date(end).toISOString() };
}

function counts<K extends string>(row: EngagementSqlRow, prefix: string, keys: readonly K[]): Record<K, number> {
  const column = (key: string) => `${prefix}_${key}`.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
  return Object.fromEntries(keys.map((key) => [key, n(row[column(key)])])) as Record<K, number>;
}
const n = (value: unknown): number => (typeof value === 'number' ? value : 0);

/** One SQL row (camelCased) to the API row; counts missing from a source (no records) are zeros. */
export function engagementRowToApi(row: EngagementSqlRow, minCellSize: number): EngagementRow {
  const students = n(row.students);
  const groupKey = row.groupKey === '' || row.groupKey === undefined ? null : (row.groupKey as string | null);
  if (students < minCellSize) {
    return {
      groupKey, groupLabel: (row.groupLabel as string | null) ?? null, students: null, suppressed: true,
      contacts: null, strengths: null, familyInput: null, languageAccess: null, followUps: null, goals: null,
      progressEvents: null, celebrationsShared: null, resourceShares: null,
    };
  }
  const contacts = n(row.contacts);
  const strengthContacts = n(row.purposeStrength) + n(row.purposeCelebration);
  const concernContacts = n(row.purposeConcern);
  const studentsContacted = n(row.studentsContacted);
  const firstContactStrength = n(row.firstContactStrength);
  const languageOrInterpreter = n(row.languageOrInterpreter);
  return {
    groupKey,
    groupLabel: (row.groupLabel as string | null) ?? null,
    students,
    suppressed: false,
    contacts: {
      total: contacts,
      byPurpose: counts(row, 'purpose', ['strength', 'concern', 'update', 'input_request', 'plan', 'celebration', 'other'] as const),
      byChannel: counts(row, 'channel', ['phone', 'email', 'text', 'in_person', 'video', 'home_visit', 'note_home', 'app_message', 'other'] as const),
      byDirection: counts(row, 'direction', ['outbound', 'inbound'] as const),
    },
    strengths: {
      strengthContacts,
      concernContacts,
      strengthShare: share(strengthContacts, contacts),
      strengthToConcernRatio: concernContacts > 0 ? round(strengthContacts / concernContacts) : null,
      studentsContacted,
      firstContactStrength,
      firstContactStrengthShare: share(firstContactStrength, studentsContacted),
    },
    familyInput: { contacts: n(row.familyInput), share: share(n(row.familyInput), contacts) },
    languageAccess: {
      inPreferredLanguage: n(row.inLanguage),
      withInterpreter: n(row.withInterpreter),
      inPreferredLanguageOrInterpreter: languageOrInterpreter,
      share: share(languageOrInterpreter, contacts),
    },
    followUps: { due: n(row.followUpDue), done: n(row.followUpDone), overdue: n(row.followUpOverdue) },
    goals: {
      created: n(row.goalsCreated),
      byStatus: counts(row, 'status', ['draft', 'active', 'met', 'paused', 'discontinued'] as const),
      withGuardianParticipant: n(row.goalsWithGuardian),
      met: n(row.goalsMet),
      metWithGuardianParticipant: n(row.goalsMetWithGuardian),
    },
    progressEvents: {
      total: n(row.events),
      byKind: counts(row, 'kind', ['observation', 'measurement', 'milestone', 'celebration', 'setback'] as const),
      bySetting: counts(row, 'setting', ['school', 'home'] as const),
    },
    celebrationsShared: {
      progressEvents: n(row.celebrationEvents),
      contacts: n(row.celebrationContacts),
      total: n(row.celebrationEvents) + n(row.celebrationContacts),
    },
    resourceShares: { sent: n(row.sharesSent), acknowledged: n(row.sharesAcknowledged) },
  };
}

export async function engagementReport(ctx: ServiceContext, settings: ReportSettings, query: EngagementQuery): Promise<EngagementReport> {
  assertMayReport(ctx.principal);
  const { fromTs, toTsExclusive } = periodBounds(query.from, query.to);
  const minCellSize = effectiveMinCellSize(ctx.principal, settings, query.minCellSize);
  const input = { ...query, fromTs, toTsExclusive };
  await refreshDistrictWeeks(ctx.db, ctx.principal, input);
  const rows = await inTransaction(ctx, async (tx) => {
    await tuneForAggregates(tx);
    const result = await engagementRows(tx.db, tx.principal, input);
    await audit(tx, [{ action: 'read', recordType: 'report:engagement', recordId: null, studentId: null }]);
    return result;
  });
  const data = rows.map((row) => engagementRowToApi(row, minCellSize));
  if (query.groupBy === undefined && data.length === 0) data.push(engagementRowToApi({ groupKey: null, students: 0 }, minCellSize));
  return {
    from: query.from,
    to: query.to,
    groupBy: query.groupBy ?? null,
    minCellSize,
    asOf: new Date().toISOString().slice(0, 10),
    data,
  };
}

/** Report queries scan and hash many rows: more memory for hashes, and no JIT (its compile time exceeds its gain here). */
export async function tuneForAggregates(ctx: ServiceContext): Promise<void> {
  await sql`select set_config('work_mem', '64MB', true), set_config('jit', 'off', true)`.execute(ctx.db);
}
