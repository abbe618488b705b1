// Walks one file of an export row by row: duplicates, skipped rows in lenient mode, empty and unreadable files.
import { readRows, type Row } from './csv-rows.ts';
import type { EntityKind } from './entities.ts';
import type { ExportSource } from './export-source.ts';
import type { ReadState, ReferencedFile } from './read-state.ts';
import { fileSpecs, type RosterFileKey } from './specs.ts';

export interface RowOutcome {
  /** The entity the row belongs to, for the lenient skip list. */
  entity: EntityKind;
  /** Registered as bad under this referenced file when the row has errors. */
  refFile?: ReferencedFile;
}

/** Calls `handle` for every row of the file (none when the manifest marks it absent). */
export async function eachRow(source: ExportSource, state: ReadState, key: RosterFileKey, outcome: RowOutcome,
  handle: (row: Row, sourcedId: string) => Promise<void> | void): Promise<void> {
  const spec = fileSpecs(state.version).find((s) => s.key === key)!;
  if (state.mode(key) === 'absent') return;
  const file = state.fileNames.get(key) ?? spec.fileName;
  const ctx = { file, spec, mode: state.mode(key) as 'bulk' | 'delta', version: state.version, issues: state.issues };
  const stats = { rowCount: 0, readable: false };
  const firstLine = new Map<string, number>();
  const stream = await source.open(file);
  state.progress?.(key, 0);
  for await (const row of readRows(stream, ctx, stats)) {
    if (stats.rowCount % 5000 === 0) state.progress?.(key, stats.rowCount);
    const sourcedId = row.raw('sourcedId');
    const first = firstLine.get(sourcedId);
    if (sourcedId !== '' && first !== undefined) {
      row.error('sourcedId', `duplicate sourcedId "${sourcedId}" (first on line ${first})`);
    } else if (sourcedId !== '') firstLine.set(sourcedId, row.line);
    await handle(row, sourcedId);
    if (row.bad) {
      if (outcome.refFile && sourcedId !== '' && first === undefined) state.bad[outcome.refFile].add(sourcedId);
      if (state.issues.mode === 'lenient') {
        state.issues.skippedRows += 1;
        if (sourcedId !== '') await state.emit('skipped', { entity: outcome.entity, sourcedId });
      }
    }
  }
  state.rows.set(key, stats.rowCount);
  if (!stats.readable) {
    state.modes.set(key, 'absent');
  } else if (stats.rowCount === 0) {
    state.issues.warn(file, 1, null, 'the file has no data rows; read as absent, so nothing is deactivated');
    state.modes.set(key, 'absent');
  }
}
