// TypeBox schemas for roster sync runs over REST and GraphQL: the run, its counts and issues, the list and start queries.
import { Type, type Static } from '@sinclair/typebox';
import { DateTime, ListQuery, Nullable, StringEnum, Uuid } from '../http/schemas.ts';

export const SYNC_STATES = ['queued', 'running', 'succeeded', 'rejected', 'failed'] as const;

export const SyncEntityCounts = Type.Object({
  created: Type.Integer({ minimum: 0 }),
  updated: Type.Integer({ minimum: 0 }),
  deactivated: Type.Integer({ minimum: 0 }),
  unchanged: Type.Integer({ minimum: 0 }),
}, { additionalProperties: false });

export const SyncIssue = Type.Object({
  severity: StringEnum(['error', 'warning'] as const),
  file: Type.String({ description: 'The export file, e.g. users.csv (empty for a failure not tied to a file)' }),
  line: Nullable(Type.Integer({ minimum: 1, description: 'Line in the file, counting the header as line 1' })),
  column: Nullable(Type.String({ description: 'Column name' })),
  message: Type.String(),
}, { additionalProperties: false });

export const SyncRun = Type.Object({
  id: Uuid(),
  status: StringEnum(SYNC_STATES, { description: 'queued → running → succeeded, rejected (the export was refused; nothing written) or failed' }),
  dryRun: Type.Boolean({ description: 'Counts computed, then rolled back: nothing but this run is written' }),
  format: Type.String({ description: 'oneroster-csv' }),
  version: Nullable(Type.String({ description: 'OneRoster version read from manifest.csv (1.1 or 1.2)' })),
  options: Type.Object({ lenient: Type.Boolean(), allowMassDeactivation: Type.Boolean() }, { additionalProperties: false }),
  sourceName: Nullable(Type.String()),
  requestedBy: Nullable(Type.String({ description: 'role:subject of the caller, or cli' })),
  counts: Type.Record(Type.String(), SyncEntityCounts, { description: 'Per entity (students, staff, guardians, enrollments, guardianLinks, ...)' }),
  errors: Type.Array(SyncIssue),
  warnings: Type.Array(SyncIssue),
  timings: Type.Record(Type.String(), Type.Number({ minimum: 0 }), { description: 'Seconds per phase and total' }),
  createdAt: DateTime(),
  startedAt: Nullable(DateTime()),
  finishedAt: Nullable(DateTime()),
  updatedAt: DateTime(),
}, { $id: 'RosterSyncRun', additionalProperties: false });
export type SyncRun = Static<typeof SyncRun>;

export const SyncRunListQuery = ListQuery({ status: StringEnum(SYNC_STATES) });
export type SyncRunListQuery = Static<typeof SyncRunListQuery>;

export const SyncStartQuery = Type.Object({
  dryRun: Type.Boolean({ default: false, description: 'Compute the counts, then roll back' }),
  lenient: Type.Boolean({ default: false, description: 'Skip bad rows (reported as errors) instead of rejecting the export' }),
  allowMassDeactivation: Type.Boolean({ default: false, description: 'Allow a bulk sync to deactivate more than the configured share of active students or staff' }),
}, { additionalProperties: false });
export type SyncStartQuery = Static<typeof SyncStartQuery>;
