// Hand-made exports: each problem reported with its file, line and column; strict rejects, lenient skips.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { MemorySink } from '../../src/roster-sync/entities.ts';
import { openExport } from '../../src/roster-sync/export-source.ts';
import { ExportUnreadableError, type ValidationMode } from '../../src/roster-sync/issues.ts';
import { readExport } from '../../src/roster-sync/read-export.ts';
import { baseExport11, writeExport, zipDirectory } from './export-files.ts';

async function read(files: Record<string, string>, mode: ValidationMode = 'strict', location?: string) {
  const dir = location ?? await writeExport(files);
  const source = await openExport(dir);
  const sink = new MemorySink();
  const summary = await readExport(source, sink, { mode });
  await source.close();
  const issues = summary.issues.all().map((i) => `${i.severity} ${i.file}:${i.line ?? ''}:${i.column ?? ''} ${i.message}`);
  return { summary, sink, issues };
}

t.test('a valid export reads cleanly, with households, links and phone numbers normalised', async (t) => {
  const { summary, sink, issues } = await read(baseExport11());
  t.equal(summary.rejected, false);
  t.same(issues, []);
  t.same(sink.records.guardianLinks.map((l) => [l.studentSourcedId, l.guardianSourcedId, l.relationship]),
    [['u1', 'p1', 'mother'], ['u2', 'p1', 'mother']]);
  t.same(new Set(sink.records.households.map((h) => h.household)).size, 1, 'siblings and parent form one household');
  t.equal(sink.records.guardians[0]?.smsPhone, '+15552011111');
  t.equal(sink.records.staff[0]?.phone, '+15552010000');
  t.same(sink.records.students[0]?.metadata, { oneroster: { enabledUser: true, grades: ['05'],
    roles: [{ role: 'student', roleType: 'primary', org: 's1', status: 'active' }] } });
});

t.test('bad values, duplicates and dangling references are errors with file, line and column', async (t) => {
  const files = baseExport11();
  files['users.csv'] += 'u1,,,yes,s9,pupil,dup,,,Lopez,,,not-an-email,,,,,,\n';
  files['enrollments.csv'] += 'e4,,,k9,s1,u1,student,false,2025-09-01,2025-08-01\ne5,,,k1,s1,u404,student,false,,\ne6,,,k1,s1,u3,student,maybe,,\n';
  files['classes.csv'] += 'k2,,,Art,,c1,,lecture,,s1,t1,,,\n';
  const { summary, issues, sink } = await read(files);
  t.equal(summary.rejected, true);
  t.same(issues, [
    'error classes.csv:3:classType "lecture" is not one of homeroom, scheduled',
    'error enrollments.csv:5:classSourcedId class "k9" is not in classes.csv',
    'error enrollments.csv:5:endDate endDate 2025-08-01 is before beginDate 2025-09-01',
    'error enrollments.csv:6:userSourcedId user "u404" is not in users.csv',
    'error enrollments.csv:7:primary "maybe" is not a boolean (true or false)',
    'error enrollments.csv:7:role user "u3" is staff; a student enrollment needs a student',
    'warning users.csv:6:email "not-an-email" is not an email address; left empty',
    'error users.csv:6:enabledUser "yes" is not a boolean (true or false)',
    'error users.csv:6:givenName givenName is required',
    'error users.csv:6:orgSourcedIds org "s9" is not in orgs.csv',
    'error users.csv:6:role "pupil" is not one of administrator, aide, guardian, parent, proctor, relative, student, teacher',
    'error users.csv:6:sourcedId duplicate sourcedId "u1" (first on line 2)',
  ]);
  t.equal(sink.records.enrollments.length, 0, 'nothing is passed on once the export is rejected');

  const lenient = await read(files, 'lenient');
  t.equal(lenient.summary.rejected, false);
  t.equal(lenient.summary.issues.skippedRows, 5, 'the five bad rows are skipped');
  t.same(lenient.sink.records.enrollments.map((e) => e.sourcedId), ['e1', 'e2', 'e3']);
  t.same(lenient.sink.records.classes.map((c) => c.sourcedId), ['k1']);
});

t.test('header typos map with a warning; a missing required column is an error; unknown columns are kept', async (t) => {
  const files = baseExport11();
  files['orgs.csv'] = 'sourcedId,status,dataLastModified,name,identifier,parentSourcedId,metadata.region,vendorCode\ns1,,,School One,,,North,X1\n';
  const { issues, summary } = await read(files);
  t.same(issues.filter((i) => i.includes(' orgs.csv:')), [
    'warning orgs.csv:1:dataLastModified header "dataLastModified" read as "dateLastModified"',
    'error orgs.csv:1:type required column "type" is missing',
    'warning orgs.csv:1:vendorCode column "vendorCode" is not in the OneRoster 1.1 orgs.csv table; kept as metadata',
  ]);
  t.equal(summary.modes.orgs, 'absent', 'an unreadable file is read as absent: nothing in it is deactivated');
  t.ok(issues.includes('error users.csv:2:orgSourcedIds org "s1" is not in orgs.csv or the database'), 'references into it fail');


  files['orgs.csv'] = 'sourcedId,status,dataLastModified,name,type,identifier,parentSourcedId,metadata.region,vendorCode\nd1,,,District,district,,,,\ns1,,,School One,school,,d1,North,X1\n';
  const ok = await read(files);
  t.same(ok.issues, [
    'warning orgs.csv:1:dataLastModified header "dataLastModified" read as "dateLastModified"',
    'warning orgs.csv:1:vendorCode column "vendorCode" is not in the OneRoster 1.1 orgs.csv table; kept as metadata',
  ]);
  t.same(ok.sink.records.orgs[1]?.metadata, { 'metadata.region': 'North', vendorCode: 'X1' });
});

t.test('delta rows need status and dateLastModified; bulk rows may leave them blank', async (t) => {
  const files = baseExport11();
  files['manifest.csv'] = files['manifest.csv']!.replace('file.enrollments,bulk', 'file.enrollments,delta');
  files['enrollments.csv'] = 'sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate\n' +
    'e1,,,k1,s1,u1,student,false,,\ne2,tobedeleted,1/05/2023,k1,s1,u2,student,false,,\ne3,active,2025-09-01 08:00:00,k1,s1,u3,teacher,true,,\n';
  const { issues, summary } = await read(files);
  t.same(issues, [
    'error enrollments.csv:2:dateLastModified dateLastModified is required in a delta file',
    'error enrollments.csv:2:status status is required in a delta file',
    'error enrollments.csv:3:dateLastModified "1/05/2023" is not an ISO 8601 date-time (e.g. 2023-10-02T00:00:00.000Z)',
  ]);
  t.equal(summary.modes.enrollments, 'delta');
});

t.test('quoted multi-value cells, a BOM, CRLF and an upper-case file name read the same', async (t) => {
  const files = baseExport11();
  const users = files['users.csv']!;
  delete files['users.csv'];
  files['USERS.CSV'] = `\ufeff${users.split('\n').map((l) => l.replace('u1,,,true,s1,', 'u1,,,true,"s1,s1",')).join('\r\n')}`;
  const { issues, sink } = await read(files);
  t.same(issues, []);
  t.same(sink.records.studentSchools.filter((m) => m.studentSourcedId === 'u1').length, 1, 'a repeated org counts once');
});

t.test('a missing manifest or a file the manifest promises is reported', async (t) => {
  const files = baseExport11();
  delete files['courses.csv'];
  const { issues } = await read(files);
  t.ok(issues.includes('error manifest.csv:: the manifest marks courses as bulk but courses.csv is not in the export'));
  const noManifest = baseExport11();
  delete noManifest['manifest.csv'];
  await t.rejects(read(noManifest), ExportUnreadableError);
});

t.test('a zip and a directory give the same result', async (t) => {
  const files = baseExport11();
  files['users.csv'] += 'u9,,,true,s1,student,x,,X,Y,,,,,,,,,\n';
  const dir = await writeExport(files);
  const zipPath = path.join(dir, '..', `${path.basename(dir)}.zip`);
  await writeFile(zipPath, await zipDirectory(dir));
  const fromDir = await read({}, 'lenient', dir);
  const fromZip = await read({}, 'lenient', zipPath);
  t.same(fromZip.issues, fromDir.issues);
  t.same(fromZip.sink.records, fromDir.sink.records);
  t.equal(fromZip.sink.records.students.length, 3);
});
