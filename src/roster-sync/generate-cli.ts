// `npm run gen:oneroster -- --students N --out DIR [--seed N] [--version 1.1|1.2] [--delta PERCENT]`
import { rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { buildDistrict } from './generate-district.ts';
import { writeDistrict } from './generate-write.ts';

const { values } = parseArgs({ options: {
  students: { type: 'string', default: '50000' },
  out: { type: 'string' },
  seed: { type: 'string', default: '1' },
  version: { type: 'string', default: '1.1' },
  delta: { type: 'string' },
} });
if (!values.out || !['1.1', '1.2'].includes(values.version)) {
  process.stderr.write('usage: gen:oneroster -- --students N --out DIR [--seed N] [--version 1.1|1.2] [--delta PERCENT]\n');
  process.exit(2);
}
const district = buildDistrict(Number(values.students), Number(values.seed));
await rm(values.out, { recursive: true, force: true });
const counts = await writeDistrict(district, values.out, {
  version: values.version as '1.1' | '1.2',
  ...(values.delta !== undefined ? { deltaPercent: Number(values.delta) } : {}),
});
process.stdout.write(`${JSON.stringify({ out: values.out, schools: district.schools, staff: district.staff,
  classes: district.classes, students: district.students, guardians: district.guardians, rows: counts })}\n`);
