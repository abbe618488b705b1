// Goal rules that need no database: status moves, and measures, bounds and dates checked on the merged goal.
import type { FieldError } from '../../http/errors.ts';
import { UnprocessableError } from '../../http/errors.ts';
import type { GoalStatus, MeasureType } from './schemas.ts';

/** Moves a PATCH may make. Back to active from paused, met or discontinued only through reopen. */
const MOVES: Record<GoalStatus, readonly GoalStatus[]> = {
  draft: ['active', 'discontinued'],
  active: ['paused', 'met', 'discontinued'],
  paused: ['discontinued'],
  met: [],
  discontinued: [],
};

export const REOPENABLE: readonly GoalStatus[] = ['paused', 'met', 'discontinued'];

/** Throws 422 on /body/status unless `from → to` is a move a PATCH may make (staying put is allowed). */
export function assertStatusMove(from: GoalStatus, to: GoalStatus): void {
  if (from === to) return;
  if (MOVES[from].includes(to)) return;
  if (to === 'active' && REOPENABLE.includes(from)) {
    throw new UnprocessableError(`A ${from} goal goes back to active only through POST /v1/goals/{id}/reopen`,
      [{ path: '/body/status', message: `cannot move from ${from} to active; reopen the goal instead` }]);
  }
  const allowed = MOVES[from];
  throw new UnprocessableError(`A ${from} goal cannot become ${to}`,
    [{ path: '/body/status', message: allowed.length > 0 ? `cannot move from ${from} to ${to} (allowed: ${allowed.join(', ')})` : `cannot move from ${from} to ${to}` }]);
}

export interface GoalMeasure {
  measureType: MeasureType;
  baseline: number | null;
  target: number | null;
  ratingMin: number | null;
  ratingMax: number | null;
  startDate: string | null;
  targetDate: string | null;
}

/** Every way the merged goal breaks a measure or date rule, as field errors (empty when it keeps them all). */
export function measureErrors(goal: GoalMeasure): FieldError[] {
  const errors: FieldError[] = [];
  const values: Array<['baseline' | 'target', number | null]> = [['baseline', goal.baseline], ['target', goal.target]];
  const each = (check: (v: number) => boolean, message: string) => {
    for (const [field, value] of values) {
      if (value !== null && !check(value)) errors.push({ path: `/body/${field}`, message });
    }
  };
  if (goal.measureType !== 'rating') {
    if (goal.ratingMin !== null) errors.push({ path: '/body/ratingMin', message: 'is only for rating goals' });
    if (goal.ratingMax !== null) errors.push({ path: '/body/ratingMax', message: 'is only for rating goals' });
  }
  switch (goal.measureType) {
    case 'percent':
      each((v) => v >= 0 && v <= 100, 'must be a percentage between 0 and 100');
      break;
    case 'count':
      each((v) => Number.isInteger(v) && v >= 0, 'must be a whole number of 0 or more');
      break;
    case 'yes_no':
      each((v) => v === 0 || v === 1, 'must be 0 (no) or 1 (yes)');
      break;
    case 'note_only':
      each(() => false, 'must be null for a note_only goal (it has no measure)');
      break;
    case 'rating': {
      const { ratingMin: min, ratingMax: max } = goal;
      if (min === null) errors.push({ path: '/body/ratingMin', message: 'is required for a rating goal' });
      if (max === null) errors.push({ path: '/body/ratingMax', message: 'is required for a rating goal' });
      if (min !== null && max !== null) {
        if (min >= max) errors.push({ path: '/body/ratingMax', message: 'must be greater than ratingMin' });
        else each((v) => v >= min && v <= max, `must be within the rating scale ${min}–${max}`);
      }
      break;
    }
  }
  if (goal.startDate !== null && goal.targetDate !== null && goal.targetDate < goal.startDate) {
    errors.push({ path: '/body/targetDate', message: 'must not be before startDate' });
  }
  return errors;
}

export function assertMeasure(goal: GoalMeasure): void {
  const errors = measureErrors(goal);
  if (errors.length > 0) throw new UnprocessableError('The goal\'s measure, bounds or dates do not fit together', errors);
}
