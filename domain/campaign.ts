// Campaigns: many devices upgraded in waves (a canary first), a bounded number at a time, with a
// failure budget that halts the remaining waves. Pure: wave sizes, the budget, the progress a
// campaign reports and which operator actions its state allows. The workflow only applies them.
import type { ChangeOutcomeState } from './itsm.ts';

/** Which devices a campaign upgrades: a list, a site subtree, a family, or every outdated device. */
export interface CampaignSelector {
  devices?: string[];
  site?: string;
  family?: string;
  /** Every outdated device (compliance), each to its golden image; `site` / `family` narrow it. */
  outdated?: boolean;
  /** The image to install (required unless `outdated`; with `outdated`, only devices whose golden target it is). */
  imageId?: string;
}

/** A canary of `canary` devices, then waves of `percents` of all devices each, then the rest. */
export interface WaveSpec {
  canary: number;
  percents: number[];
}

export const DEFAULT_WAVES: WaveSpec = { canary: 1, percents: [10] };

/**
 * Sizes of the waves for `deviceCount` devices, in order: the canary (capped to the devices
 * there are), each percent of all devices (rounded up, at least one device), then one wave with
 * the rest. Empty waves are left out; the sizes always add up to `deviceCount`.
 */
export function planWaves(deviceCount: number, spec: WaveSpec): number[] {
  const total = Math.max(0, Math.floor(deviceCount));
  const sizes: number[] = [];
  let left = total;
  const take = (n: number) => {
    const size = Math.min(left, Math.max(0, n));
    if (size > 0) {
      sizes.push(size);
      left -= size;
    }
  };
  take(Math.floor(spec.canary));
  for (const percent of spec.percents) take(Math.max(1, Math.ceil((total * percent) / 100)));
  take(left);
  return sizes;
}

/** The wave (index into `sizes`) that device number `seq` (0-based, in campaign order) belongs to. */
export function waveOf(sizes: readonly number[], seq: number): { index: number; start: number; end: number } {
  let start = 0;
  for (let index = 0; index < sizes.length; index++) {
    const end = start + sizes[index]!;
    if (seq < end) return { index, start, end };
    start = end;
  }
  return { index: sizes.length, start, end: start };
}

/** How many devices may fail before the remaining waves are halted: a count, or a percent of all devices. */
export interface FailureBudget {
  count?: number;
  percent?: number;
}

/** Failures allowed (exceeding it halts): the count, else the percent of `total` rounded down; 0 by default. */
export function allowedFailures(total: number, budget: FailureBudget | undefined): number {
  if (budget?.count !== undefined) return Math.max(0, Math.floor(budget.count));
  if (budget?.percent !== undefined) return Math.max(0, Math.floor((total * budget.percent) / 100));
  return 0;
}

/**
 * Why the campaign must halt after a failure (undefined: it goes on). A failure in the canary
 * wave always halts: the canary exists to stop a bad image before it spreads.
 */
export function haltReason(p: { failures: number; total: number; inCanary: boolean }, budget: FailureBudget | undefined): string | undefined {
  if (p.failures === 0) return undefined;
  if (p.inCanary) return `the canary failed (${p.failures} failure${p.failures === 1 ? '' : 's'}): remaining waves halted`;
  const allowed = allowedFailures(p.total, budget);
  if (p.failures > allowed) return `${p.failures} devices failed, over the failure budget of ${allowed}: remaining waves halted`;
  return undefined;
}

/** `awaiting-approval`: ITSM on, no device starts before the campaign's change is approved; `rejected`: it was not. */
export const CAMPAIGN_STATES = ['awaiting-approval', 'running', 'paused', 'cancelling', 'cancelled', 'halted', 'completed', 'rejected'] as const;
export type CampaignState = (typeof CAMPAIGN_STATES)[number];

/** How one device's part of a campaign ended (`distributed`: a distribute-only plan). */
export const DEVICE_OUTCOMES = ['upgraded', 'already-running', 'distributed', 'failed', 'rolled-back', 'cancelled', 'skipped'] as const;
export type DeviceOutcome = (typeof DEVICE_OUTCOMES)[number];

/** Outcomes that count against the failure budget. */
export function isFailure(outcome: DeviceOutcome): boolean {
  return outcome === 'failed' || outcome === 'rolled-back';
}

/** Devices listed with their reason (failures, skips); beyond this they are only counted. */
export const MAX_LISTED = 100;

export interface DeviceNote {
  hostname: string;
  reason: string;
}

export interface CampaignProgress {
  campaignId: string;
  name: string;
  state: CampaignState;
  /** Devices the campaign covers (skipped ones included). */
  total: number;
  /** Wave sizes in order (the canary first) and the wave being worked on (0-based). */
  waves: number[];
  currentWave: number;
  maxInFlight: number;
  /** Children running now, and their hostnames. */
  inFlight: number;
  inFlightDevices: string[];
  /** Devices per stage: queued (not started), running (a child in flight), and each outcome. */
  stages: { queued: number; running: number } & Record<DeviceOutcome, number>;
  /** Failures (failed + rolled-back) and what the budget allows. */
  failureCount: number;
  allowedFailures: number;
  failures: DeviceNote[];
  skipped: DeviceNote[];
  /** Why the campaign halted, was cancelled or rejected. */
  reason?: string;
  /** ITSM on: the one change the whole campaign runs under, and its decision once made ("approved by …"). */
  change?: { number: string; decision?: string };
  /** Workflow runs so far (continue-as-new keeps each run's history small). */
  runs: number;
}

export function newProgress(p: { campaignId: string; name: string; total: number; waves: number[]; maxInFlight: number; allowedFailures: number }): CampaignProgress {
  return {
    campaignId: p.campaignId,
    name: p.name,
    state: 'running',
    total: p.total,
    waves: p.waves,
    currentWave: 0,
    maxInFlight: p.maxInFlight,
    inFlight: 0,
    inFlightDevices: [],
    stages: { queued: p.total, running: 0, upgraded: 0, 'already-running': 0, distributed: 0, failed: 0, 'rolled-back': 0, cancelled: 0, skipped: 0 },
    failureCount: 0,
    allowedFailures: p.allowedFailures,
    failures: [],
    skipped: [],
    runs: 1,
  };
}

/** A device's child started: queued → running. */
export function markStarted(progress: CampaignProgress, hostname: string): void {
  progress.stages.queued = Math.max(0, progress.stages.queued - 1);
  progress.stages.running++;
  progress.inFlight++;
  if (progress.inFlightDevices.length < MAX_LISTED) progress.inFlightDevices.push(hostname);
}

/** A device ended with `outcome` (from running, or straight from queued when it never started). */
export function markEnded(progress: CampaignProgress, hostname: string, outcome: DeviceOutcome, reason: string | undefined, wasRunning: boolean): void {
  if (wasRunning) {
    progress.stages.running = Math.max(0, progress.stages.running - 1);
    progress.inFlight = Math.max(0, progress.inFlight - 1);
    progress.inFlightDevices = progress.inFlightDevices.filter((h) => h !== hostname);
  } else {
    progress.stages.queued = Math.max(0, progress.stages.queued - 1);
  }
  progress.stages[outcome]++;
  const note = { hostname, reason: (reason ?? outcome).slice(0, 500) };
  if (isFailure(outcome)) {
    progress.failureCount++;
    if (progress.failures.length < MAX_LISTED) progress.failures.push(note);
  } else if (outcome === 'skipped' && progress.skipped.length < MAX_LISTED) {
    progress.skipped.push(note);
  }
}

/** Why an operator action cannot be done in `state` (undefined: it can). */
export function pauseRefusal(state: CampaignState): string | undefined {
  return state === 'running' ? undefined : `the campaign is ${state}: only a running campaign can be paused`;
}

export function resumeRefusal(state: CampaignState): string | undefined {
  return state === 'paused' ? undefined : `the campaign is ${state}: only a paused campaign can be resumed`;
}

export function cancelRefusal(state: CampaignState): string | undefined {
  return state === 'running' || state === 'paused' || state === 'awaiting-approval' ? undefined : `the campaign is ${state}: there is nothing left to cancel`;
}

/**
 * What to write back to the campaign's change when it is over: implemented only when every
 * device ended well; a halt or any failure is failed; a cancelled campaign is canceled. The work
 * notes count the devices by outcome.
 */
export function campaignChangeOutcome(progress: CampaignProgress): { state: ChangeOutcomeState; workNotes: string } {
  const state: ChangeOutcomeState = progress.state === 'cancelled' ? 'canceled' : progress.state === 'completed' && progress.failureCount === 0 ? 'implemented' : 'failed';
  const why = progress.reason ? ` (${progress.reason})` : '';
  return { state, workNotes: `netswim: campaign ${progress.name} ${progress.state}${why}: ${deviceCounts(progress)}` };
}

/**
 * What to write back when the campaign's workflow ended without finishing its waves: failed by
 * an error (its records could not be read, say), or canceled when the workflow itself was.
 */
export function campaignErrorOutcome(progress: CampaignProgress, reason: string, cancelled: boolean): { state: ChangeOutcomeState; workNotes: string } {
  const how = cancelled ? 'workflow cancelled' : 'stopped by an error';
  return { state: cancelled ? 'canceled' : 'failed', workNotes: `netswim: campaign ${progress.name} ${how} (${reason}): ${deviceCounts(progress)}` };
}

/** "2 upgraded, 1 failed of 5": the devices by outcome so far. */
function deviceCounts(progress: CampaignProgress): string {
  const s = progress.stages;
  const counts = DEVICE_OUTCOMES.filter((o) => s[o] > 0).map((o) => `${s[o]} ${o}`);
  return `${counts.join(', ') || 'no device'} of ${progress.total}`;
}
