// Splits a report period into whole calendar months, whole ISO weeks and single days, to read the fewest summary rows.
export interface Segment {
  unit: 'day' | 'week' | 'month';
  from: string;
  to: string;
}

const DAY_MS = 86_400_000;
const ms = (day: string) => Date.parse(`${day}T00:00:00Z`);
const iso = (time: number) => new Date(time).toISOString().slice(0, 10);

/** The first day of the month of `day`, or of the next month when `day` is not a first. */
function monthStart(day: string, roundUp: boolean): string {
  const first = `${day.slice(0, 8)}01`;
  if (!roundUp || first === day) return first;
  const d = new Date(`${first}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + 1);
  return iso(d.getTime());
}

/** The Monday on or after `day` (roundUp) or on or before it. */
function weekStart(day: string, roundUp: boolean): string {
  const isoDow = ((new Date(ms(day)).getUTCDay() + 6) % 7);
  if (isoDow === 0) return day;
  return iso(ms(day) + (roundUp ? 7 - isoDow : -isoDow) * DAY_MS);
}

/** Whole ISO weeks inside [from, to), the days before and after them. */
function weeksAndDays(from: string, to: string): Segment[] {
  if (from >= to) return [];
  const first = weekStart(from, true);
  const end = weekStart(to, false);
  if (first >= end) return [{ unit: 'day', from, to }];
  return [{ unit: 'day' as const, from, to: first }, { unit: 'week' as const, from: first, to: end }, { unit: 'day' as const, from: end, to }]
    .filter((s) => s.from < s.to);
}

/**
 * [from, toExclusive) as segments covering each day once. With `months`, whole calendar months come from the month
 * rows; the rest (or all, when the author or the week of a row matters: month rows have neither) from weeks and days.
 */
export function periodSegments(from: string, toExclusive: string, months: boolean): Segment[] {
  const firstMonth = monthStart(from, true);
  const endMonth = monthStart(toExclusive, false);
  if (!months || firstMonth >= endMonth) {
    const segments = weeksAndDays(from, toExclusive);
    return segments.length > 0 ? segments : [{ unit: 'day', from, to: toExclusive }];
  }
  return [...weeksAndDays(from, firstMonth), { unit: 'month', from: firstMonth, to: endMonth }, ...weeksAndDays(endMonth, toExclusive)];
}
