// The device upgrade's shared vocabulary: inputs, stages, status and the pure decisions the
// workflow makes on what activities report. No secrets ever appear in these types.
import type { FlashListing } from './parsers/dir-flash.ts';
import { sameVersion } from './version.ts';
import { driverFor, type ActivationMethod, type OsFamily } from '../drivers/index.ts';
import type { PrecheckName } from './prechecks/types.ts';
import type { UpgradePlan } from './plan.ts';
import type { HealthSnapshot, PostcheckDiff } from './postchecks.ts';

export const UPGRADE_STAGES = [
  'queued',
  'scheduled',
  'approval',
  'inventory',
  'precheck',
  'cleanup',
  'distribute',
  'waiting',
  'activate',
  'reload',
  'verify',
  'postcheck',
  'rollback',
  'done',
  'failed',
] as const;
export type UpgradeStage = (typeof UPGRADE_STAGES)[number];

/** What the workflow knows about the image: a reference plus the facts it decides on. */
export interface ImageRef {
  imageId: string;
  fileName: string;
  version: string;
  sizeBytes: number;
  md5: string;
  sha256: string;
}

export interface DeviceRef {
  deviceId: string;
  hostname: string;
  site: string;
}

export interface UpgradeInput {
  device: DeviceRef;
  image: ImageRef;
  /** How long to wait for the device after reload before declaring it lost. */
  reloadTimeoutSeconds?: number;
  /** Readiness checks turned off for this run (their results say `skipped`). */
  disabledChecks?: PrecheckName[];
  /** Boot the previous image again when activation or the postchecks fail (default true). */
  rollbackOnFailure?: boolean;
  /** Install the image even when it is older than what the device runs (default false: refused). */
  allowDowngrade?: boolean;
  /**
   * Golden add-ons (SMUs; AP packs on wireless controllers) of `image` that apply to the device,
   * resolved when the upgrade was requested: activated one by one once the image runs.
   */
  addOns?: ImageRef[];
  /**
   * NX-OS with separate images (Nexus 3000 on 6.x, 5000, 6000): the kickstart image of `image`'s
   * release, copied and verified with it and installed with `install all kickstart … system …`.
   */
  kickstart?: ImageRef;
  /** When to distribute and when to activate (default: both now). Reschedulable while it waits. */
  plan?: UpgradePlan;
  /** The campaign this upgrade belongs to, if any (search attribute NetswimCampaign). */
  campaignId?: string;
  /**
   * ITSM on: the upgrade needs an approved change before it changes the device. With
   * `changeNumber` (a campaign's change) it waits for that change's decision; without, it opens a
   * change itself. No decision within `timeoutSeconds` cancels the upgrade.
   */
  approval?: { changeNumber?: string; timeoutSeconds: number; recheckSeconds?: number };
  /**
   * ITSM on, in a campaign: the change the campaign waited for and had approved before it started
   * this upgrade. Shown in the upgrade's status; nothing waits on it any more.
   */
  approvedChange?: string;
}

export type { OsFamily } from '../drivers/index.ts';

export interface DeviceInventory {
  hostname: string;
  version: string;
  runningImage: string;
  /**
   * The running image's path on its file system when it sits in a directory (Catalyst access
   * switches: `c2960x-universalk9-mz.152-2.E7/c2960x-universalk9-mz.152-2.E7.bin`).
   */
  runningImagePath?: string;
  os: OsFamily;
  /** NX-OS with separate images: the kickstart image file it booted (show version's `kickstart image file is:`). */
  kickstartImage?: string;
  /** IOS-XE: INSTALL boots packages.conf, BUNDLE a .bin. */
  installMode?: 'INSTALL' | 'BUNDLE';
  uptimeSeconds: number;
  /** The unit the device prints its uptime in (60 when absent: IOS's minutes). */
  uptimeResolutionSeconds?: number;
  configRegister?: string;
  bootVariables: string[];
  flash: FlashListing;
  /** IOS-XE INSTALL mode: add-on files (SMUs, AP packs) `show install summary` lists as active. */
  activeAddOns?: string[];
  /** Unix ms at which the activity read the uptime (activities may read clocks; workflows may not). */
  observedAtMs: number;
}

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skipped';

export interface CheckResult {
  name: string;
  status: CheckStatus;
  reason: string;
  commands: string[];
  /** What the device printed for those commands. */
  output?: string;
}

export interface UpgradeEvent {
  stage: UpgradeStage;
  message: string;
  /** Workflow time (ISO) the event happened: the task's timings. */
  at?: string;
}

export type UpgradeOutcome = 'upgraded' | 'already-running' | 'distributed' | 'failed' | 'rolled-back';

export interface UpgradeStatus {
  stage: UpgradeStage;
  /** 0-100, for people watching; derived from the stage and the transfer progress. */
  percent: number;
  device: string;
  targetVersion: string;
  fromVersion?: string;
  checks: CheckResult[];
  events: UpgradeEvent[];
  outcome?: UpgradeOutcome;
  error?: string;
  /** ITSM: the change this upgrade waits for, or waited for. */
  change?: string;
  /** The plan in force (it can be rescheduled while the upgrade waits). */
  plan?: UpgradePlan;
  /** Health before activation and after it, and how they compare. */
  health?: { pre?: HealthSnapshot; post?: HealthSnapshot };
  diff?: PostcheckDiff;
  /** Golden add-ons that come with the image (file names), and those this upgrade activated. */
  addOns?: string[];
  addOnsActivated?: string[];
  /** The image is older than what the device ran: an allowed downgrade. */
  downgrade?: boolean;
}

export interface UpgradeResult {
  outcome: UpgradeOutcome;
  device: string;
  fromVersion: string;
  toVersion: string;
  runningImage: string;
  /** NX-OS with separate images: the kickstart image the device runs at the end. */
  kickstartImage?: string;
  bootVariables: string[];
  checks: CheckResult[];
  /** Golden add-ons this upgrade activated (file names), in order. */
  addOnsActivated: string[];
  /** Golden add-ons that were already active on the device. */
  addOnsAlreadyActive: string[];
  /** The image was older than what the device ran (allowed by allowDowngrade). */
  downgrade?: boolean;
  error?: string;
}

const STAGE_PERCENT: Record<UpgradeStage, number> = {
  queued: 0,
  scheduled: 0,
  approval: 0,
  inventory: 5,
  precheck: 10,
  cleanup: 12,
  distribute: 15,
  waiting: 55,
  activate: 60,
  reload: 70,
  verify: 90,
  postcheck: 95,
  rollback: 95,
  done: 100,
  failed: 100,
};

export function stagePercent(stage: UpgradeStage): number {
  return STAGE_PERCENT[stage];
}

/** Percent of the whole upgrade while the distribute stage has copied `fraction` of the image. */
export function distributePercent(fraction: number): number {
  const clamped = Math.min(1, Math.max(0, fraction));
  return Math.round(STAGE_PERCENT.distribute + clamped * (STAGE_PERCENT.activate - STAGE_PERCENT.distribute));
}

export function imageOnFlash(flash: FlashListing, image: ImageRef): boolean {
  return flash.files.some((f) => !f.isDirectory && f.name === image.fileName && f.size === image.sizeBytes);
}

/** Where the running image is on its file system: its directory too, so a boot entry finds it. */
export function runningImagePathOf(device: Pick<DeviceInventory, 'runningImage' | 'runningImagePath'>): string {
  return device.runningImagePath ?? device.runningImage;
}

/** Boot list after activation: the new image first, the running image (its path) kept as fallback. */
export function plannedBootVariables(filesystem: string, image: ImageRef, runningImage: string): string[] {
  const target = `${filesystem}:${image.fileName}`;
  const fallback = `${filesystem}:${runningImage}`;
  return fallback === target ? [target] : [target, fallback];
}

/**
 * Whether the device booted again since `before` was observed: its uptime is shorter than the
 * time that has passed would allow without a reload. The slack is the unit the uptime is printed
 * in (IOS prints minutes, so a device that reloaded within a minute of `before` cannot be told
 * from its uptime alone: see alreadyReloaded) plus 10 s for the time a `show version` takes.
 */
export function rebootedSince(before: DeviceInventory, now: { uptimeSeconds: number; observedAtMs: number; uptimeResolutionSeconds?: number }): boolean {
  const elapsedSeconds = (now.observedAtMs - before.observedAtMs) / 1000;
  const slack = Math.max(before.uptimeResolutionSeconds ?? 60, now.uptimeResolutionSeconds ?? 60) + 10;
  return now.uptimeSeconds + slack < before.uptimeSeconds + elapsedSeconds;
}

/** What a device shows when netswim is about to send (again) a command that reloads it. */
export interface ReloadEvidence {
  before: DeviceInventory;
  now: { uptimeSeconds: number; observedAtMs: number; uptimeResolutionSeconds?: number };
  /** The device already shows what the activation was to bring about (the target runs, the add-on is active), which it did not before. */
  effectVisible?: boolean;
  /** The reload marker netswim put into the running configuration: undefined when none was armed. */
  markerPresent?: boolean;
}

/**
 * Whether a command that reloads the device has already taken effect (a retried step after the
 * reload went out), with the proof; undefined when nothing shows it, and only then may it be sent.
 * Each proof is one a device that did not reload cannot show: the activation's effect, the unsaved
 * marker gone (only a reload drops the running configuration), or an uptime that restarted.
 */
export function alreadyReloaded(evidence: ReloadEvidence): string | undefined {
  if (evidence.effectVisible) return 'the device already shows the activation\'s result';
  if (evidence.markerPresent === false) return 'the reload marker netswim put into the running configuration is gone';
  if (rebootedSince(evidence.before, evidence.now)) return 'its uptime restarted';
  return undefined;
}

export type { ActivationMethod } from '../drivers/index.ts';

/**
 * How a device takes a new image, as its driver says: the boot variable and a reload (bundle
 * mode, classic IOS); `install add file … activate commit` (IOS-XE INSTALL mode); `install all
 * nxos …` (NX-OS). The two install commands reload the device by themselves.
 */
export function activationMethodOf(device: Pick<DeviceInventory, 'os' | 'installMode'>): ActivationMethod {
  return driverFor(device.os).activationMethod(device.installMode);
}

/**
 * Whether the device runs `image`: the same version and, unless it boots packages.conf (INSTALL
 * mode, where the bundle was expanded into packages), the same file.
 */
export function runsTarget(device: Pick<DeviceInventory, 'version' | 'runningImage' | 'installMode'>, image: Pick<ImageRef, 'fileName' | 'version'>): boolean {
  if (!sameVersion(device.version, image.version)) return false;
  return device.installMode === 'INSTALL' && /\.conf$/i.test(device.runningImage) ? true : device.runningImage === image.fileName;
}

/**
 * Whether the device runs the pair: the system image (runsTarget) and, where a kickstart is part of
 * the upgrade, that kickstart file too; without one, the device must boot no kickstart at all.
 */
export function runsPair(device: Pick<DeviceInventory, 'version' | 'runningImage' | 'installMode' | 'kickstartImage'>, image: Pick<ImageRef, 'fileName' | 'version'>, kickstart: Pick<ImageRef, 'fileName'> | undefined): boolean {
  return runsTarget(device, image) && device.kickstartImage === kickstart?.fileName;
}

/** The add-ons the device does not show as active (`show install summary`), in their order. */
export function missingAddOns(device: Pick<DeviceInventory, 'activeAddOns'>, addOns: readonly ImageRef[]): ImageRef[] {
  const active = new Set(device.activeAddOns ?? []);
  return addOns.filter((a) => !active.has(a.fileName));
}
