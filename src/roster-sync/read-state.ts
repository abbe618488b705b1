// What the reader knows while it walks an export: ids seen per entity, user kinds, file modes, references.
import type { Row } from './csv-rows.ts';
import type { EntityKind, EntityMap, RosterSink } from './entities.ts';
import type { IssueLog } from './issues.ts';
import type { ManifestMode } from './manifest.ts';
import type { OneRosterVersion, RosterFileKey } from './specs.ts';

export const STUDENT = 1;
export const STAFF = 2;
export const GUARDIAN = 4;

export type ReferencedFile = 'orgs' | 'academicSessions' | 'courses' | 'classes' | 'users';

/** SIS rows already in the database, used to resolve references an incremental export does not carry. */
export interface ExistingRoster {
  orgs: Set<string>;
  academicSessions: Set<string>;
  courses: Set<string>;
  classes: Set<string>;
  /** sourcedId → STUDENT | STAFF | GUARDIAN bits. */
  users: Map<string, number>;
}

const NOUN: Record<ReferencedFile, string> = {
  orgs: 'org', academicSessions: 'academic session', courses: 'course', classes: 'class', users: 'user',
};

export function kindNames(bits: number): string {
  const names = [];
  if (bits & STUDENT) names.push('student');
  if (bits & STAFF) names.push('staff');
  if (bits & GUARDIAN) names.push('guardian');
  return names.join('/') || 'no role';
}

export class ReadState {
  readonly ids: Record<Exclude<ReferencedFile, 'users'>, Set<string>> = {
    orgs: new Set(), academicSessions: new Set(), courses: new Set(), classes: new Set(),
  };
  readonly users = new Map<string, number>();
  readonly bad: Record<ReferencedFile, Set<string>> = {
    orgs: new Set(), academicSessions: new Set(), courses: new Set(), classes: new Set(), users: new Set(),
  };
  /** Effective mode per file once read: a missing, empty or unreadable file counts as absent. */
  readonly modes = new Map<RosterFileKey, ManifestMode>();
  readonly fileNames = new Map<RosterFileKey, string>();
  readonly rows = new Map<RosterFileKey, number>();
  readonly emitted = new Map<EntityKind, number>();
  progress: ((file: RosterFileKey, rows: number) => void) | null = null;

  constructor(readonly version: OneRosterVersion, readonly issues: IssueLog, private readonly sink: RosterSink,
    readonly existing: ExistingRoster | null, readonly defaultCallingCode: string) {}

  mode(key: RosterFileKey): ManifestMode {
    return this.modes.get(key) ?? 'absent';
  }

  /** Passes a record to the sink unless the export is already rejected (then only validation continues). */
  async emit<K extends EntityKind>(kind: K, record: EntityMap[K]): Promise<void> {
    if (this.issues.rejected) return;
    this.emitted.set(kind, (this.emitted.get(kind) ?? 0) + 1);
    const p = this.sink.write(kind, record);
    if (p) await p;
  }

  userKind(id: string): number | undefined {
    const k = this.users.get(id);
    if (k !== undefined) return k;
    if (this.mode('users') !== 'bulk') return this.existing?.users.get(id);
    return undefined;
  }

  private known(target: ReferencedFile, id: string): boolean {
    if (target === 'users') return this.userKind(id) !== undefined;
    if (this.ids[target].has(id)) return true;
    return this.mode(target) !== 'bulk' && (this.existing?.[target].has(id) ?? false);
  }

  /**
   * Checks a reference. Not found: an error when the data model needs the link or the referenced file is in the
   * export; a warning (link left empty) when the link is optional and the export does not carry that file.
   */
  ref(target: ReferencedFile, id: string, row: Row, column: string, linkRequired: boolean): boolean {
    if (this.known(target, id)) return true;
    const noun = NOUN[target];
    if (this.bad[target].has(id)) {
      row.error(column, `refers to ${noun} "${id}", which has errors`);
      return false;
    }
    const mode = this.mode(target);
    const where = mode === 'bulk' ? `${target}.csv` : `${target}.csv or the database`;
    if (mode === 'absent' && !linkRequired) {
      row.warn(column, `${noun} "${id}" is not in ${where}; the link is left empty`);
      return false;
    }
    row.error(column, `${noun} "${id}" is not in ${where}`);
    return false;
  }
}
