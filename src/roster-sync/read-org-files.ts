// Reads orgs, academicSessions, courses and classes into normalised records.
import type { Row } from './csv-rows.ts';
import type { AcademicSessionRecord, OrgRecord } from './entities.ts';
import type { ExportSource } from './export-source.ts';
import { eachRow } from './file-loop.ts';
import type { ReadState } from './read-state.ts';

/** Parents may come later in the same file, so orgs and sessions are checked once the file is read. */
interface Pending<T> { record: T; row: Row }

async function emitWithParents<T extends { parentSourcedId: string | null; sourcedId: string }>(
  state: ReadState, pending: Pending<T>[], ids: Set<string>, existing: Set<string> | undefined, noun: string,
  emit: (record: T) => Promise<void>): Promise<void> {
  for (const { record, row } of pending) {
    const parent = record.parentSourcedId;
    if (parent !== null && !ids.has(parent) && !existing?.has(parent)) {
      // A school exported without its district is common; the link is optional, so only warn.
      row.warn('parentSourcedId', `parent ${noun} "${parent}" is not in ${row.ctx.file}${existing ? ' or the database' : ''}; the link is left empty`);
      record.parentSourcedId = null;
    } else if (parent === record.sourcedId) {
      row.warn('parentSourcedId', `${noun} "${parent}" is its own parent; the link is left empty`);
      record.parentSourcedId = null;
    }
    await emit(record);
  }
}

export async function readOrgs(source: ExportSource, state: ReadState): Promise<void> {
  const pending: Pending<OrgRecord>[] = [];
  await eachRow(source, state, 'orgs', { entity: 'orgs', refFile: 'orgs' }, (row, sourcedId) => {
    const record: OrgRecord = {
      sourcedId, status: row.status(), modifiedAt: row.modifiedAt(),
      name: row.text('name') ?? '', type: row.vocab('type', 'orgType') ?? '', identifier: row.text('identifier'),
      parentSourcedId: row.id('parentSourcedId'), metadata: row.extensions(),
    };
    if (record.name.length > 300) row.error('name', 'name is longer than 300 characters');
    if (row.bad || sourcedId === '') return;
    state.ids.orgs.add(sourcedId);
    pending.push({ record, row });
  });
  const existing = state.mode('orgs') === 'delta' ? state.existing?.orgs : undefined;
  await emitWithParents(state, pending, state.ids.orgs, existing, 'org', (r) => state.emit('orgs', r));
}

export async function readAcademicSessions(source: ExportSource, state: ReadState): Promise<void> {
  const pending: Pending<AcademicSessionRecord>[] = [];
  await eachRow(source, state, 'academicSessions', { entity: 'academicSessions', refFile: 'academicSessions' }, (row, sourcedId) => {
    const record: AcademicSessionRecord = {
      sourcedId, status: row.status(), modifiedAt: row.modifiedAt(),
      title: row.text('title') ?? '', type: row.vocab('type', 'sessionType') ?? '',
      startDate: row.date('startDate') ?? '', endDate: row.date('endDate') ?? '',
      schoolYear: row.year('schoolYear'), parentSourcedId: row.id('parentSourcedId'), metadata: row.extensions(),
    };
    if (record.startDate && record.endDate && record.endDate < record.startDate) {
      row.error('endDate', `endDate ${record.endDate} is before startDate ${record.startDate}`);
    }
    if (row.bad || sourcedId === '') return;
    state.ids.academicSessions.add(sourcedId);
    pending.push({ record, row });
  });
  const existing = state.mode('academicSessions') === 'delta' ? state.existing?.academicSessions : undefined;
  await emitWithParents(state, pending, state.ids.academicSessions, existing, 'academic session',
    (r) => state.emit('academicSessions', r));
}

export async function readCourses(source: ExportSource, state: ReadState): Promise<void> {
  await eachRow(source, state, 'courses', { entity: 'courses', refFile: 'courses' }, async (row, sourcedId) => {
    const status = row.status();
    const modifiedAt = row.modifiedAt();
    const title = row.text('title') ?? '';
    let schoolYear = row.id('schoolYearSourcedId');
    if (schoolYear !== null && !state.ref('academicSessions', schoolYear, row, 'schoolYearSourcedId', false)) schoolYear = null;
    let org = row.id('orgSourcedId');
    if (org !== null && !state.ref('orgs', org, row, 'orgSourcedId', false)) org = null;
    const grades = row.grades('grades');
    const subjects = row.list('subjects');
    const subjectCodes = row.list('subjectCodes');
    const metadata: Record<string, unknown> = row.extensions();
    if (subjectCodes.length) metadata.subjectCodes = subjectCodes;
    if (row.bad || sourcedId === '') return;
    state.ids.courses.add(sourcedId);
    await state.emit('courses', {
      sourcedId, status, modifiedAt, title, courseCode: row.text('courseCode'), grades, subjects,
      orgSourcedId: org, schoolYearSourcedId: schoolYear, metadata,
    });
  });
}

export async function readClasses(source: ExportSource, state: ReadState): Promise<void> {
  await eachRow(source, state, 'classes', { entity: 'classes', refFile: 'classes' }, async (row, sourcedId) => {
    const status = row.status();
    const modifiedAt = row.modifiedAt();
    const title = row.text('title') ?? '';
    if (title.length > 300) row.error('title', 'title is longer than 300 characters');
    const classType = row.vocab('classType', 'classType') ?? 'scheduled';
    let course = row.id('courseSourcedId');
    if (course !== null && !state.ref('courses', course, row, 'courseSourcedId', false)) course = null;
    const school = row.id('schoolSourcedId');
    if (school !== null) state.ref('orgs', school, row, 'schoolSourcedId', true);
    const terms = row.list('termSourcedIds').filter((t) => state.ref('academicSessions', t, row, 'termSourcedIds', false));
    const grades = row.grades('grades');
    const subjects = row.list('subjects');
    const subjectCodes = row.list('subjectCodes');
    const periods = row.list('periods');
    const metadata: Record<string, unknown> = row.extensions();
    if (subjectCodes.length) metadata.subjectCodes = subjectCodes;
    if (row.bad || sourcedId === '' || school === null) return;
    state.ids.classes.add(sourcedId);
    await state.emit('classes', {
      sourcedId, status, modifiedAt, title, classCode: row.text('classCode'), classType,
      location: row.text('location'), courseSourcedId: course, schoolSourcedId: school, termSourcedIds: terms,
      grades, subjects, periods, metadata,
    });
  });
}
