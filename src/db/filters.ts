// List filters shared by the features whose records bear a student: by the student's school or class, and text search.
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { DB } from './types.ts';

/** The record's student belongs to the school (its primary school, as on the student). */
export function studentInSchool(eb: ExpressionBuilder<DB, any>, studentIdColumn: string, schoolId: string): Expression<SqlBool> {
  return eb.exists(eb.selectFrom('students as filter_student').select('filter_student.id')
    .whereRef('filter_student.id', '=', eb.ref(studentIdColumn) as never).where('filter_student.schoolId', '=', schoolId));
}

/** The record's student is actively enrolled in the class. */
export function studentInClass(eb: ExpressionBuilder<DB, any>, studentIdColumn: string, classId: string): Expression<SqlBool> {
  return eb.exists(eb.selectFrom('enrollments as filter_enrollment').select('filter_enrollment.id')
    .whereRef('filter_enrollment.studentId', '=', eb.ref(studentIdColumn) as never)
    .where('filter_enrollment.classId', '=', classId).where('filter_enrollment.status', '=', 'active'));
}

/** An ILIKE pattern matching q anywhere, with LIKE's wildcards escaped. */
export function containsPattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
