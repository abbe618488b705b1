// Opens a OneRoster export held in a directory or a .zip and streams its files by case-insensitive name.
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { ExportUnreadableError } from './issues.ts';

export interface ExportSource {
  /** Display name (the path given). */
  readonly name: string;
  /** Lower-cased file name → name as it appears in the export. Only flat CSV files are listed. */
  readonly files: ReadonlyMap<string, string>;
  /** Opens one file by its name in any case; the stream yields raw bytes. */
  open(fileName: string): Promise<Readable>;
  close(): Promise<void>;
}

export async function openExport(location: string): Promise<ExportSource> {
  let info;
  try {
    info = await stat(location);
  } catch {
    throw unreadable(location, `${location} does not exist`);
  }
  if (info.isDirectory()) return openDirectory(location);
  return openZip(location);
}

function unreadable(file: string, message: string): ExportUnreadableError {
  return new ExportUnreadableError({ severity: 'error', file: path.basename(file), line: null, column: null, message });
}

async function openDirectory(dir: string): Promise<ExportSource> {
  const files = new Map<string, string>();
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isFile() && entry.name.toLowerCase().endsWith('.csv')) files.set(entry.name.toLowerCase(), entry.name);
  }
  return {
    name: dir,
    files,
    async open(fileName) {
      const real = files.get(fileName.toLowerCase());
      if (!real) throw unreadable(fileName, `${fileName} is not in the export`);
      return createReadStream(path.join(dir, real));
    },
    async close() {},
  };
}

function openZipFile(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, autoClose: false }, (err, zip) => (err ? reject(err) : resolve(zip)));
  });
}

async function openZip(file: string): Promise<ExportSource> {
  let zip: yauzl.ZipFile;
  try {
    zip = await openZipFile(file);
  } catch (err) {
    throw unreadable(file, `${path.basename(file)} is neither a directory nor a readable zip: ${(err as Error).message}`);
  }
  // Only the central directory is read here; entry data is streamed on demand.
  const entries = new Map<string, yauzl.Entry>();
  const files = new Map<string, string>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      const base = entry.fileName.split('/').pop() ?? '';
      const nested = entry.fileName.includes('/') && !entry.fileName.startsWith('__MACOSX/');
      // A package may be zipped with its folder: accept CSVs one level down when none sit at the root.
      if (base.toLowerCase().endsWith('.csv') && !entry.fileName.startsWith('__MACOSX/') && !base.startsWith('._')) {
        const key = base.toLowerCase();
        if (!entries.has(key) || !nested) {
          entries.set(key, entry);
          files.set(key, base);
        }
      }
      zip.readEntry();
    });
    zip.on('end', () => resolve());
    zip.on('error', reject);
    zip.readEntry();
  }).catch((err: Error) => {
    zip.close();
    throw unreadable(file, `${path.basename(file)}: ${err.message}`);
  });
  return {
    name: file,
    files,
    open(fileName) {
      const entry = entries.get(fileName.toLowerCase());
      if (!entry) return Promise.reject(unreadable(fileName, `${fileName} is not in the export`));
      return new Promise((resolve, reject) => {
        zip.openReadStream(entry, (err, stream) => (err ? reject(err) : resolve(stream)));
      });
    },
    async close() {
      zip.close();
    },
  };
}
