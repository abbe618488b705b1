// Enrollment rules: read-only (the SIS owns them); students' enrollments are audited as student-bearing reads.
import { audit } from '../../auth/audit.ts';
import { assertScope } from '../../auth/policy.ts';
import type { ServiceContext } from '../../http/context.ts';
import { NotFoundError } from '../../http/errors.ts';
import { decodeCursor, pageLimit, toPage, type Page } from '../../http/paging.ts';
import { metadataToApi, rosterFieldsToApi } from '../students/roster-common.ts';
import { findEnrollment, listEnrollmentRows, type EnrollmentRow } from './queries.ts';
import type { Enrollment, EnrollmentListQuery } from './schemas.ts';

const RECORD = 'enrollment';

export function enrollmentRowToApi(row: EnrollmentRow): Enrollment {
  return Object.assign(rosterFieldsToApi(row), {
    classId: row.classId,
    schoolId: row.schoolId,
    role: row.role as Enrollment['role'],
    studentId: row.studentId,
    staffId: row.staffId,
    isPrimary: row.isPrimary,
    beginDate: row.beginDate,
    endDate: row.endDate,
    metadata: metadataToApi(row.metadata),
  });
}

export async function listEnrollments(ctx: ServiceContext, query: EnrollmentListQuery): Promise<Page<Enrollment>> {
  assertScope(ctx.principal, 'roster', 'read');
  const limit = pageLimit(query);
  const rows = await listEnrollmentRows(ctx.db, ctx.principal, query, decodeCursor(query.cursor), limit);
  const page = toPage(rows, limit, (r) => [r.cursorAt, r.id], enrollmentRowToApi);
  await audit(ctx, page.data.filter((e) => e.studentId !== null)
    .map((e) => ({ action: 'list', recordType: RECORD, recordId: e.id, studentId: e.studentId })));
  return page;
}

export async function getEnrollment(ctx: ServiceContext, id: string): Promise<Enrollment> {
  assertScope(ctx.principal, 'roster', 'read');
  const row = await findEnrollment(ctx.db, ctx.principal, id);
  if (!row) throw new NotFoundError('Enrollment', id);
  if (row.studentId) await audit(ctx, [{ action: 'read', recordType: RECORD, recordId: id, studentId: row.studentId }]);
  return enrollmentRowToApi(row);
}
