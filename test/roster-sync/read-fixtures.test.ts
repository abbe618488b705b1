// The public OneRoster samples read and validated: exact counts (lenient) and exact issues, strict rejections.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { MemorySink } from '../../src/roster-sync/entities.ts';
import { openExport } from '../../src/roster-sync/export-source.ts';
import { readExport } from '../../src/roster-sync/read-export.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixtures = path.resolve(repoRoot, '../shared/fixtures/oneroster');

interface Expected { counts: Record<string, number>; issues: string[] }

const expected: Record<string, Expected> = {
  'lepo-v1p1-en': {
    counts: {"orgs":1,"academicSessions":4,"courses":2,"classes":5,"students":20,"studentSchools":20,"enrollments":25,"skipped":5},
    issues: [
      "error enrollments.csv:2:role user \"us0001\" is student; a teacher enrollment needs a staff member",
      "error enrollments.csv:3:role user \"us0001\" is student; a teacher enrollment needs a staff member",
      "error enrollments.csv:4:role user \"us0001\" is student; a teacher enrollment needs a staff member",
      "error enrollments.csv:5:role user \"us0001\" is student; a teacher enrollment needs a staff member",
      "error enrollments.csv:6:role user \"us0002\" is student; a teacher enrollment needs a staff member",
      "warning manifest.csv:10:propertyName unknown manifest property \"fiel.demographics\"; ignored",
    ],
  },
  'lepo-v1p1-ja': {
    counts: {"orgs":1,"academicSessions":4,"courses":2,"classes":5,"students":20,"studentSchools":20,"enrollments":25,"skipped":5},
    issues: [
      "error enrollments.csv:2:role user \"us0001\" is student; a teacher enrollment needs a staff member",
      "error enrollments.csv:3:role user \"us0001\" is student; a teacher enrollment needs a staff member",
      "error enrollments.csv:4:role user \"us0001\" is student; a teacher enrollment needs a staff member",
      "error enrollments.csv:5:role user \"us0001\" is student; a teacher enrollment needs a staff member",
      "error enrollments.csv:6:role user \"us0002\" is student; a teacher enrollment needs a staff member",
      "warning manifest.csv:10:propertyName unknown manifest property \"fiel.demographics\"; ignored",
    ],
  },
  'moodle-1.1-full': {
    counts: {"orgs":1,"academicSessions":5,"classes":2,"students":3,"staff":2,"guardians":1,"studentSchools":3,"staffSchools":2,"enrollments":4,"guardianLinks":1,"households":2,"skipped":2},
    issues: [
      "warning academicSessions.csv:3:parentSourcedId parent academic session \"as-syr-222-2023\" is not in academicSessions.csv; the link is left empty",
      "warning academicSessions.csv:4:status \"inactive\" is not a OneRoster 1.1/1.2 status; read as \"tobedeleted\"",
      "warning academicSessions.csv:6:parentSourcedId parent academic session \"as-syr-222-2023\" is not in academicSessions.csv; the link is left empty",
      "warning classes.csv:2:classType \"Scheduled\" read as \"scheduled\" (values are case-sensitive)",
      "warning classes.csv:2:courseSourcedId course \"crs-222-2023-456-12345\" is not in courses.csv or the database; the link is left empty",
      "warning classes.csv:3:courseSourcedId course \"crs-222-2023-456-23456\" is not in courses.csv or the database; the link is left empty",
      "error enrollments.csv:3:role user \"usr-222-987654\" is staff; a student enrollment needs a student",
      "error enrollments.csv:6:role user \"usr-222-987654\" is staff; a student enrollment needs a student",
      "warning orgs.csv:2:parentSourcedId parent org \"org-sch-222-3456\" is not in orgs.csv; the link is left empty",
      "warning users.csv:3:agentSourcedIds agent \"usr-222-123456\" is staff and \"usr-222-66778899\" is student; only a student and a parent, guardian or relative are linked",
      "warning users.csv:5:agentSourcedIds agent \"usr-222-123456\" is staff and \"usr-222-987654\" is staff; only a student and a parent, guardian or relative are linked",
      "warning users.csv:6:agentSourcedIds agent \"usr-222-123456\" is staff and \"usr-222-1234561232\" is student; only a student and a parent, guardian or relative are linked",
      "warning users.csv:6:phone \"60312323567\" is not a phone number that can be written in E.164; left empty",
      "warning users.csv:6:sms \"603121567\" is not a phone number that can be written in E.164; left empty",
      "warning users.csv:7:agentSourcedIds agent \"usr-222-987654\" is staff and \"usr-222-567891\" is student; only a student and a parent, guardian or relative are linked",
    ],
  },
  'moodle-1.2-delta': {
    counts: {"orgs":1,"academicSessions":1,"courses":1,"classes":1,"students":1,"studentSchools":1,"enrollments":1,"demographics":1,"userProfiles":1},
    issues: [
    ],
  },
  'moodle-1.2-full': {
    counts: {"orgs":1,"academicSessions":5,"classes":2,"students":3,"staff":3,"guardians":1,"studentSchools":3,"staffSchools":3,"enrollments":4,"guardianLinks":2,"households":3,"skipped":2},
    issues: [
      "warning academicSessions.csv:3:parentSourcedId parent academic session \"as-syr-222-2023\" is not in academicSessions.csv; the link is left empty",
      "warning academicSessions.csv:4:status \"inactive\" is not a OneRoster 1.1/1.2 status; read as \"tobedeleted\"",
      "warning academicSessions.csv:6:parentSourcedId parent academic session \"as-syr-222-2023\" is not in academicSessions.csv; the link is left empty",
      "warning classes.csv:2:classType \"Scheduled\" read as \"scheduled\" (values are case-sensitive)",
      "warning classes.csv:2:courseSourcedId course \"crs-222-2023-456-12345\" is not in courses.csv or the database; the link is left empty",
      "warning classes.csv:3:courseSourcedId course \"crs-222-2023-456-23456\" is not in courses.csv or the database; the link is left empty",
      "error enrollments.csv:3:role user \"usr-222-987654\" is staff; a student enrollment needs a student",
      "error enrollments.csv:6:role user \"usr-222-987654\" is staff; a student enrollment needs a student",
      "warning manifest.csv:22:value file.userProfiles has no value; read as absent",
      "warning orgs.csv:2:parentSourcedId parent org \"org-sch-222-3456\" is not in orgs.csv; the link is left empty",
      "warning roles.csv:1: column 10 has no name; its values are ignored",
      "warning roles.csv:1: column 11 has no name; its values are ignored",
      "warning roles.csv:1:dataLastModified header \"dataLastModified\" read as \"dateLastModified\"",
      "warning userprofiles.csv:: userprofiles.csv is in the export but the manifest marks it absent; ignored",
      "warning users.csv:1:prefferedFamilyName header \"prefferedFamilyName\" read as \"preferredFamilyName\"",
      "warning users.csv:1:prefferedGivenName header \"prefferedGivenName\" read as \"preferredGivenName\"",
      "warning users.csv:1:prefferedMiddleName header \"prefferedMiddleName\" read as \"preferredMiddleName\"",
      "warning users.csv:2:dateLastModified \"1/05/2023\" is not an ISO 8601 date-time (e.g. 2023-10-02T00:00:00.000Z); ignored",
      "warning users.csv:4:agentSourcedIds agent \"usr-222-66778899\" is student and \"usr-222-1234561\" is staff; only a student and a parent, guardian or relative are linked",
      "warning users.csv:4:dateLastModified \"1/05/2023\" is not an ISO 8601 date-time (e.g. 2023-10-02T00:00:00.000Z); ignored",
      "warning users.csv:4:sourcedId user \"usr-222-1234561\" has no primary role in roles.csv",
      "warning users.csv:5:agentSourcedIds agent \"usr-222-123456\" is staff/guardian and \"usr-222-987654\" is staff; only a student and a parent, guardian or relative are linked",
      "warning users.csv:5:dateLastModified \"1/05/2023\" is not an ISO 8601 date-time (e.g. 2023-10-02T00:00:00.000Z); ignored",
      "warning users.csv:6:dateLastModified \"1/05/2023\" is not an ISO 8601 date-time (e.g. 2023-10-02T00:00:00.000Z); ignored",
      "warning users.csv:6:phone \"60312323567\" is not a phone number that can be written in E.164; left empty",
      "warning users.csv:6:sms \"603121567\" is not a phone number that can be written in E.164; left empty",
      "warning users.csv:7:agentSourcedIds agent \"usr-222-987654\" is staff and \"usr-222-567891\" is student; only a student and a parent, guardian or relative are linked",
      "warning users.csv:7:dateLastModified \"15/06/2023\" is not an ISO 8601 date-time (e.g. 2023-10-02T00:00:00.000Z); ignored",
    ],
  },
  'oat-base-1.1': {
    counts: {"orgs":2,"students":2,"studentSchools":2,"skipped":6},
    issues: [
      "error academicSessions.csv:1:schoolYear required column \"schoolYear\" is missing",
      "warning classes.csv:1:grade header \"grade\" read as \"grades\"",
      "error classes.csv:2:courseSourcedId courseSourcedId is required",
      "warning classes.csv:2:termSourcedIds academic session \"1\" is not in academicSessions.csv or the database; the link is left empty",
      "error classes.csv:3:courseSourcedId courseSourcedId is required",
      "warning classes.csv:3:termSourcedIds academic session \"1\" is not in academicSessions.csv or the database; the link is left empty",
      "error classes.csv:4:courseSourcedId courseSourcedId is required",
      "warning classes.csv:4:termSourcedIds academic session \"1\" is not in academicSessions.csv or the database; the link is left empty",
      "warning courses.csv:1: the file has no data rows; read as absent, so nothing is deactivated",
      "warning courses.csv:1:grade header \"grade\" read as \"grades\"",
      "warning courses.csv:1:schoolYearId header \"schoolYearId\" read as \"schoolYearSourcedId\"",
      "warning demographics.csv:1: the file has no data rows; read as absent, so nothing is deactivated",
      "warning demographics.csv:1:birthdate header \"birthdate\" read as \"birthDate\"",
      "warning demographics.csv:1:userSourcedId header \"userSourcedId\" read as \"sourcedId\"",
      "error enrollments.csv:2:classSourcedId refers to class \"class1\", which has errors",
      "error enrollments.csv:3:classSourcedId refers to class \"class2\", which has errors",
      "error enrollments.csv:4:classSourcedId refers to class \"class3\", which has errors",
      "warning users.csv:1:agents header \"agents\" read as \"agentSourcedIds\"",
      "warning users.csv:1:userId header \"userId\" read as \"userIds\"",
      "warning users.csv:2:userIds \"abc\" is not a list of {type:identifier}; ignored",
      "warning users.csv:3:userIds \"abc\" is not a list of {type:identifier}; ignored",
    ],
  },
};

/** Fixtures that pass strict validation; every other one is rejected in strict mode for its errors above. */
const strictClean = new Set(['moodle-1.2-delta']);

const issueText = (i: { severity: string; file: string; line: number | null; column: string | null; message: string }) =>
  `${i.severity} ${i.file}:${i.line ?? ''}:${i.column ?? ''} ${i.message}`;

if (!existsSync(fixtures)) {
  t.plan(0, `fixtures not found at ${fixtures}`);
} else {
  for (const [name, want] of Object.entries(expected)) {
    t.test(name, async (t) => {
      const lenientSource = await openExport(path.join(fixtures, name));
      const sink = new MemorySink();
      const lenient = await readExport(lenientSource, sink, { mode: 'lenient' });
      await lenientSource.close();
      t.same(Object.fromEntries(Object.entries(sink.counts()).filter(([, v]) => v > 0)), want.counts, 'records read (lenient)');
      t.same(lenient.issues.all().map(issueText), want.issues, 'issues');
      t.equal(lenient.rejected, false, 'lenient never rejects');

      const strictSource = await openExport(path.join(fixtures, name));
      const strict = await readExport(strictSource, new MemorySink(), { mode: 'strict' });
      await strictSource.close();
      t.equal(strict.rejected, !strictClean.has(name), strictClean.has(name) ? 'strict accepts' : 'strict rejects');
      t.same(strict.issues.all().map(issueText), want.issues, 'strict reports the same issues');
    });
  }
}
