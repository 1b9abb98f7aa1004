// Activities of the device upgrade: each one talks to one device over SSH and is safe to retry.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { findCliError } from '../domain/parsers/cli-error.ts';
import { parseDirFlash } from '../domain/parsers/dir-flash.ts';
import { activeAddOnFiles, parseInstallSummary } from '../domain/parsers/install-summary.ts';
import { DeviceOutputError } from '../domain/parsers/parse-error.ts';
import { bootImageOf, fileNameOfImage, imagePathOf, parseShowVersion } from '../domain/parsers/show-version.ts';
import { parseVerifyMd5 } from '../domain/parsers/verify-md5.ts';
import { activationMethodOf, alreadyReloaded, rebootedSince, runsTarget, type ActivationMethod, type CheckResult, type DeviceInventory, type ImageRef } from '../domain/upgrade.ts';
import type { Logger } from '../runtime/logger.ts';
import type { Queryable } from '../store/database.ts';
import type { SecretBox } from '../store/secret-box.ts';
import { CliSession, DeviceUnreachableError, SessionClosedError, withCliSession, type CliTarget } from './cli-session.ts';
import { DELETE_QUESTIONS } from './cli-dialogues.ts';
import { asActivityFailure, onDevice, resolveCliTarget } from './device-target.ts';
import { HostKeyMismatchError } from './host-key.ts';
import { cleanupFlash, type CleanupOutcome, type CleanupRequest } from './flash-cleanup.ts';
import { runActivation } from './activation.ts';
import { armReloadMarker, markersPresent, removeReloadMarkers } from './reload-marker.ts';
import { driverFor, driverOfShowVersion } from '../drivers/index.ts';
import { localFilesystemOfImage } from '../drivers/filesystem.ts';
import { readBootList } from './boot-list.ts';
import { runPrechecks, SCP_COPY_QUESTIONS, type PrecheckRequest } from './prechecks.ts';
import { applicableCustomChecks, captureHealth, needsDevice, type HealthCapture, type HealthRequest } from './health.ts';
import type { PrecheckResult } from '../domain/prechecks.ts';
import { scpServiceUrl, type ScpServiceAccess } from '../distribution/scp-service.ts';
import { deviceSourceUrl } from '../distribution/site-servers.ts';
import type { ImageStore } from '../images/image-store.ts';
import { getDevice } from '../store/devices.ts';
import { scrubSecret, siteServersOf, type SiteDistributionActivities } from './site-distribution.ts';

export interface UpgradeActivityDeps {
  db: Queryable;
  secretBox: SecretBox;
  /** Image bytes, staged from here onto the sites' distribution servers. */
  imageStore: ImageStore;
  /** Base URL devices use to fetch images from netswim's image service. */
  imageServiceUrl: string;
  /** netswim's SCP service (the HTTP(S) fallback), password included; absent when it is off. */
  scpService?: ScpServiceAccess;
  logger: Logger;
}

export interface DistributeRequest {
  deviceId: string;
  image: ImageRef;
  filesystem: string;
  /** Then run the custom checks that apply after distribution, in the same session (their results in `custom`). */
  customChecksAfter?: boolean;
}

export interface DistributeResult {
  copied: boolean;
  md5: string;
  seconds: number;
  /** Where the device copied the image from (display URL, password as ***); absent when it was already on flash. */
  source?: string;
  /** Each source considered, in order, with why it was not used (display URLs only). */
  attempts: DistributeAttempt[];
  /** The custom checks after distribution, when the request asked for them. */
  custom?: CheckResult[];
}

export interface DistributeAttempt {
  source: string;
  error?: string;
}

/** A URL a device can copy the image from; `url` may carry a password and never leaves the activity. */
interface CopySource {
  url: string;
  display: string;
  password?: string;
}

/** The text with a source's URL shown in display form and its password masked. */
function scrub(text: string, source: CopySource): string {
  return scrubSecret(text.split(source.url).join(source.display), source.password);
}

/** An error thrown while the copy ran, rebuilt from its scrubbed message (the stack would carry the original). */
function scrubbedFailure(error: unknown, source: CopySource): unknown {
  if (!(error instanceof Error) || error instanceof ApplicationFailure) return error;
  return ApplicationFailure.create({ message: scrub(error.message, source), type: error.name });
}

export interface TransferProgress {
  phase: 'checking' | 'copying' | 'verifying';
  bytes: number;
  totalBytes: number;
  percent: number;
}

export type ReloadOutcome = 'sent' | 'already-rebooted' | 'unreachable';

/**
 * IOS prints one `!` per block received during `copy`. The block size is not part of the
 * protocol; 64 KiB matches the lab and is close to what devices show, so the figure is an
 * estimate and is capped below 100 % until the copy reports its byte count.
 */
const BYTES_PER_PROGRESS_MARK = 64 * 1024;

/** The `!` marks in a chunk of copy output (called for every chunk of a long copy: no allocation). */
function countMarks(chunk: string): number {
  let marks = 0;
  for (let i = chunk.indexOf('!'); i !== -1; i = chunk.indexOf('!', i + 1)) marks++;
  return marks;
}


/**
 * The image the device runs (`<fs>:<path>`): the one `show version` names, else (EOS) the one its
 * driver finds on the boot file system's listing; a refusal naming what is missing otherwise.
 */
async function runningImageOn(session: CliSession, versionOutput: string): Promise<string> {
  const version = parseShowVersion(versionOutput);
  if (version.systemImage) return version.systemImage;
  const driver = driverOfShowVersion(versionOutput);
  const filesystem = driver.bootFilesystemOf(version);
  const flash = { ...parseDirFlash(await session.run(`dir ${filesystem}:`)), filesystem };
  return bootImageOf({ ...version, systemImage: driver.runningImageOf(version, flash) });
}

async function readState(session: CliSession): Promise<DeviceInventory> {
  const observedAtMs = Date.now();
  const versionOutput = await session.run('show version');
  const version = parseShowVersion(versionOutput);
  const driver = driverOfShowVersion(versionOutput);
  const os = driver.os;
  const filesystem = driver.bootFilesystemOf(version);
  // NX-OS `dir` has no "Directory of" header: the file system is the one we listed.
  const flash = { ...parseDirFlash(await session.run(`dir ${filesystem}:`)), filesystem };
  const boot = await readBootList(session, driver);
  const running = bootImageOf({ ...version, systemImage: driver.runningImageOf(version, flash) });
  const inventory: DeviceInventory = {
    // EOS names no host in `show version`: its prompt does.
    hostname: version.hostname ?? session.hostname,
    version: version.version,
    runningImage: fileNameOfImage(running),
    // Only for an image on the device's own file system: a TFTP boot source's path is no boot entry on flash.
    ...(localFilesystemOfImage(running) && imagePathOf(running).includes('/') ? { runningImagePath: imagePathOf(running) } : {}),
    os,
    ...(version.kickstartImage ? { kickstartImage: fileNameOfImage(version.kickstartImage) } : {}),
    uptimeSeconds: version.uptimeSeconds,
    uptimeResolutionSeconds: version.uptimeResolutionSeconds,
    bootVariables: boot.next,
    flash,
    observedAtMs,
  };
  if (version.configRegister) inventory.configRegister = version.configRegister;
  if (version.installMode) inventory.installMode = version.installMode;
  if (driver.activationMethod(version.installMode) === 'install-add-activate-commit') {
    const activeAddOns = await readActiveAddOns(session);
    if (activeAddOns) inventory.activeAddOns = activeAddOns;
  }
  return inventory;
}

/**
 * INSTALL mode: the SMUs and AP packs `show install summary` lists as active; undefined when the
 * device refuses the command or prints something else (then nothing is known to be active).
 */
async function readActiveAddOns(session: CliSession): Promise<string[] | undefined> {
  const output = await session.run('show install summary');
  if (findCliError(output)) return undefined;
  try {
    return activeAddOnFiles(parseInstallSummary(output));
  } catch (error) {
    if (error instanceof DeviceOutputError) return undefined;
    throw error;
  }
}

/** Heartbeats `details()` every few seconds until stopped; long device commands stay visibly alive. */
function keepHeartbeating(details: () => unknown, everyMs = 2_000): () => void {
  const ctx = Context.current();
  ctx.heartbeat(details());
  const timer = setInterval(() => ctx.heartbeat(details()), everyMs);
  return () => clearInterval(timer);
}

/** Closes the session when Temporal cancels the activity, so a cancelled copy stops at once. */
function closeOnCancel(session: CliSession): () => void {
  const signal = Context.current().cancellationSignal;
  const onAbort = () => session.close();
  signal.addEventListener('abort', onAbort);
  return () => signal.removeEventListener('abort', onAbort);
}

async function md5OnDevice(session: CliSession, path: string): Promise<string> {
  const output = await session.run(`verify /md5 ${path}`, { timeoutMs: 10 * 60_000 });
  const error = findCliError(output);
  if (error) throw new Error(`verify /md5 ${path} failed: ${error}`);
  return parseVerifyMd5(output);
}

/** A file on flash and the MD5 the repository has for it: checked again right before it is activated. */
export interface ImageOnFlash {
  path: string;
  md5: string;
}

/**
 * Hashes the file on the device once more right before it becomes the boot image: flash can
 * change between the copy's verification and a planned activation hours later. A file that no
 * longer matches is deleted (never the running image) and nothing is activated.
 */
async function verifyBeforeActivation(session: CliSession, image: ImageOnFlash): Promise<void> {
  const md5 = await md5OnDevice(session, image.path);
  if (md5 === image.md5) return;
  const running = fileNameOfImage(await runningImageOn(session, await session.run('show version')));
  const deleted = fileNameOfImage(image.path) !== running;
  if (deleted) await session.run(`delete /force ${image.path}`, { answers: DELETE_QUESTIONS });
  throw ApplicationFailure.nonRetryable(
    `${image.path} changed on flash since it was verified: the device computes MD5 ${md5}, the repository has ${image.md5}; nothing was activated${deleted ? ' and the corrupt file was deleted' : ''}`,
    'ChecksumMismatch',
  );
}

/** What a reloading step is for, so a retry can see that it already happened. */
export interface ReloadRequest {
  deviceId: string;
  before: DeviceInventory;
  /** The reload marker armed in the running configuration for this reload (armReloadMarker). */
  marker?: string;
  /** What the device runs once the reload has taken effect. */
  expect?: { fileName: string; version: string };
  /** The add-on `show install summary` lists as active once the activation has taken effect. */
  expectAddOn?: string;
}

export function createUpgradeActivities(deps: UpgradeActivityDeps) {
  const target = (deviceId: string): Promise<CliTarget> => resolveCliTarget(deps.db, deps.secretBox, deviceId);

  /**
   * Where the device copies from, in order: its site's primary server, the secondary,
   * netswim's image service, then netswim's SCP service (for devices without HTTP(S)). A server the device may not use (the wireless controllers' root
   * location limit) is left out, its reason recorded in `attempts`.
   */
  async function copySources(deviceId: string, image: ImageRef, attempts: DistributeAttempt[]): Promise<CopySource[]> {
    const sources: CopySource[] = [];
    const device = await getDevice(deps.db, deviceId);
    for (const s of device ? await siteServersOf(deps.db, deps.secretBox, device) : []) {
      try {
        const { url, display } = deviceSourceUrl(s.server, image.fileName);
        if (s.refusal) attempts.push({ source: display, error: `not used: ${s.refusal}` });
        else sources.push({ url, display, ...(s.server.password ? { password: s.server.password } : {}) });
      } catch (error) {
        attempts.push({ source: `${s.role} server ${s.name}`, error: scrubSecret((error as Error).message, s.server.password) });
      }
    }
    const service = `${deps.imageServiceUrl}/images/${image.sha256}/${image.fileName}`;
    sources.push({ url: service, display: service });
    if (deps.scpService) {
      const { url, display } = scpServiceUrl(deps.scpService, `/images/${image.sha256}/${image.fileName}`);
      sources.push({ url, display, password: deps.scpService.password });
    }
    return sources;
  }

  /**
   * Runs `reloading` (a command that reloads the device) unless the device shows that it already
   * reloaded since `before` (alreadyReloaded: the activation's effect, the marker gone, the uptime
   * restarted) or cannot be reached: a retried step never reloads the device a second time.
   */
  async function onceSinceBefore(request: ReloadRequest, reloading: (session: CliSession) => Promise<void>): Promise<ReloadOutcome> {
    let session: CliSession;
    try {
      session = await CliSession.open(await target(request.deviceId), { connectTimeoutMs: 10_000 });
    } catch (error) {
      if (error instanceof DeviceUnreachableError) return 'unreachable';
      throw asActivityFailure(error);
    }
    try {
      const observedAtMs = Date.now();
      const versionOutput = await session.run('show version');
      const version = parseShowVersion(versionOutput);
      const now = { version: version.version, runningImage: fileNameOfImage(await runningImageOn(session, versionOutput)), ...(version.installMode ? { installMode: version.installMode } : {}) };
      let effectVisible = request.expect !== undefined && runsTarget(now, request.expect) && !runsTarget(request.before, request.expect);
      if (!effectVisible && request.expectAddOn && !(request.before.activeAddOns ?? []).includes(request.expectAddOn)) {
        effectVisible = (await readActiveAddOns(session))?.includes(request.expectAddOn) ?? false;
      }
      const markerPresent = request.marker ? (await markersPresent(session, driverFor(request.before.os).aliasCommand)).includes(request.marker) : undefined;
      const proof = alreadyReloaded({
        before: request.before,
        now: { uptimeSeconds: version.uptimeSeconds, uptimeResolutionSeconds: version.uptimeResolutionSeconds, observedAtMs },
        effectVisible,
        ...(markerPresent !== undefined ? { markerPresent } : {}),
      });
      if (proof) {
        deps.logger.info('not reloading again: the device already reloaded', { device: request.before.hostname, proof });
        return 'already-rebooted';
      }
      await reloading(session);
      return 'sent';
    } finally {
      session.close();
    }
  }

  return {
    /** Reads `show version`, `dir flash:` and the boot variables. Read-only. */
    async readInventory(deviceId: string): Promise<DeviceInventory> {
      return onDevice(await target(deviceId), readState);
    },

    /** The readiness prechecks (domain/prechecks): pass / warn / fail / skipped, each with its CLI and output. */
    async runReadinessPrechecks(request: PrecheckRequest): Promise<PrecheckResult[]> {
      return onDevice(await target(request.deviceId), (session) => runPrechecks(session, request, deps.imageServiceUrl, deps.scpService));
    },

    /**
     * The readiness prechecks and then the custom checks that apply before distribution, in one
     * session and one activity (runReadinessPrechecks + captureHealth(pre, distribution) did it in
     * two: kept for the histories of upgrades started before).
     */
    async checkReadiness(request: PrecheckRequest): Promise<{ checks: PrecheckResult[]; custom: CheckResult[] }> {
      const customChecks = await applicableCustomChecks(deps.db, { deviceId: request.deviceId, phase: 'pre', stage: 'distribution' });
      return onDevice(await target(request.deviceId), async (session) => {
        const checks = await runPrechecks(session, request, deps.imageServiceUrl, deps.scpService);
        const { custom } = await captureHealth(session, customChecks, { deviceId: request.deviceId, phase: 'pre', stage: 'distribution' });
        return { checks, custom };
      });
    },

    /** CPU, routes, interfaces and custom checks, the same before and after activation. Read-only. */
    async captureHealth(request: HealthRequest): Promise<HealthCapture> {
      const checks = await applicableCustomChecks(deps.db, request);
      // Around distribution without custom checks there is nothing to read: no SSH session.
      if (!needsDevice(request, checks)) return { custom: [] };
      return onDevice(await target(request.deviceId), (session) => captureHealth(session, checks, request));
    },

    /** Deletes unused image files until the new image fits; each deletion is audited. */
    async cleanupFlash(request: CleanupRequest): Promise<CleanupOutcome> {
      return onDevice(await target(request.deviceId), (session) => cleanupFlash(session, deps.db, request));
    },

    /**
     * Puts the image into the device's flash — from its site's primary distribution server, else
     * the secondary, else netswim's image service, else its SCP service (copySources; credentials stay in here) — and
     * proves it with `verify /md5`. Skips the copy when the file is already there with the right MD5; a file
     * that arrives with the wrong MD5 is deleted and the attempt fails (Temporal retries it).
     */
    async distributeImage(request: DistributeRequest): Promise<DistributeResult> {
      const { image, filesystem } = request;
      const started = Date.now();
      const path = `${filesystem}:${image.fileName}`;
      const progress: TransferProgress = { phase: 'checking', bytes: 0, totalBytes: image.sizeBytes, percent: 0 };
      const attempts: DistributeAttempt[] = [];
      const sources = await copySources(request.deviceId, image, attempts);
      const checksAfter = request.customChecksAfter ? await applicableCustomChecks(deps.db, { deviceId: request.deviceId, phase: 'post', stage: 'distribution' }) : undefined;
      const stopHeartbeat = keepHeartbeating(() => progress);
      try {
        return await onDevice(await target(request.deviceId), async (session) => {
          const stopCancel = closeOnCancel(session);
          // Puts the file on flash (or finds it there), MD5 verified.
          const putOnFlash = async (): Promise<DistributeResult> => {
            // Only the file system's listing: whether the file is there already (a retry, an
            // earlier distribution). The running image matters only when that file is wrong.
            const flash = parseDirFlash(await session.run(`dir ${filesystem}:`));
            const present = flash.files.find((f) => f.name === image.fileName);
            if (present) {
              progress.phase = 'verifying';
              const md5 = await md5OnDevice(session, path);
              if (md5 === image.md5) return { copied: false, md5, seconds: (Date.now() - started) / 1000, attempts };
              if (image.fileName === fileNameOfImage(await runningImageOn(session, await session.run('show version')))) {
                throw ApplicationFailure.nonRetryable(
                  `${path} is the running image but its MD5 ${md5} differs from the repository's ${image.md5}; refusing to overwrite it`,
                  'RunningImageConflict',
                );
              }
            }

            progress.phase = 'copying';
            // Sources in order: the site's primary, its secondary, netswim's image service, netswim's SCP service. A copy
            // the device refuses (CLI error) moves on to the next; the last error fails the attempt.
            let source: CopySource | undefined;
            let lastError: { message: string; type: string } | undefined;
            for (const candidate of sources) {
              let marks = 0;
              progress.bytes = 0;
              progress.percent = 0;
              let output: string;
              try {
                output = await session.run(`copy ${candidate.url} ${filesystem}:`, {
                  timeoutMs: 2 * 60 * 60_000,
                  // SCP sources ask for the host, user and file names too (the URL answers them).
                  answers: SCP_COPY_QUESTIONS,
                  onOutput: (chunk) => {
                    marks += countMarks(chunk);
                    progress.bytes = Math.min(image.sizeBytes, marks * BYTES_PER_PROGRESS_MARK);
                    progress.percent = Math.min(99, Math.floor((100 * progress.bytes) / image.sizeBytes));
                  },
                });
              } catch (error) {
                // Timeouts and dropped sessions name the command: the URL may carry a password.
                throw scrubbedFailure(error, candidate);
              }
              const copyError = findCliError(output);
              if (!copyError) {
                source = candidate;
                attempts.push({ source: candidate.display });
                break;
              }
              const message = `copy from ${candidate.display} to ${path} failed: ${scrub(copyError, candidate)}`;
              attempts.push({ source: candidate.display, error: message });
              const type = /space/i.test(copyError) ? 'InsufficientFlash' : 'CopyFailed';
              lastError = { message, type };
              // No room is no room, whatever the source.
              if (type === 'InsufficientFlash') break;
              deps.logger.warn('copy from a source failed; trying the next', { device: session.hostname, source: candidate.display, error: message });
            }
            if (!source) {
              const { message, type } = lastError ?? { message: `copy to ${path} failed: no source`, type: 'CopyFailed' };
              const tried = attempts.length > 1 ? ` (tried ${attempts.map((a) => a.source).join(', ')})` : '';
              throw ApplicationFailure.create({ message: `${message}${tried}`, type, nonRetryable: type === 'InsufficientFlash', details: [attempts] });
            }
            progress.bytes = image.sizeBytes;
            progress.percent = 100;

            progress.phase = 'verifying';
            const md5 = await md5OnDevice(session, path);
            if (md5 !== image.md5) {
              // A corrupt file must not stay where a boot statement could pick it up.
              await session.run(`delete /force ${path}`, { answers: DELETE_QUESTIONS });
              throw ApplicationFailure.retryable(
                `MD5 mismatch after copy: device computed ${md5} for ${path}, repository has ${image.md5}; the corrupt file was deleted`,
                'ChecksumMismatch',
              );
            }
            deps.logger.info('image distributed', { device: session.hostname, file: image.fileName, bytes: image.sizeBytes, source: source.display });
            return { copied: true, md5, seconds: (Date.now() - started) / 1000, source: source.display, attempts };
          };
          try {
            const result = await putOnFlash();
            if (!checksAfter) return result;
            const { custom } = await captureHealth(session, checksAfter, { deviceId: request.deviceId, phase: 'post', stage: 'distribution' });
            return { ...result, custom };
          } finally {
            stopCancel();
          }
        });
      } finally {
        stopHeartbeat();
      }
    },

    /**
     * Sets the boot list (new image first, fallback after) and saves it. Idempotent. With
     * `verifyImage`, the new image is hashed first and nothing changes when it no longer matches.
     * Any failure after the change puts the boot list the device had back, saved.
     */
    async setBootVariables(request: { deviceId: string; bootVariables: string[]; verifyImage?: ImageOnFlash }): Promise<string[]> {
      return onDevice(await target(request.deviceId), async (session) => {
        if (request.verifyImage) await verifyBeforeActivation(session, request.verifyImage);
        const driver = driverOfShowVersion(await session.run('show version'));
        const original = (await readBootList(session, driver)).next;
        const apply = async (list: string[]): Promise<string[]> => {
          const commands = ['configure terminal', 'no boot system', ...list.map((b) => `boot system ${b}`), 'end'];
          for (const command of commands) {
            const error = findCliError(await session.run(command));
            if (error) throw ApplicationFailure.nonRetryable(`"${command}" was refused: ${error}`, 'ConfigRejected');
          }
          // A reload marker left by an earlier step must never reach the startup configuration.
          await removeReloadMarkers(session, driver.aliasCommand);
          const saved = await session.run('write memory', { timeoutMs: 120_000 });
          if (!driver.saveConfirmed.test(saved)) throw new Error(`write memory did not confirm: ${saved.trim()}`);
          const boot = (await readBootList(session, driver)).next;
          if (boot.join(';') !== list.join(';')) {
            throw ApplicationFailure.nonRetryable(`boot variable is ${boot.join(';') || 'empty'} after saving, expected ${list.join(';')}`, 'BootVariableMismatch');
          }
          return boot;
        };
        try {
          return await apply(request.bootVariables);
        } catch (error) {
          if (original.join(';') !== request.bootVariables.join(';') && !session.isClosed) {
            try {
              await apply(original);
              deps.logger.warn('boot variables put back after a failed change', { device: session.hostname, bootVariables: original });
            } catch (restoreError) {
              deps.logger.error('boot variables could not be put back', { device: session.hostname, error: (restoreError as Error).message });
            }
          }
          throw error;
        }
      });
    },

    /**
     * Puts the reload marker into the running configuration (reload-marker.ts) right before
     * sendReload; false where the platform keeps none (its uptime is precise enough).
     */
    async armReloadMarker(request: { deviceId: string; marker: string }): Promise<boolean> {
      try {
        return await onDevice(await target(request.deviceId), async (session) => {
          const driver = driverOfShowVersion(await session.run('show version'));
          if (!driver.keepsReloadMarker) return false;
          await armReloadMarker(session, request.marker, driver.aliasCommand);
          return true;
        });
      } catch (error) {
        // Unreachable now: no marker, and sendReload decides as it did without one (it waits for the device).
        if (error instanceof DeviceUnreachableError) return false;
        throw error;
      }
    },

    /**
     * Sends `reload` unless the device already rebooted since `before` (a retry after the
     * reload went out) or cannot be reached (it is probably reloading): one upgrade never
     * reloads a device twice.
     */
    async sendReload(request: ReloadRequest): Promise<ReloadOutcome> {
      return onceSinceBefore(request, async (session) => {
        await session.run('reload', {
          expectClose: true,
          timeoutMs: 120_000,
          // The configuration was saved by setBootVariables; anything changed since is not ours to save.
          answers: [...driverFor(request.before.os).reloadAnswers],
        });
        deps.logger.info('reload sent', { device: request.before.hostname });
      });
    },

    /**
     * INSTALL mode and NX-OS: the install command that activates the image and reloads the device,
     * under the same rule as sendReload: never when the device already rebooted since `before`.
     */
    async sendActivation(
      request: ReloadRequest & { method: Exclude<ActivationMethod, 'boot-variable'>; fileName: string; md5?: string; kickstart?: { fileName: string; md5?: string } },
    ): Promise<ReloadOutcome> {
      return onceSinceBefore(request, async (session) => {
        const fs = request.before.flash.filesystem;
        // NX-OS kickstart + system: both files are hashed again, the kickstart first (it boots first).
        if (request.kickstart?.md5) await verifyBeforeActivation(session, { path: `${fs}:${request.kickstart.fileName}`, md5: request.kickstart.md5 });
        if (request.md5) await verifyBeforeActivation(session, { path: `${fs}:${request.fileName}`, md5: request.md5 });
        await runActivation(session, driverFor(request.before.os), request.method, fs, request.fileName, request.kickstart?.fileName);
        deps.logger.info('activation sent', { device: request.before.hostname, method: request.method, file: request.fileName, ...(request.kickstart ? { kickstart: request.kickstart.fileName } : {}) });
      });
    },

    /**
     * IOS-XE INSTALL mode: `install add file <fs>:<add-on> activate commit` for a golden SMU (or
     * AP pack) of the release the device runs. A cold SMU reloads the device, so this runs under
     * the same rule as sendReload and sendActivation: never when the device already rebooted since
     * `before` (the inventory read after the image's own reload), never twice for one add-on.
     */
    async sendAddOnActivation(request: ReloadRequest & { fileName: string; md5?: string }): Promise<ReloadOutcome> {
      if (activationMethodOf(request.before) !== 'install-add-activate-commit') {
        throw ApplicationFailure.nonRetryable(
          `${request.fileName} needs IOS-XE INSTALL mode; ${request.before.hostname} boots ${request.before.runningImage}`,
          'ActivationRefused',
        );
      }
      return onceSinceBefore({ ...request, expectAddOn: request.fileName }, async (session) => {
        if (request.md5) await verifyBeforeActivation(session, { path: `${request.before.flash.filesystem}:${request.fileName}`, md5: request.md5 });
        await runActivation(session, driverFor(request.before.os), 'install-add-activate-commit', request.before.flash.filesystem, request.fileName);
        deps.logger.info('add-on activation sent', { device: request.before.hostname, file: request.fileName });
      });
    },

    /**
     * Waits until the device answers again after a reload, bounded by `timeoutSeconds`.
     * "Back" means it went away and returned, or its uptime restarted: an SSH answer alone
     * could come from a device that never reloaded.
     */
    async waitForReload(request: ReloadRequest & { timeoutSeconds: number }): Promise<DeviceInventory> {
      const ctx = Context.current();
      const resumed = ctx.info.heartbeatDetails as { sawDown?: boolean } | undefined;
      const status = { sawDown: resumed?.sawDown ?? false, attempts: 0, lastError: '' };
      const deadline = Date.now() + request.timeoutSeconds * 1000;
      const cliTarget = await target(request.deviceId);
      const stopHeartbeat = keepHeartbeating(() => status, 3_000);
      try {
        while (Date.now() < deadline) {
          status.attempts += 1;
          try {
            const { state, markerGone } = await withCliSession(cliTarget, async (session) => ({
              state: await readState(session),
              markerGone: request.marker !== undefined && !(await markersPresent(session, driverFor(request.before.os).aliasCommand)).includes(request.marker),
            }));
            if (status.sawDown || markerGone || rebootedSince(request.before, state)) return state;
            status.lastError = 'device still up and has not rebooted yet';
          } catch (error) {
            // Another host answers at the device's address: waiting longer cannot make it the device.
            if (error instanceof HostKeyMismatchError) throw asActivityFailure(error);
            // A device in the middle of booting refuses, drops or stalls sessions: all mean "not back yet".
            if (error instanceof DeviceUnreachableError || error instanceof SessionClosedError) status.sawDown = true;
            status.lastError = error instanceof Error ? error.message : String(error);
          }
          ctx.heartbeat(status);
          await ctx.sleep(2_000);
        }
        throw ApplicationFailure.nonRetryable(
          `device did not come back within ${request.timeoutSeconds} s after reload (last: ${status.lastError})`,
          'DeviceDidNotReturn',
        );
      } finally {
        stopHeartbeat();
      }
    },
  };
}

/** What the upgrade workflow calls: the device activities and the staging on site servers (activities/site-distribution.ts). */
export type UpgradeActivities = ReturnType<typeof createUpgradeActivities> & SiteDistributionActivities;
