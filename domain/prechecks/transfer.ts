// File transfer and flash space prechecks: can the image get to the device, and does it fit.
import { findCliError } from '../parsers/cli-error.ts';
import { formatBytes, notApplicable, result, type CommandOutput, type PrecheckResult } from './types.ts';

export interface TransferProbe extends CommandOutput {
  /** Whether the probe copy worked; when omitted it is read from the output. */
  ok?: boolean;
}

export interface FileTransferInput {
  /** Probe copy of a small file from netswim's image service over HTTPS (or HTTP, see scheme). */
  https?: TransferProbe;
  /** The image service's scheme when it is not HTTPS (a plain-HTTP service in a lab). */
  scheme?: 'https' | 'http';
  /** Probe over SCP; the activity may leave it out when HTTPS worked. */
  scp?: TransferProbe;
}

/** The line that says why a copy failed, or undefined when the output reports none. */
export function transferErrorLine(output: string): string | undefined {
  const cli = findCliError(output);
  if (cli) return cli;
  return output
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => /^%|error|failed|refused|timed out|unreachable|denied|no route|not found|certificate/i.test(l));
}

/** IOS prints `[OK - 1234 bytes]` or `1234 bytes copied in 0.5 secs`; NX-OS `Copy complete`. */
export function transferSucceeded(probe: TransferProbe): boolean {
  if (probe.ok !== undefined) return probe.ok;
  if (transferErrorLine(probe.output)) return false;
  return /\[OK\b|bytes copied|Copy complete/i.test(probe.output);
}

function failure(probe: TransferProbe | undefined): string {
  if (!probe) return 'not tried';
  return transferErrorLine(probe.output) ?? (probe.output.trim() ? `no success line in "${probe.output.trim().split(/\r?\n/)[0]}"` : 'no output');
}

export function checkFileTransfer(input: FileTransferInput): PrecheckResult {
  const parts = [input.https, input.scp].filter((p): p is TransferProbe => p !== undefined);
  const httpsOk = input.https !== undefined && transferSucceeded(input.https);
  const scpOk = input.scp !== undefined && transferSucceeded(input.scp);
  const over = (input.scheme ?? 'https').toUpperCase();
  if (httpsOk) return result('file-transfer', 'pass', `the device copied the probe file from netswim's image service over ${over}`, parts);
  if (scpOk) {
    return result(
      'file-transfer',
      'warn',
      `${input.https ? `${over} to netswim's image service failed (${failure(input.https)})` : `${over} was not tried`}; SCP works, so images will be copied over SCP`,
      parts,
    );
  }
  return result(
    'file-transfer',
    'fail',
    `the device cannot reach netswim's image service: ${over}: ${failure(input.https)}; SCP: ${failure(input.scp)}`,
    parts,
  );
}

export interface FlashSpaceInput {
  /** The `dir` command and its output. */
  dir: CommandOutput;
  filesystem: string;
  freeBytes: number;
  /** Bytes the image needs on flash. */
  imageBytes: number;
  /** True when the image is already on flash (nothing to copy). */
  alreadyPresent?: boolean;
  /** Whether auto cleanup exists on this platform (supportsAutoCleanup in domain/flash-cleanup.ts). */
  autoCleanup: boolean;
  /** Bytes auto cleanup could free (inactive images, old packages); ignored without autoCleanup. */
  reclaimableBytes: number;
  /** For the reason, e.g. `NX-OS` or `wireless controller`. */
  platformLabel?: string;
}

export function checkFlashRoom(input: FlashSpaceInput): PrecheckResult {
  const fs = `${input.filesystem.replace(/:$/, '')}:`;
  const parts = [input.dir];
  if (input.alreadyPresent) return result('flash-space', 'pass', `the image is already on ${fs}`, parts);
  const free = formatBytes(input.freeBytes);
  const need = formatBytes(input.imageBytes);
  if (input.freeBytes >= input.imageBytes) return result('flash-space', 'pass', `${need} needed, ${free} free on ${fs}`, parts);
  const short = input.imageBytes - input.freeBytes;
  const base = `not enough space on ${fs} — ${need} needed, ${free} free (short by ${formatBytes(short)})`;
  if (!input.autoCleanup) {
    return result(
      'flash-space',
      'fail',
      `${base}; ${input.platformLabel ?? 'this platform'} has no auto cleanup, so delete unused files from ${fs} by hand`,
      parts,
    );
  }
  const reclaimable = Math.max(0, input.reclaimableBytes);
  if (input.freeBytes + reclaimable >= input.imageBytes) {
    return result('flash-space', 'warn', `${base}; auto cleanup will make room by freeing up to ${formatBytes(reclaimable)}`, parts);
  }
  return result(
    'flash-space',
    'fail',
    `${base}; auto cleanup could free only ${formatBytes(reclaimable)}, still ${formatBytes(short - reclaimable)} short`,
    parts,
  );
}

export interface NfvisFlashInput {
  /** Whether the device is an NFVIS host; everything else passes as not applicable. */
  nfvis: boolean;
  disk?: CommandOutput;
  freeBytes?: number;
  imageBytes?: number;
}

/** NFVIS hosts keep images on their local datastore; the check applies only to them. */
export function checkNfvisFlash(input: NfvisFlashInput): PrecheckResult {
  if (!input.nfvis) return notApplicable('nfvis-flash', 'the device is not an NFVIS host');
  const parts = input.disk ? [input.disk] : [];
  if (input.freeBytes === undefined || input.imageBytes === undefined) {
    return result('nfvis-flash', 'fail', 'cannot tell the free space on the NFVIS datastore', parts);
  }
  const free = formatBytes(input.freeBytes);
  const need = formatBytes(input.imageBytes);
  return input.freeBytes >= input.imageBytes
    ? result('nfvis-flash', 'pass', `${need} needed, ${free} free on the NFVIS datastore`, parts)
    : result('nfvis-flash', 'fail', `not enough space on the NFVIS datastore: ${need} needed, ${free} free (short by ${formatBytes(input.imageBytes - input.freeBytes)})`, parts);
}
