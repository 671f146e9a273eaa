import type { CategoryValue } from './categories';

/**
 * Symphony's idle rule: a user who is AVAILABLE or BUSY shows as AWAY while idle, and their
 * chosen category comes back when they are active again. Other categories are left alone,
 * because the user chose them on purpose (on the phone, out of office, ...).
 */
export function applyIdle(chosen: CategoryValue, idle: boolean): CategoryValue {
  return idle && (chosen === 'AVAILABLE' || chosen === 'BUSY') ? 'AWAY' : chosen;
}

/** True when going idle changes what others see for this category. */
export function isAffectedByIdle(chosen: CategoryValue): boolean {
  return applyIdle(chosen, true) !== chosen;
}
