// Applies a staged export to the roster tables inside the caller's transaction, entity by entity, with counts.
import type pg from 'pg';
import { analyzeRoster, deactivateMissing, emptyCounts, upsert, type EntityCounts } from './apply-sql.ts';
import type { ReadSummary } from './read-export.ts';
import type { RosterFileKey } from './specs.ts';

export type ApplyCounts = Record<string, EntityCounts>;

export class MassDeactivationError extends Error {
  constructor(readonly entity: string, readonly wouldDeactivate: number, readonly active: number, readonly threshold: number) {
    super(`the export would deactivate ${wouldDeactivate} of ${active} active ${entity} (more than ${Math.round(threshold * 100)}%); ` +
      'rerun with --allow-mass-deactivation (allowMassDeactivation=true) if this is intended');
    this.name = 'MassDeactivationError';
  }
}

export interface ApplyOptions { massDeactivationThreshold: number; allowMassDeactivation: boolean }

const sis = (alias: string, table: string, idExpr: string) =>
  `left join ${table} ${alias} on ${alias}.source = 'sis' and ${alias}.sourced_id = ${idExpr}`;
const arr = (col: string) => `coalesce(array(select jsonb_array_elements_text(${col})), '{}')`;

export async function applyStaged(client: pg.PoolClient, read: ReadSummary, options: ApplyOptions): Promise<ApplyCounts> {
  const bulk = (k: RosterFileKey) => read.modes[k] === 'bulk';
  const counts: ApplyCounts = {};
  const deact = (table: string) => `select count(*) as n from stg s join ${table} t on t.source = 'sis' and t.sourced_id = s.sourced_id where s.status = 'inactive' and t.status = 'active'`;

  await analyzeRoster(client);
  // The guard runs first, before anything is written.
  for (const [entity, table, stg] of [['students', 'students', 'stg_students'], ['staff', 'staff', 'stg_staff']] as const) {
    if (!bulk('users') || options.allowMassDeactivation) continue;
    const missing = await deactivateMissing(client, table, `select sourced_id from ${stg} where status = 'active'`, entity, true);
    const { rows } = await client.query<{ n: string }>(`select count(*) as n from ${table} where source = 'sis' and status = 'active'`);
    const active = Number(rows[0]?.n ?? 0);
    if (active > 0 && missing > active * options.massDeactivationThreshold) {
      throw new MassDeactivationError(entity, missing, active, options.massDeactivationThreshold);
    }
  }

  counts.orgs = await upsert(client, { table: 'orgs', key: ['sourced_id'], sis: true,
    columns: ['sourced_id', 'status', 'sis_modified_at', 'name', 'type', 'identifier', 'metadata'],
    select: `select sourced_id, status::record_status, modified_at, name, type, identifier, metadata from stg_orgs`,
    update: ['status', 'sis_modified_at', 'name', 'type', 'identifier', 'metadata'], staged: 'select 1 from stg_orgs',
    deactivating: deact('orgs').replace('stg s', 'stg_orgs s') });
  await client.query(`update orgs o set parent_id = p.id from stg_orgs s left join orgs p on p.source = 'sis' and p.sourced_id = s.parent_sourced_id
    where o.source = 'sis' and o.sourced_id = s.sourced_id and o.parent_id is distinct from p.id`);

  counts.academicSessions = await upsert(client, { table: 'academic_sessions', key: ['sourced_id'], sis: true,
    columns: ['sourced_id', 'status', 'sis_modified_at', 'title', 'type', 'start_date', 'end_date', 'school_year', 'metadata'],
    select: `select sourced_id, status::record_status, modified_at, title, type, start_date, end_date, school_year, metadata from stg_sessions`,
    update: ['status', 'sis_modified_at', 'title', 'type', 'start_date', 'end_date', 'school_year', 'metadata'], staged: 'select 1 from stg_sessions',
    deactivating: deact('academic_sessions').replace('stg s', 'stg_sessions s') });
  await client.query(`update academic_sessions o set parent_id = p.id from stg_sessions s left join academic_sessions p on p.source = 'sis' and p.sourced_id = s.parent_sourced_id
    where o.source = 'sis' and o.sourced_id = s.sourced_id and o.parent_id is distinct from p.id`);

  counts.courses = await upsert(client, { table: 'courses', key: ['sourced_id'], sis: true,
    columns: ['sourced_id', 'status', 'sis_modified_at', 'title', 'course_code', 'grades', 'subjects', 'org_id', 'school_year_id', 'metadata'],
    select: `select s.sourced_id, s.status::record_status, s.modified_at, s.title, s.course_code, ${arr('s.grades')}, ${arr('s.subjects')},
      o.id, a.id, s.metadata from stg_courses s ${sis('o', 'orgs', 's.org_sourced_id')} ${sis('a', 'academic_sessions', 's.school_year_sourced_id')}`,
    update: ['status', 'sis_modified_at', 'title', 'course_code', 'grades', 'subjects', 'org_id', 'school_year_id', 'metadata'],
    staged: 'select 1 from stg_courses', deactivating: deact('courses').replace('stg s', 'stg_courses s') });

  counts.classes = await upsert(client, { table: 'classes', key: ['sourced_id'], sis: true,
    columns: ['sourced_id', 'status', 'sis_modified_at', 'title', 'class_code', 'class_type', 'location', 'course_id', 'school_id', 'grades', 'subjects', 'periods', 'metadata'],
    select: `select s.sourced_id, s.status::record_status, s.modified_at, s.title, s.class_code, s.class_type, s.location,
      c.id, o.id, ${arr('s.grades')}, ${arr('s.subjects')}, ${arr('s.periods')}, s.metadata from stg_classes s
      ${sis('c', 'courses', 's.course_sourced_id')} ${sis('o', 'orgs', 's.school_sourced_id')}`,
    update: ['status', 'sis_modified_at', 'title', 'class_code', 'class_type', 'location', 'course_id', 'school_id', 'grades', 'subjects', 'periods', 'metadata'],
    staged: 'select 1 from stg_classes', deactivating: deact('classes').replace('stg s', 'stg_classes s') });
  await client.query(`
    with wanted as (
      select c.id as class_id, a.id as academic_session_id from stg_classes s
      join classes c on c.source = 'sis' and c.sourced_id = s.sourced_id
      cross join lateral jsonb_array_elements_text(s.term_sourced_ids) t(id)
      join academic_sessions a on a.source = 'sis' and a.sourced_id = t.id),
    gone as (
      delete from class_academic_sessions x using stg_classes s join classes c on c.source = 'sis' and c.sourced_id = s.sourced_id
      where x.class_id = c.id and not exists (select 1 from wanted w where w.class_id = x.class_id and w.academic_session_id = x.academic_session_id))
    insert into class_academic_sessions (class_id, academic_session_id) select class_id, academic_session_id from wanted
    on conflict do nothing`);

  // 1.2 userProfiles are kept in metadata.userProfiles; one grouped join rather than a lookup per person.
  const profiles = `left join (select user_sourced_id, jsonb_agg(profile order by sourced_id) as profiles from stg_user_profiles
    where status = 'active' group by user_sourced_id) up on up.user_sourced_id = s.sourced_id`;
  const meta = `case when up.profiles is null then s.metadata else s.metadata || jsonb_build_object('userProfiles', up.profiles) end`;
  counts.families = await prepareFamilies(client);
  counts.staff = await upsert(client, { table: 'staff', key: ['sourced_id'], sis: true,
    columns: ['sourced_id', 'status', 'sis_modified_at', 'role', 'given_name', 'family_name', 'middle_name', 'preferred_first_name', 'identifier', 'username', 'email', 'phone', 'metadata'],
    select: `select sourced_id, status::record_status, modified_at, role, given_name, family_name, middle_name, preferred_first_name, identifier, username, email, phone, ${meta} from stg_staff s ${profiles}`,
    update: ['status', 'sis_modified_at', 'role', 'given_name', 'family_name', 'middle_name', 'preferred_first_name', 'identifier', 'username', 'email', 'phone', 'metadata'],
    staged: 'select 1 from stg_staff', deactivating: deact('staff').replace('stg s', 'stg_staff s') });
  counts.students = await upsert(client, { table: 'students', key: ['sourced_id'], sis: true,
    columns: ['sourced_id', 'status', 'sis_modified_at', 'given_name', 'family_name', 'middle_name', 'preferred_first_name', 'identifier', 'username', 'email', 'grade', 'birth_date', 'school_id', 'family_id', 'metadata'],
    select: `select s.sourced_id, s.status::record_status, s.modified_at, s.given_name, s.family_name, s.middle_name, s.preferred_first_name, s.identifier, s.username, s.email, s.grade,
      ${read.modes.demographics === 'absent' ? 'st.birth_date' : 'd.birth_date'}, o.id, coalesce(pf.family_id, st.family_id), ${meta}
      from stg_students s left join stg_demographics d on d.sourced_id = s.sourced_id
      left join students st on st.source = 'sis' and st.sourced_id = s.sourced_id ${sis('o', 'orgs', 's.school_sourced_id')} ${profiles}
      left join person_family pf on pf.kind = 'student' and pf.sourced_id = s.sourced_id`,
    update: ['status', 'sis_modified_at', 'given_name', 'family_name', 'middle_name', 'preferred_first_name', 'identifier', 'username', 'email', 'grade', 'birth_date', 'school_id', 'family_id', 'metadata'],
    staged: 'select 1 from stg_students', deactivating: deact('students').replace('stg s', 'stg_students s') });
  // Guardians: preferred language, channel, interpreter need and notes are local fields and never written here.
  counts.guardians = await upsert(client, { table: 'guardians', key: ['sourced_id'], sis: true,
    columns: ['sourced_id', 'status', 'sis_modified_at', 'given_name', 'family_name', 'email', 'phone', 'sms_phone', 'family_id', 'metadata'],
    select: `select s.sourced_id, s.status::record_status, s.modified_at, s.given_name, s.family_name, s.email, s.phone, s.sms_phone,
      coalesce(pf.family_id, gx.family_id), ${meta} from stg_guardians s ${profiles}
      left join guardians gx on gx.source = 'sis' and gx.sourced_id = s.sourced_id
      left join person_family pf on pf.kind = 'guardian' and pf.sourced_id = s.sourced_id`,
    update: ['status', 'sis_modified_at', 'given_name', 'family_name', 'email', 'phone', 'sms_phone', 'family_id', 'metadata'],
    staged: 'select 1 from stg_guardians', deactivating: deact('guardians').replace('stg s', 'stg_guardians s') });

  if (bulk('users')) {
    for (const [entity, table, stg] of [['students', 'students', 'stg_students'], ['staff', 'staff', 'stg_staff'], ['guardians', 'guardians', 'stg_guardians']] as const) {
      counts[entity]!.deactivated += await deactivateMissing(client, table, `select sourced_id from ${stg}`, entity);
    }
  }
  for (const [key, table, stg] of [['orgs', 'orgs', 'stg_orgs'], ['academicSessions', 'academic_sessions', 'stg_sessions'], ['courses', 'courses', 'stg_courses'], ['classes', 'classes', 'stg_classes']] as const) {
    if (bulk(key)) counts[key]!.deactivated += await deactivateMissing(client, table, `select sourced_id from ${stg}`, key);
  }

  counts.enrollments = await upsert(client, { table: 'enrollments', key: ['sourced_id'], sis: true,
    columns: ['sourced_id', 'status', 'sis_modified_at', 'class_id', 'school_id', 'role', 'student_id', 'staff_id', 'is_primary', 'begin_date', 'end_date', 'metadata'],
    select: `select s.sourced_id, s.status::record_status, s.modified_at, c.id, o.id, s.role,
      case when s.role = 'student' then st.id end, case when s.role <> 'student' then sf.id end, s.is_primary, s.begin_date, s.end_date, s.metadata
      from stg_enrollments s join classes c on c.source = 'sis' and c.sourced_id = s.class_sourced_id
      join orgs o on o.source = 'sis' and o.sourced_id = s.school_sourced_id
      left join students st on s.role = 'student' and st.source = 'sis' and st.sourced_id = s.user_sourced_id
      left join staff sf on s.role <> 'student' and sf.source = 'sis' and sf.sourced_id = s.user_sourced_id`,
    update: ['status', 'sis_modified_at', 'class_id', 'school_id', 'role', 'student_id', 'staff_id', 'is_primary', 'begin_date', 'end_date', 'metadata'],
    staged: 'select 1 from stg_enrollments', deactivating: deact('enrollments').replace('stg s', 'stg_enrollments s') });
  if (bulk('enrollments')) counts.enrollments.deactivated += await deactivateMissing(client, 'enrollments', 'select sourced_id from stg_enrollments', 'enrollments');

  counts.memberships = await applyMemberships(client, bulk(read.version === '1.2' ? 'roles' : 'users'));
  counts.guardianLinks = await applyLinks(client, bulk('users'));
  return counts;
}

async function applyMemberships(client: pg.PoolClient, isBulk: boolean): Promise<EntityCounts> {
  const c = emptyCounts();
  for (const [table, person, stg, extra] of [['student_schools', 'student', 'stg_student_schools', ''], ['staff_schools', 'staff', 'stg_staff_schools', 'role']] as const) {
    const personTable = person === 'student' ? 'students' : 'staff';
    const cols = extra ? ['is_primary', 'status', extra] : ['is_primary', 'status'];
    const r = await upsert(client, { table, key: [`${person}_id`, 'school_id'], sis: false,
      columns: [`${person}_id`, 'school_id', ...cols],
      select: `select distinct on (p.id, o.id) p.id, o.id, s.is_primary, s.status::record_status${extra ? ', s.role' : ''} from ${stg} s
        join ${personTable} p on p.source = 'sis' and p.sourced_id = s.${person}_sourced_id
        join orgs o on o.source = 'sis' and o.sourced_id = s.school_sourced_id order by p.id, o.id, s.is_primary desc`,
      update: cols, staged: `select distinct ${person}_sourced_id, school_sourced_id from ${stg}` });
    for (const k of ['created', 'updated', 'unchanged'] as const) c[k] += r[k];
    if (isBulk) {
      // The pairs the export lists, resolved to ids once, then one hashed anti-join (not a lookup per membership).
      const d = await client.query(`with listed as materialized (
          select p.id as person_id, o.id as school_id from ${stg} s
          join ${personTable} p on p.source = 'sis' and p.sourced_id = s.${person}_sourced_id
          join orgs o on o.source = 'sis' and o.sourced_id = s.school_sourced_id)
        update ${table} m set status = 'inactive' from ${personTable} p
        where m.${person}_id = p.id and p.source = 'sis' and m.status = 'active'
        and not exists (select 1 from listed l where l.person_id = m.${person}_id and l.school_id = m.school_id)`);
      c.deactivated += d.rowCount ?? 0;
    }
  }
  return c;
}

async function applyLinks(client: pg.PoolClient, isBulk: boolean): Promise<EntityCounts> {
  const c = await upsert(client, { table: 'student_guardians', key: ['student_id', 'guardian_id'], sis: false,
    columns: ['student_id', 'guardian_id', 'source', 'status', 'relationship'],
    // A relationship the export does not state keeps the stored one; only a new link takes the default.
    select: `select st.id, g.id, 'sis'::record_source, 'active'::record_status,
      coalesce(l.relationship, x.relationship, l.default_relationship) from stg_links l
      join students st on st.source = 'sis' and st.sourced_id = l.student_sourced_id
      join guardians g on g.source = 'sis' and g.sourced_id = l.guardian_sourced_id
      left join student_guardians x on x.student_id = st.id and x.guardian_id = g.id`,
    update: ['status', 'relationship'], staged: 'select 1 from stg_links' });
  // Links the SIS no longer lists for a person in this export end; local links are never touched. Many SIS list the
  // link on the student's row only, so in a delta a guardian row with an empty agentSourcedIds ends none of its links.
  const d = await client.query(`update student_guardians x set status = 'inactive'
    from students st, guardians g
    where x.student_id = st.id and x.guardian_id = g.id and x.source = 'sis' and x.status = 'active'
    and (${isBulk ? 'true' : 'false'} or exists (select 1 from stg_students s where s.sourced_id = st.sourced_id)
         or exists (select 1 from stg_guardians s where s.sourced_id = g.sourced_id and s.lists_agents))
    and not exists (select 1 from stg_links l where l.student_sourced_id = st.sourced_id and l.guardian_sourced_id = g.sourced_id)`);
  c.deactivated += d.rowCount ?? 0;
  return c;
}

/**
 * Households keep the family id most of their members already have; a household new to the SIS gets a new family.
 * Runs before people are written, so the family id goes in with the person's own insert or update (one write per row):
 * leaves `person_family (kind, sourced_id, family_id)` for the student and guardian upserts.
 */
async function prepareFamilies(client: pg.PoolClient): Promise<EntityCounts> {
  const c = emptyCounts();
  await client.query(`
    create temp table hh on commit drop as
    select h.household, h.kind, h.sourced_id, coalesce(s.family_id, g.family_id) as family_id, sg.family_name
    from stg_households h
    left join students s on h.kind = 'student' and s.source = 'sis' and s.sourced_id = h.sourced_id
    left join guardians g on h.kind = 'guardian' and g.source = 'sis' and g.sourced_id = h.sourced_id
    left join stg_guardians sg on h.kind = 'guardian' and sg.sourced_id = h.sourced_id;
    analyze hh;
    create temp table hh_family on commit drop as
    select distinct on (household) household, family_id from hh where family_id is not null
    group by household, family_id order by household, count(*) desc, family_id;
    insert into hh_family (household, family_id)
    select h.household, gen_random_uuid() from (select distinct household from hh) h
    where not exists (select 1 from hh_family f where f.household = h.household);
    analyze hh_family;
    create temp table person_family on commit drop as
    select hh.kind, hh.sourced_id, f.family_id from hh join hh_family f using (household);
    analyze person_family;`);
  const changed = await client.query<{ n: string; total: string }>(`select
      (select count(distinct f.family_id) from hh join hh_family f using (household)
        where hh.family_id is distinct from f.family_id and f.family_id in (select family_id from hh where family_id is not null)) as n,
      (select count(*) from hh_family) as total`);
  const created = await client.query(`insert into families (id, source, name)
    select f.family_id, 'sis', coalesce(min(hh.family_name), 'Household') || ' household' from hh_family f join hh using (household)
    where not exists (select 1 from families x where x.id = f.family_id) group by f.family_id`);
  c.created = created.rowCount ?? 0;
  c.updated = Number(changed.rows[0]?.n ?? 0);
  c.unchanged = Math.max(0, Number(changed.rows[0]?.total ?? 0) - c.created - c.updated);
  return c;
}
