// Problems found in an export: the issue shape, and a log that decides whether a bad row is skipped or rejects.

export type IssueSeverity = 'error' | 'warning';

export interface RosterIssue {
  severity: IssueSeverity;
  file: string;
  line: number | null;
  column: string | null;
  message: string;
}

export type ValidationMode = 'strict' | 'lenient';

/** Issues kept in full; beyond this only the counts grow, so a broken 400k-row file cannot exhaust memory. */
const DEFAULT_KEEP = 2000;

export class IssueLog {
  readonly errors: RosterIssue[] = [];
  readonly warnings: RosterIssue[] = [];
  errorCount = 0;
  warningCount = 0;
  skippedRows = 0;

  constructor(readonly mode: ValidationMode = 'strict', private readonly keep = DEFAULT_KEEP) {}

  error(file: string, line: number | null, column: string | null, message: string): void {
    this.errorCount += 1;
    if (this.errors.length < this.keep) this.errors.push({ severity: 'error', file, line, column, message });
  }

  warn(file: string, line: number | null, column: string | null, message: string): void {
    this.warningCount += 1;
    if (this.warnings.length < this.keep) this.warnings.push({ severity: 'warning', file, line, column, message });
  }

  /** True when the export as a whole must be refused: strict mode and at least one error. */
  get rejected(): boolean {
    return this.mode === 'strict' && this.errorCount > 0;
  }

  all(): RosterIssue[] {
    return [...this.errors, ...this.warnings].sort(compareIssues);
  }
}

export function compareIssues(a: RosterIssue, b: RosterIssue): number {
  return a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0) ||
    (a.column ?? '').localeCompare(b.column ?? '') || a.message.localeCompare(b.message);
}

/** Raised for problems that make the export unreadable as a whole (no manifest, not a zip, ...). */
export class ExportUnreadableError extends Error {
  constructor(readonly issue: RosterIssue) {
    super(issue.message);
    this.name = 'ExportUnreadableError';
  }
}
