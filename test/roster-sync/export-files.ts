// Test helpers: write a small OneRoster export to a temp directory, and zip a directory (stored, no compression).
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';

export const MANIFEST_11 = (files: Record<string, string>) => ['propertyName,value', 'manifest.version,1.0',
  'oneroster.version,1.1', ...Object.entries(files).map(([k, v]) => `file.${k},${v}`)].join('\n') + '\n';

/** A small valid 1.1 bulk district: one district, one school, a class, two students, a teacher, a parent. */
export function baseExport11(): Record<string, string> {
  return {
    'manifest.csv': MANIFEST_11({ orgs: 'bulk', academicSessions: 'bulk', courses: 'bulk', classes: 'bulk', users: 'bulk', enrollments: 'bulk', demographics: 'absent' }),
    'orgs.csv': 'sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\nd1,,,District,district,,\ns1,,,School One,school,,d1\n',
    'academicSessions.csv': 'sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear\nt1,,,Fall,term,2025-08-01,2025-12-20,,2026\n',
    'courses.csv': 'sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,orgSourcedId,subjects,subjectCodes\nc1,,,,Math 5,M5,05,s1,Math,\n',
    'classes.csv': 'sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods\nk1,,,Math 5A,05,c1,M5A,scheduled,R1,s1,t1,Math,,1\n',
    'users.csv': [
      'sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,metadata.relationship',
      'u1,,,true,s1,student,ana,,Ana,Lopez,,,ana@example.org,,,p1,05,,',
      'u2,,,true,s1,student,ben,,Ben,Lopez,,,,,,p1,03,,',
      'u3,,,true,s1,teacher,tom,,Tom,Ng,,,tom@example.org,,555-201-0000,,,,',
      'p1,,,true,s1,parent,maria,,Maria,Lopez,,,maria@example.com,(555) 201-1111,,,,,Mother',
    ].join('\n') + '\n',
    'enrollments.csv': 'sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate\ne1,,,k1,s1,u1,student,false,,\ne2,,,k1,s1,u2,student,false,,\ne3,,,k1,s1,u3,teacher,true,,\n',
  };
}

export async function writeExport(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'oneroster-'));
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  return dir;
}

/** Zips every file of `dir` (deflated) and returns the zip's bytes. */
export async function zipDirectory(dir: string): Promise<Buffer> {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const name of (await readdir(dir)).sort()) {
    const data = await readFile(path.join(dir, name));
    const packed = deflateRawSync(data);
    const nameBuf = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(0x0800, 6); local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14); local.writeUInt32LE(packed.length, 18); local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6); central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10); central.writeUInt32LE(crc, 16); central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24); central.writeUInt16LE(nameBuf.length, 28); central.writeUInt32LE(offset, 42);
    locals.push(local, nameBuf, packed);
    centrals.push(central, nameBuf);
    offset += local.length + nameBuf.length + packed.length;
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(centrals.length / 2, 8); end.writeUInt16LE(centrals.length / 2, 10);
  end.writeUInt32LE(centralSize, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}
