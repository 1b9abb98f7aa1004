// Readiness prechecks on the device: runs the catalogue's commands (domain/prechecks), the probe
// copy from netswim's image service (HTTP(S), else its SCP service), and evaluates each check.
// Read-only on the device except the probe file, which is deleted again (also one a crashed run left).
import { cleanupCapacity, flashBytesNeeded, supportsAutoCleanup } from '../domain/flash-cleanup.ts';
import { parseDirFlash } from '../domain/parsers/dir-flash.ts';
import { bootImageOf, parseShowVersion } from '../domain/parsers/show-version.ts';
import { ApplicationFailure } from '@temporalio/common';
import { driverOfShowVersion } from '../drivers/index.ts';
import { readBootList } from './boot-list.ts';
import {
  checkConfigRegister,
  checkDomainName,
  checkFileTransfer,
  checkFlashRoom,
  checkLicense,
  checkNfvisFlash,
  checkNtpClock,
  checkRsaKey,
  checkStartupConfig,
  checkTls12,
  planPrechecks,
  skippedResult,
  transferSucceeded,
  type CommandOutput,
  type OsFamily,
  type PrecheckName,
  type PrecheckResult,
  type TransferProbe,
} from '../domain/prechecks.ts';
import { notApplicable } from '../domain/prechecks/types.ts';
import { imageOnFlash, type ImageRef } from '../domain/upgrade.ts';
import { PROBE_PATH } from '../distribution/image-service.ts';
import { scpServiceUrl, type ScpServiceAccess } from '../distribution/scp-service.ts';
import type { CliSession } from './cli-session.ts';
import { COPY_QUESTIONS, DELETE_QUESTIONS } from './cli-dialogues.ts';
import { scrubSecret } from './site-distribution.ts';

export interface PrecheckRequest {
  deviceId: string;
  image: ImageRef;
  /** Files copied with the image (an NX-OS kickstart image): the space check counts them too. */
  companions?: ImageRef[];
  disabledChecks?: PrecheckName[];
}

const PROBE_FILE = 'netswim-probe.txt';

/**
 * `copy scp://…` questions on top of COPY_QUESTIONS: IOS confirms the host, the user and the
 * source file name it read from the URL (defaults accepted; the password is in the URL).
 */
export const SCP_COPY_QUESTIONS = [
  ...COPY_QUESTIONS,
  { prompt: /Address or name of remote host \[[^\]]*\]\?\s*$/, reply: '' },
  { prompt: /Source username \[[^\]]*\]\?\s*$/, reply: '' },
  { prompt: /Source filename \[[^\]]*\]\?\s*$/, reply: '' },
];

/** The OS family from `show version`. */
export function osFamilyOf(showVersion: string): OsFamily {
  return driverOfShowVersion(showVersion).os;
}

async function run(session: CliSession, command: string): Promise<CommandOutput> {
  return { command, output: await session.run(command, { timeoutMs: 60_000 }) };
}

/**
 * Deletes netswim's probe file when it is on flash: one left by a run that crashed half way must
 * not stand in the way of the next probe (an overwrite question, a full flash).
 */
async function removeProbeFile(session: CliSession, filesystem: string): Promise<void> {
  const listing = parseDirFlash(await session.run(`dir ${filesystem}:`));
  if (listing.files.some((f) => f.name === PROBE_FILE)) await session.run(`delete /force ${filesystem}:${PROBE_FILE}`, { answers: DELETE_QUESTIONS });
}

/** Copies the image service's probe file to flash and deletes it again, whatever the outcome. */
async function probeTransfer(session: CliSession, imageServiceUrl: string, filesystem: string, scpService?: ScpServiceAccess): Promise<PrecheckResult> {
  await removeProbeFile(session, filesystem);
  try {
    const command = `copy ${imageServiceUrl}${PROBE_PATH} ${filesystem}:${PROBE_FILE}`;
    const probe = { command, output: await session.run(command, { timeoutMs: 120_000, answers: COPY_QUESTIONS }) };
    // Only when HTTP(S) failed: the same probe from netswim's SCP service, the fallback source.
    const scp = scpService && !transferSucceeded(probe) ? await probeScp(session, scpService, filesystem) : undefined;
    return checkFileTransfer({ https: probe, scheme: imageServiceUrl.startsWith('https:') ? 'https' : 'http', ...(scp ? { scp } : {}) });
  } finally {
    // A failed copy may leave a partial file; a dropped session leaves it to the next run.
    if (!session.isClosed) await removeProbeFile(session, filesystem);
  }
}

/**
 * The probe over SCP. The command carries the service's password: what comes back (command,
 * output, or the error of a timeout or a dropped session, which quote the command) shows the URL
 * in display form, `scp://netswim-images:***@…`, because it goes into workflow history.
 */
async function probeScp(session: CliSession, scpService: ScpServiceAccess, filesystem: string): Promise<TransferProbe> {
  const source = scpServiceUrl(scpService, PROBE_PATH);
  const scrub = (text: string): string => scrubSecret(text.split(source.url).join(source.display), scpService.password);
  const command = `copy ${source.url} ${filesystem}:${PROBE_FILE}`;
  try {
    const output = await session.run(command, { timeoutMs: 120_000, answers: SCP_COPY_QUESTIONS });
    return { command: scrub(command), output: scrub(output) };
  } catch (error) {
    // Rebuilt from the scrubbed message: the original's stack would carry the password.
    if (!(error instanceof Error)) throw error;
    throw ApplicationFailure.create({ message: scrub(error.message), type: error.name });
  }
}

/** Runs every enabled readiness check on an open session; disabled ones come back `skipped`. */
export async function runPrechecks(session: CliSession, request: PrecheckRequest, imageServiceUrl: string, scpService?: ScpServiceAccess): Promise<PrecheckResult[]> {
  const versionOutput = await session.run('show version');
  const driver = driverOfShowVersion(versionOutput);
  const family = driver.os;
  const version = parseShowVersion(versionOutput);
  const filesystem = driver.bootFilesystemOf(version);
  const results: PrecheckResult[] = [];
  for (const planned of planPrechecks(family, request.disabledChecks ? { disabledChecks: request.disabledChecks } : {})) {
    if (!planned.enabled) {
      results.push(skippedResult(planned.name));
      continue;
    }
    const inapplicable = driver.inapplicablePrechecks[planned.name];
    if (inapplicable) {
      results.push(notApplicable(planned.name, inapplicable));
      continue;
    }
    const outputs: CommandOutput[] = [];
    // The catalogue lists `dir` of the OS's default file system; the device's own is the one it booted from.
    const commands = planned.name === 'flash-space' ? [`dir ${filesystem}:`] : planned.commands;
    for (const command of commands) outputs.push(command === 'show version' ? { command, output: versionOutput } : await run(session, command));
    const first = outputs[0] ?? { command: '', output: '' };
    switch (planned.name) {
      case 'file-transfer':
        results.push(await probeTransfer(session, imageServiceUrl, filesystem, scpService));
        break;
      case 'ntp-clock':
        results.push(checkNtpClock({ clock: first, ...(outputs[1] ? { ntp: outputs[1] } : {}), netswimTime: new Date() }));
        break;
      case 'flash-space': {
        const flash = parseDirFlash(first.output);
        const boot = (await readBootList(session, driver)).next;
        // Every file of the upgrade that is not on flash yet must fit: an NX-OS kickstart and its system image together.
        const missing = [request.image, ...(request.companions ?? [])].filter((f) => !imageOnFlash(flash, f));
        const bytesNeeded = flashBytesNeeded(missing.reduce((sum, f) => sum + f.sizeBytes, 0));
        const present = missing.length === 0;
        const reclaimable = cleanupCapacity({
          flash,
          bytesNeeded,
          runningImage: bootImageOf({ ...version, systemImage: driver.runningImageOf(version, { ...flash, filesystem }) }),
          installingImage: request.image.fileName,
          bootVariables: boot,
          os: family,
        });
        results.push(
          checkFlashRoom({
            dir: first,
            filesystem,
            freeBytes: flash.freeBytes,
            imageBytes: bytesNeeded,
            alreadyPresent: present,
            autoCleanup: supportsAutoCleanup(family),
            reclaimableBytes: reclaimable,
            platformLabel: driver.label,
          }),
        );
        break;
      }
      case 'config-register':
        results.push(checkConfigRegister(family, outputs[0]));
        break;
      case 'crypto-rsa-key':
        results.push(checkRsaKey(first));
        break;
      case 'tls-1.2':
        results.push(checkTls12(family, outputs[0]));
        break;
      case 'ip-domain-name':
        results.push(checkDomainName(first));
        break;
      case 'startup-config':
        results.push(checkStartupConfig(first));
        break;
      case 'nfvis-flash':
        results.push(checkNfvisFlash({ nfvis: false }));
        break;
      case 'license':
        results.push(checkLicense(family, first));
        break;
    }
  }
  return results;
}
