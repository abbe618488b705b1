// Applies the forward-only migrations in migrations/ with Kysely's Migrator and reports their state.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileMigrationProvider, Migrator, type Kysely, type MigrationResultSet } from 'kysely';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url));

export function createMigrator(db: Kysely<any>): Migrator {
  return new Migrator({
    db,
    provider: new FileMigrationProvider({ fs, path, migrationFolder: MIGRATIONS_DIR }),
  });
}

export class MigrationError extends Error {
  constructor(result: MigrationResultSet) {
    const failed = result.results?.find((r) => r.status === 'Error');
    super(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${String((result.error as Error)?.message ?? result.error)}`);
    this.name = 'MigrationError';
  }
}

/** Brings the database to the latest migration; returns the names applied now. */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const result = await createMigrator(db).migrateToLatest();
  if (result.error) throw new MigrationError(result);
  return (result.results ?? []).map((r) => r.migrationName);
}

/** Counts the migrations on disk that the database has not applied yet. */
export async function pendingMigrationCount(db: Kysely<any>): Promise<number> {
  const migrations = await createMigrator(db).getMigrations();
  return migrations.filter((m) => m.executedAt === undefined).length;
}
