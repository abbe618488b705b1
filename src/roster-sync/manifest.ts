// manifest.csv: the OneRoster version and, per file, whether it is a bulk snapshot, a delta, or absent.
import { parse } from 'csv-parse/sync';
import { ExportUnreadableError, type IssueLog } from './issues.ts';
import { fileSpecs, IGNORED_FILE_KEYS, type OneRosterVersion, type RosterFileKey } from './specs.ts';

export type ManifestMode = 'bulk' | 'delta' | 'absent';

export interface Manifest {
  version: OneRosterVersion;
  fileName: string;
  modes: Map<RosterFileKey, ManifestMode>;
  source: { systemName: string | null; systemCode: string | null };
}

const FILE = 'manifest.csv';

function unreadable(message: string, line: number | null = null, column: string | null = null): ExportUnreadableError {
  return new ExportUnreadableError({ severity: 'error', file: FILE, line, column, message });
}

export function parseManifest(text: string, issues: IssueLog): Manifest {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { bom: true, info: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as unknown as typeof records;
  } catch (err) {
    throw unreadable(`manifest.csv is not valid CSV: ${(err as Error).message}`);
  }
  const [head, ...rows] = records;
  if (!head || head.record[0] !== 'propertyName' || head.record[1] !== 'value') {
    throw unreadable('manifest.csv must start with the header propertyName,value', 1);
  }
  const props = new Map<string, { value: string; line: number }>();
  for (const { record, info } of rows) {
    const [name = '', value = ''] = record;
    if (props.has(name)) issues.warn(FILE, info.lines, 'propertyName', `property "${name}" appears more than once; the last one counts`);
    props.set(name, { value, line: info.lines });
  }

  const versionProp = props.get('oneroster.version');
  if (!versionProp) throw unreadable('manifest.csv has no oneroster.version');
  let version: OneRosterVersion;
  if (versionProp.value === '1.1' || versionProp.value === '1.2') version = versionProp.value;
  else if (/^1\.[12]\.\d+$/.test(versionProp.value)) {
    version = versionProp.value.slice(0, 3) as OneRosterVersion;
    issues.warn(FILE, versionProp.line, 'value', `oneroster.version "${versionProp.value}" read as "${version}"`);
  } else {
    throw unreadable(`oneroster.version "${versionProp.value}" is not supported (1.1 or 1.2)`, versionProp.line, 'value');
  }
  const manifestVersion = props.get('manifest.version');
  if (manifestVersion && manifestVersion.value !== '1.0') {
    issues.warn(FILE, manifestVersion.line, 'value', `manifest.version "${manifestVersion.value}" is not 1.0`);
  }

  const readKeys = new Set<string>(fileSpecs(version).map((s) => s.key));
  const modes = new Map<RosterFileKey, ManifestMode>();
  for (const [name, { value, line }] of props) {
    if (name === 'oneroster.version' || name === 'manifest.version' || name.startsWith('source.')) continue;
    if (!name.startsWith('file.')) {
      issues.warn(FILE, line, 'propertyName', `unknown manifest property "${name}"; ignored`);
      continue;
    }
    const key = name.slice(5);
    if (!readKeys.has(key)) {
      if (!IGNORED_FILE_KEYS.has(key)) issues.warn(FILE, line, 'propertyName', `unknown file "${key}" in the manifest; ignored`);
      continue;
    }
    let mode: ManifestMode;
    if (value === 'bulk' || value === 'delta' || value === 'absent') mode = value;
    else if (value === '') {
      issues.warn(FILE, line, 'value', `${name} has no value; read as absent`);
      mode = 'absent';
    } else if (['bulk', 'delta', 'absent'].includes(value.toLowerCase())) {
      mode = value.toLowerCase() as ManifestMode;
      issues.warn(FILE, line, 'value', `"${value}" read as "${mode}" (values are case-sensitive)`);
    } else {
      issues.error(FILE, line, 'value', `${name} is "${value}"; expected bulk, delta or absent`);
      mode = 'absent';
    }
    modes.set(key as RosterFileKey, mode);
  }
  const sourceValue = (k: string): string | null => {
    const v = props.get(k)?.value;
    return v && v !== 'absent' ? v : null;
  };
  return { version, fileName: FILE, modes, source: { systemName: sourceValue('source.systemName'), systemCode: sourceValue('source.systemCode') } };
}
