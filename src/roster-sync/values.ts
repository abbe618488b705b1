// Parsers for OneRoster CSV cell values: dates, datetimes, booleans, lists, userIds, grades, phones, emails.

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
// ISO 8601 as real exports write it: `T` or a space, optional seconds and fraction, optional zone.
const DATETIME_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/;

function validYmd(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= days;
}

/** `YYYY-MM-DD`, as the binding requires for date fields. */
export function parseDate(raw: string): Parsed<string> {
  const m = DATE_RE.exec(raw);
  if (!m || !validYmd(Number(m[1]), Number(m[2]), Number(m[3]))) {
    return { ok: false, message: `"${raw}" is not a date (YYYY-MM-DD)` };
  }
  return { ok: true, value: raw };
}

/** An ISO 8601 date-time; a bare date or a time without a zone is taken as UTC. Returns an ISO string. */
export function parseDateTime(raw: string): Parsed<string> {
  const m = DATETIME_RE.exec(raw);
  if (!m) return { ok: false, message: `"${raw}" is not an ISO 8601 date-time (e.g. 2023-10-02T00:00:00.000Z)` };
  const [y, mo, d, h = '0', mi = '0', s = '0'] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((v) => v ?? undefined);
  if (!validYmd(Number(y), Number(mo), Number(d)) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
    return { ok: false, message: `"${raw}" is not a valid date-time` };
  }
  const frac = (m[7] ?? '0').padEnd(3, '0').slice(0, 3);
  let zone = m[8] ?? 'Z';
  if (zone !== 'Z' && !zone.includes(':')) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const iso = `${y}-${mo}-${d}T${h.padStart(2, '0')}:${mi.padStart(2, '0')}:${s.padStart(2, '0')}.${frac}${zone}`;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return { ok: false, message: `"${raw}" is not a valid date-time` };
  return { ok: true, value: new Date(t).toISOString() };
}

export function parseBoolean(raw: string): Parsed<boolean> {
  const v = raw.toLowerCase();
  if (v === 'true') return { ok: true, value: true };
  if (v === 'false') return { ok: true, value: false };
  return { ok: false, message: `"${raw}" is not a boolean (true or false)` };
}

/** `YYYY`, the year in which the school year ends. */
export function parseYear(raw: string): Parsed<number> {
  if (!/^\d{4}$/.test(raw)) return { ok: false, message: `"${raw}" is not a year (YYYY)` };
  return { ok: true, value: Number(raw) };
}

/** A comma-separated multi-value cell; blanks around and between values are dropped. */
export function parseList(raw: string): string[] {
  if (raw === '') return [];
  return raw.split(',').map((v) => v.trim()).filter((v) => v !== '');
}

export interface UserId {
  type: string;
  identifier: string;
}

/** `{type:id}` values, comma-separated: `{LDAP:12},{LTI:15}`. */
export function parseUserIds(raw: string): Parsed<UserId[]> {
  const out: UserId[] = [];
  const re = /\{([^:{}]+):([^{}]*)\}/g;
  const rest = raw.replace(re, (_all, type: string, id: string) => {
    out.push({ type: type.trim(), identifier: id.trim() });
    return '';
  });
  if (rest.replace(/[\s,]/g, '') !== '') return { ok: false, message: `"${raw}" is not a list of {type:identifier}` };
  return { ok: true, value: out };
}

export const GRADE_CODES = new Set(['IT', 'PR', 'PK', 'TK', 'KG', '01', '02', '03', '04', '05', '06', '07', '08',
  '09', '10', '11', '12', '13', 'PS', 'UG', 'Other']);

/** CEDS grade code; single-digit numbers are padded (`9` → `09`). Unknown codes are returned as written. */
export function normaliseGrade(raw: string): { value: string; known: boolean } {
  const padded = /^\d$/.test(raw) ? `0${raw}` : raw;
  if (GRADE_CODES.has(padded)) return { value: padded, known: true };
  const upper = padded.toUpperCase();
  if (GRADE_CODES.has(upper)) return { value: upper, known: true };
  if (upper === 'OTHER') return { value: 'Other', known: true };
  return { value: raw, known: false };
}

const EMAIL_RE = /^[^@\s]+@[^@\s]+$/;
export function isEmail(raw: string): boolean {
  return EMAIL_RE.test(raw);
}

/**
 * E.164 from what SIS exports hold: `+` numbers kept, punctuation dropped, a bare national number gets the
 * default calling code (10 digits for the NANP default `1`).
 */
export function normalisePhone(raw: string, defaultCallingCode = '1'): string | null {
  const cleaned = raw.replace(/[\s().\-/]/g, '');
  if (/^\+[1-9]\d{6,14}$/.test(cleaned)) return cleaned;
  if (!/^\d+$/.test(cleaned)) return null;
  if (defaultCallingCode === '1') {
    if (cleaned.length === 10 && /^[2-9]/.test(cleaned)) return `+1${cleaned}`;
    if (cleaned.length === 11 && cleaned.startsWith('1')) return `+${cleaned}`;
    return null;
  }
  const national = cleaned.replace(/^0+/, '');
  const full = `+${defaultCallingCode}${national}`;
  return /^\+[1-9]\d{6,14}$/.test(full) ? full : null;
}
