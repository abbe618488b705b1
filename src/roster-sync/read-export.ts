// Reads and validates a whole OneRoster export, streaming normalised records to a sink in dependency order.
import { text } from 'node:stream/consumers';
import type { EntityKind, RosterSink } from './entities.ts';
import type { ExportSource } from './export-source.ts';
import { ExportUnreadableError, IssueLog, type ValidationMode } from './issues.ts';
import { parseManifest, type ManifestMode } from './manifest.ts';
import { emitGuardianLinks, readEnrollments } from './read-enrollments.ts';
import { readAcademicSessions, readClasses, readCourses, readOrgs } from './read-org-files.ts';
import { ReadState, type ExistingRoster } from './read-state.ts';
import { newPeopleState, readDemographics, readRoles, readUserProfiles, readUsers } from './read-user-files.ts';
import { fileSpecs, type OneRosterVersion, type RosterFileKey } from './specs.ts';

export interface ReadOptions {
  mode?: ValidationMode;
  /** SIS rows already stored, for references a delta (or an absent file) leaves to the database. */
  existing?: ExistingRoster | null;
  /** Calling code for phone numbers written without one (NANP by default). */
  defaultCallingCode?: string;
  /** Called as each file starts and every few thousand rows. */
  onProgress?: (file: RosterFileKey, rows: number) => void;
}

export interface ReadSummary {
  version: OneRosterVersion;
  source: { systemName: string | null; systemCode: string | null };
  /** Mode of each file as read: a file missing, empty or unreadable counts as absent. */
  modes: Partial<Record<RosterFileKey, ManifestMode>>;
  rows: Partial<Record<RosterFileKey, number>>;
  emitted: Partial<Record<EntityKind, number>>;
  issues: IssueLog;
  rejected: boolean;
}

export async function readExport(source: ExportSource, sink: RosterSink, options: ReadOptions = {}): Promise<ReadSummary> {
  const issues = new IssueLog(options.mode ?? 'strict');
  const manifestName = source.files.get('manifest.csv');
  if (!manifestName) {
    throw new ExportUnreadableError({ severity: 'error', file: 'manifest.csv', line: null, column: null,
      message: 'manifest.csv is not in the export' });
  }
  const manifest = parseManifest(await text(await source.open(manifestName)), issues);
  const state = new ReadState(manifest.version, issues, sink, options.existing ?? null, options.defaultCallingCode ?? '1');
  state.progress = options.onProgress ?? null;

  for (const spec of fileSpecs(manifest.version)) {
    const mode = manifest.modes.get(spec.key) ?? 'absent';
    const actual = source.files.get(spec.fileName.toLowerCase());
    if (actual) state.fileNames.set(spec.key, actual);
    if (mode !== 'absent' && !actual) {
      issues.error('manifest.csv', null, null, `the manifest marks ${spec.key} as ${mode} but ${spec.fileName} is not in the export`);
      state.modes.set(spec.key, 'absent');
    } else if (mode === 'absent' && actual) {
      const said = manifest.modes.has(spec.key) ? 'marks it absent' : `does not list file.${spec.key}`;
      issues.warn(actual, null, null, `${actual} is in the export but the manifest ${said}; ignored`);
      state.modes.set(spec.key, 'absent');
    } else state.modes.set(spec.key, mode);
  }

  const people = newPeopleState();
  await readOrgs(source, state);
  await readAcademicSessions(source, state);
  await readCourses(source, state);
  await readClasses(source, state);
  if (manifest.version === '1.2') await readRoles(source, state, people);
  await readUsers(source, state, people);
  if (manifest.version === '1.2') await readUserProfiles(source, state);
  await readDemographics(source, state, people);
  await readEnrollments(source, state);
  await emitGuardianLinks(state, people);

  return {
    version: manifest.version,
    source: manifest.source,
    modes: Object.fromEntries(state.modes),
    rows: Object.fromEntries(state.rows),
    emitted: Object.fromEntries(state.emitted),
    issues,
    rejected: issues.rejected,
  };
}
