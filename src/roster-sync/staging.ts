// Staging: temp tables mirroring the reader's records, filled with COPY in batches as the export streams by.
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { EntityKind, EntityMap, RosterSink } from './entities.ts';

type Value = string | number | boolean | null | undefined | object;
interface StagingTable<K extends EntityKind> { table: string; columns: string; values: (r: EntityMap[K]) => Value[] }

const json = (v: unknown) => JSON.stringify(v);
const TABLES: { [K in EntityKind]: StagingTable<K> } = {
  orgs: { table: 'stg_orgs', columns: 'sourced_id text, status text, modified_at timestamptz, name text, type text, identifier text, parent_sourced_id text, metadata jsonb',
    values: (r) => [r.sourcedId, r.status, r.modifiedAt, r.name, r.type, r.identifier, r.parentSourcedId, json(r.metadata)] },
  academicSessions: { table: 'stg_sessions', columns: 'sourced_id text, status text, modified_at timestamptz, title text, type text, start_date date, end_date date, school_year int, parent_sourced_id text, metadata jsonb',
    values: (r) => [r.sourcedId, r.status, r.modifiedAt, r.title, r.type, r.startDate, r.endDate, r.schoolYear, r.parentSourcedId, json(r.metadata)] },
  courses: { table: 'stg_courses', columns: 'sourced_id text, status text, modified_at timestamptz, title text, course_code text, grades jsonb, subjects jsonb, org_sourced_id text, school_year_sourced_id text, metadata jsonb',
    values: (r) => [r.sourcedId, r.status, r.modifiedAt, r.title, r.courseCode, json(r.grades), json(r.subjects), r.orgSourcedId, r.schoolYearSourcedId, json(r.metadata)] },
  classes: { table: 'stg_classes', columns: 'sourced_id text, status text, modified_at timestamptz, title text, class_code text, class_type text, location text, course_sourced_id text, school_sourced_id text, term_sourced_ids jsonb, grades jsonb, subjects jsonb, periods jsonb, metadata jsonb',
    values: (r) => [r.sourcedId, r.status, r.modifiedAt, r.title, r.classCode, r.classType, r.location, r.courseSourcedId, r.schoolSourcedId, json(r.termSourcedIds), json(r.grades), json(r.subjects), json(r.periods), json(r.metadata)] },
  students: { table: 'stg_students', columns: 'sourced_id text, status text, modified_at timestamptz, given_name text, family_name text, middle_name text, preferred_first_name text, identifier text, username text, email text, grade text, school_sourced_id text, metadata jsonb',
    values: (r) => [r.sourcedId, r.status, r.modifiedAt, r.givenName, r.familyName, r.middleName, r.preferredFirstName, r.identifier, r.username, r.email, r.grade, r.schoolSourcedId, json(r.metadata)] },
  staff: { table: 'stg_staff', columns: 'sourced_id text, status text, modified_at timestamptz, role text, given_name text, family_name text, middle_name text, preferred_first_name text, identifier text, username text, email text, phone text, metadata jsonb',
    values: (r) => [r.sourcedId, r.status, r.modifiedAt, r.role, r.givenName, r.familyName, r.middleName, r.preferredFirstName, r.identifier, r.username, r.email, r.phone, json(r.metadata)] },
  guardians: { table: 'stg_guardians', columns: 'sourced_id text, status text, modified_at timestamptz, given_name text, family_name text, email text, phone text, sms_phone text, metadata jsonb, lists_agents boolean',
    values: (r) => [r.sourcedId, r.status, r.modifiedAt, r.givenName, r.familyName, r.email, r.phone, r.smsPhone, json(r.metadata), r.listsAgents] },
  studentSchools: { table: 'stg_student_schools', columns: 'student_sourced_id text, school_sourced_id text, is_primary boolean, status text',
    values: (r) => [r.studentSourcedId, r.schoolSourcedId, r.isPrimary, r.status] },
  staffSchools: { table: 'stg_staff_schools', columns: 'staff_sourced_id text, school_sourced_id text, role text, is_primary boolean, status text',
    values: (r) => [r.staffSourcedId, r.schoolSourcedId, r.role, r.isPrimary, r.status] },
  enrollments: { table: 'stg_enrollments', columns: 'sourced_id text, status text, modified_at timestamptz, class_sourced_id text, school_sourced_id text, user_sourced_id text, role text, is_primary boolean, begin_date date, end_date date, metadata jsonb',
    values: (r) => [r.sourcedId, r.status, r.modifiedAt, r.classSourcedId, r.schoolSourcedId, r.userSourcedId, r.role, r.isPrimary, r.beginDate, r.endDate, json(r.metadata)] },
  guardianLinks: { table: 'stg_links', columns: 'student_sourced_id text, guardian_sourced_id text, relationship text, default_relationship text',
    values: (r) => [r.studentSourcedId, r.guardianSourcedId, r.relationship, r.defaultRelationship] },
  demographics: { table: 'stg_demographics', columns: 'sourced_id text, status text, birth_date date, sex text',
    values: (r) => [r.sourcedId, r.status, r.birthDate, r.sex] },
  userProfiles: { table: 'stg_user_profiles', columns: 'sourced_id text, status text, user_sourced_id text, profile jsonb',
    values: (r) => [r.sourcedId, r.status, r.userSourcedId, json({ sourcedId: r.sourcedId, profileType: r.profileType, vendorId: r.vendorId, applicationId: r.applicationId, description: r.description, credentialType: r.credentialType, username: r.username })] },
  households: { table: 'stg_households', columns: 'kind text, sourced_id text, household text',
    values: (r) => [r.kind, r.sourcedId, r.household] },
  skipped: { table: 'stg_skipped', columns: 'entity text, sourced_id text', values: (r) => [r.entity, r.sourcedId] },
};

function copyText(v: Value): string {
  if (v === null || v === undefined) return '\\N';
  const s = typeof v === 'string' ? v : String(v);
  return s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

export async function createStagingTables(client: pg.PoolClient): Promise<void> {
  const ddl = Object.values(TABLES).map((t) => `create temp table ${t.table} (${t.columns}) on commit drop;`).join('\n');
  await client.query(ddl);
}

export async function indexStagingTables(client: pg.PoolClient): Promise<void> {
  // A sample of 9,000 rows per table is plenty to plan these joins, and much quicker than the default 30,000.
  await client.query(`set local default_statistics_target = 30`);
  await client.query(`
    create index on stg_students (sourced_id); create index on stg_staff (sourced_id);
    create index on stg_guardians (sourced_id);
    create index on stg_skipped (entity, sourced_id);
    analyze stg_orgs; analyze stg_sessions; analyze stg_courses; analyze stg_classes; analyze stg_students;
    analyze stg_staff; analyze stg_guardians; analyze stg_student_schools; analyze stg_staff_schools;
    analyze stg_enrollments; analyze stg_links; analyze stg_demographics; analyze stg_households; analyze stg_skipped;`);
}

/** Buffers records per kind and COPYs each batch; one COPY at a time on the transaction's connection. */
export class StagingSink implements RosterSink {
  private readonly buffers = new Map<EntityKind, string[]>();
  constructor(private readonly client: pg.PoolClient, private readonly batch = 20_000) {}

  write<K extends EntityKind>(kind: K, record: EntityMap[K]): void | Promise<void> {
    const line = `${(TABLES[kind] as StagingTable<K>).values(record).map(copyText).join('\t')}\n`;
    let buf = this.buffers.get(kind);
    if (!buf) this.buffers.set(kind, (buf = []));
    buf.push(line);
    if (buf.length >= this.batch) return this.flushKind(kind);
  }

  private async flushKind(kind: EntityKind): Promise<void> {
    const lines = this.buffers.get(kind);
    if (!lines?.length) return;
    this.buffers.set(kind, []);
    const stream = this.client.query(copyStreams.from(`copy ${TABLES[kind].table} from stdin`));
    await pipeline(Readable.from([lines.join('')]), stream);
  }

  async flush(): Promise<void> {
    for (const kind of this.buffers.keys()) await this.flushKind(kind);
  }
}
