import type { UserId } from '../model';
import { randomChosenCategory, type UserRecord } from './buildPopulation';
import { deriveSeed, mulberry32, type Random } from './mulberry32';
import type { PodState } from './podState';
import type { MockChurnOptions } from './types';

export const DEFAULT_CHURN: MockChurnOptions = { everyMs: 60_000, fraction: 0.02 };

// A clock that jumps days ahead would otherwise replay thousands of steps nobody can observe.
const MAX_CHURN_CATCHUP_STEPS = 1000;

// Each step draws from its own stream (above the pod's other streams), so the outcome does not
// depend on when steps are applied or on what else the pod did.
const STREAM_CHURN_BASE = 1000;

function churnUser(state: PodState, user: UserRecord, random: Random, time: number): void {
  if (!user.online) {
    const chosen = random() < 0.5 ? user.chosen : randomChosenCategory(random);
    // Signing in with the old status is no set; picking a new one on the way in is.
    state.update(user, { online: true, idle: false, active: true, chosen }, time, chosen !== user.chosen);
    return;
  }
  const roll = random();
  if (roll < 0.25) state.update(user, { online: false, idle: false }, time);
  else if (roll < 0.5) state.update(user, { idle: !user.idle }, time);
  else state.update(user, { chosen: randomChosenCategory(random), idle: false }, time, true);
}

/**
 * Presence changing by itself, step by step on the pod's clock. Nothing runs in the background:
 * the returned function brings the population up to `now`, replaying the steps that fell due.
 * Users who ever had a session are left alone (the tests drive them).
 */
export function createChurn(
  state: PodState,
  churn: MockChurnOptions | false,
  seed: number,
  startTime: number,
): (now: number) => void {
  let stepsApplied = 0;

  function step(index: number, settings: MockChurnOptions): void {
    const random = mulberry32(deriveSeed(seed, STREAM_CHURN_BASE + index));
    const eligible = state.sortedIds.filter((id) => !state.sessionOwners.has(id));
    const count = Math.min(eligible.length, Math.round(settings.fraction * eligible.length));
    const time = startTime + index * settings.everyMs;
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(random() * (eligible.length - i));
      const picked = eligible[j] as UserId;
      eligible[j] = eligible[i] as UserId;
      eligible[i] = picked;
      churnUser(state, state.users.get(picked) as UserRecord, random, time);
    }
  }

  return (now) => {
    if (!churn || churn.everyMs <= 0 || churn.fraction <= 0) return;
    const due = Math.floor((now - startTime) / churn.everyMs);
    if (due <= stepsApplied) return;
    for (let index = Math.max(stepsApplied + 1, due - MAX_CHURN_CATCHUP_STEPS + 1); index <= due; index++) {
      step(index, churn);
    }
    stepsApplied = due;
  };
}
