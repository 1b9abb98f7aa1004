// When an upgrade copies and when it activates: the plan an operator (or a campaign) gives, and
// what a reschedule may change. Pure: the workflow reads the clock; this module only decides.

/** When the image is copied to the device: now, or at a time (ISO 8601 with offset). */
export type DistributeWhen = { kind: 'now' } | { kind: 'at'; at: string };

/** When the new image is activated (reload). `never`: distribute only. */
export type ActivateWhen =
  | { kind: 'after-distribution' }
  | { kind: 'at'; at: string }
  /** In a maintenance window: the one named, or the device's site's (inherited). */
  | { kind: 'window'; window?: string; minimumMinutesLeft?: number }
  | { kind: 'never' };

export interface UpgradePlan {
  distribute: DistributeWhen;
  activate: ActivateWhen;
}

export const IMMEDIATE_PLAN: UpgradePlan = { distribute: { kind: 'now' }, activate: { kind: 'after-distribution' } };

/**
 * Minutes a window must still have left for an activation to start in it: reload and checks take
 * a while, and starting seconds before the window closes is not a change anyone approved.
 */
export const DEFAULT_MINIMUM_WINDOW_MINUTES = 5;

/** Where the upgrade stands, as far as the plan is concerned. */
export type PlanPhase = 'waiting-to-distribute' | 'distributing' | 'waiting-to-activate' | 'activating' | 'finished';

/**
 * Why `next` cannot replace the current plan now (undefined: it can). What already happened
 * cannot be rescheduled: a plan change reaches only the steps that have not started.
 */
export function rescheduleRefusal(current: UpgradePlan, next: UpgradePlan, phase: PlanPhase, nowMs: number): string | undefined {
  if (phase === 'activating' || phase === 'finished') return `the upgrade is ${phase === 'finished' ? 'finished' : 'activating'}: there is nothing left to reschedule`;
  if (phase !== 'waiting-to-distribute' && JSON.stringify(next.distribute) !== JSON.stringify(current.distribute)) {
    return 'the image is already being copied or on the device: only the activation can be rescheduled';
  }
  for (const when of [next.distribute, next.activate]) {
    if (when.kind === 'at') {
      const at = Date.parse(when.at);
      if (Number.isNaN(at)) return `${when.at} is not a time (use ISO 8601, e.g. 2026-11-22T02:00:00+01:00)`;
      if (at < nowMs - 60_000) return `${when.at} is in the past`;
    }
  }
  if (next.distribute.kind === 'at' && next.activate.kind === 'at' && Date.parse(next.activate.at) < Date.parse(next.distribute.at)) {
    return 'activation cannot be planned before distribution';
  }
  return undefined;
}

/** ITSM on: Catalyst Center refuses "now" — every step must be planned so a change can be approved first. */
export function itsmPlanRefusal(plan: UpgradePlan): string | undefined {
  if (plan.distribute.kind === 'now' && plan.activate.kind === 'after-distribution') {
    return 'with the ITSM integration on, an upgrade cannot run "now": plan the activation at a time or in a maintenance window (an approved change is needed first)';
  }
  return undefined;
}

/** One line for people: "distribute now, activate at 2026-11-22T02:00:00Z". */
export function describePlan(plan: UpgradePlan): string {
  const distribute = plan.distribute.kind === 'now' ? 'distribute now' : `distribute at ${plan.distribute.at}`;
  const activate =
    plan.activate.kind === 'after-distribution'
      ? 'activate right after'
      : plan.activate.kind === 'at'
        ? `activate at ${plan.activate.at}`
        : plan.activate.kind === 'window'
          ? `activate in ${plan.activate.window ? `window ${plan.activate.window}` : "the site's maintenance window"}`
          : 'distribute only';
  return `${distribute}, ${activate}`;
}
