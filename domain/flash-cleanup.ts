// Automatic flash cleanup: when the image does not fit, which unused image files to delete, in
// which order, and how much cleanup could free at most (the flash-space precheck's warn vs fail).
// Pure: the caller reads `dir`, `show version`, `show boot` and `more flash:packages.conf`, then
// runs the deletions this plan lists, one by one, into the audit log.
//
// What may be deleted: plain files (never directories) with a name that is safe to put on a CLI
// (isSafeFileName), ending in
//   .bin   bundle images, SMUs, NX-OS images
//   .pkg   IOS-XE INSTALL-mode packages and ROMMON packages
//   .conf  IOS-XE provisioning files only: `packages.conf` and `<platform>.<version>.SPA.conf`.
//          Other .conf files (CSR `virtual-instance.conf`, scripts' configs…) are not images
//          and are never touched.
// What is never deleted (compared case-insensitively, with or without `flash:`/`bootflash:` and
// any path before the file name):
//   - the running image (`show version` "System image file"), and in INSTALL mode the packages
//     packages.conf lists plus the provisioning .conf files of those packages' versions;
//   - the image being installed, and every file of its release (.pkg/.conf left by an earlier
//     `install add`, its SMUs and AP packs);
//   - SMUs and AP packs (.smu.bin, .apsp.bin, .apdp.bin) of the running release;
//   - every boot variable entry (the new image and the fallback kept for rollback);
//   - when the device boots a .conf (INSTALL mode) but the packages it uses are unknown, every
//     .pkg and .conf: without `more packages.conf` nothing proves a package unused.
//
// Order of deletion: .bin before .pkg before .conf, largest first within each kind.
//   - A .bin bundle is self-contained: deleting it never breaks another file, and bundles are
//     the largest files, so few deletions free the space.
//   - .pkg files of versions no one boots come next; .conf provisioning files last, as they free
//     almost nothing and only describe packages.
//   - Largest first so that the fewest files are deleted (each deletion is one more CLI command
//     and one more audit entry); ties by name, so the plan is deterministic.
// Deletions stop as soon as the image fits. When even deleting every candidate would not make
// it fit, the plan deletes nothing: destroying files for an upgrade that cannot happen anyway
// only makes the device worse.
import { isSafeFileName } from './image-name.ts';
import type { FlashFile, FlashListing } from './parsers/dir-flash.ts';
import { DRIVERS, type PlatformDriver } from '../drivers/index.ts';

/**
 * Bytes kept free beyond the image itself. The flash-space precheck (checkFlashRoom in
 * domain/prechecks/transfer.ts) needs exactly the image size, so cleanup plans to the same figure;
 * change both together.
 */
export const FLASH_SPACE_MARGIN_BYTES = 0;

/** Bytes the device needs free to receive an image of `imageSizeBytes`. */
export function flashBytesNeeded(imageSizeBytes: number): number {
  return imageSizeBytes + FLASH_SPACE_MARGIN_BYTES;
}

export interface FlashCleanupInput {
  /** `dir flash:` as parseDirFlash reads it: file system, files (name, size) and free bytes. */
  flash: FlashListing;
  /** Free bytes needed (flashBytesNeeded of the image size). */
  bytesNeeded: number;
  /** Running image, as `show version` prints it: `flash:cat9k_iosxe.17.06.05.SPA.bin`, `bootflash:packages.conf`. */
  runningImage: string;
  /**
   * INSTALL mode: the package files the running system uses (parsePackagesConf(…).files of
   * `more flash:packages.conf`, read before any `install add` changed it). Leave undefined when
   * not read: a device that boots a .conf then keeps every .pkg and .conf.
   */
  runningPackages?: string[];
  /** File name of the image being installed. */
  installingImage: string;
  /** Boot variable entries (`show boot`), e.g. [`flash:new.bin`, `flash:fallback.bin`]. */
  bootVariables: string[];
  /** OS family: `ios`, `ios-xe`, `nx-os`, … (as the inventory names it). */
  os: string;
  /** Wireless LAN controllers (Catalyst 9800, AireOS) never get automatic cleanup. */
  wirelessController?: boolean;
}

export type CleanupKind = 'bin' | 'pkg' | 'conf';

export interface FlashDeletion {
  name: string;
  size: number;
  kind: CleanupKind;
}

export interface KeptFile {
  name: string;
  size: number;
  /** Why cleanup may not delete it, e.g. `running image`. */
  reason: string;
}

export interface FlashCleanupPlan {
  /** Whether the platform allows automatic cleanup at all. */
  supported: boolean;
  /** Files to delete, in order; empty when nothing needs to or may be deleted. */
  deletions: FlashDeletion[];
  bytesFreed: number;
  freeBytesBefore: number;
  freeBytesAfter: number;
  bytesNeeded: number;
  /** Whether the image fits after the deletions (or already did). */
  fits: boolean;
  /** .bin/.pkg/.conf files cleanup keeps, with the rule that protects each (for the audit log). */
  kept: KeptFile[];
  reason: string;
}

/** Family name without case or punctuation: `IOS-XE` → `iosxe`, `NX-OS` → `nxos`. */
const normalizeOs = (os: string): string => os.toLowerCase().replace(/[^a-z0-9]/g, '');

// The driver of an OS written any way (`IOS-XE`, `iosxe`, `ios-xe`): it says whether cleanup is allowed.
const driverOfOs = (os: string): PlatformDriver | undefined =>
  DRIVERS.find((driver) => normalizeOs(driver.os) === normalizeOs(os));

// AireOS has no driver; its name is only for the refusal text.
const OTHER_LABEL: Record<string, string> = { aireos: 'AireOS' };

/**
 * Automatic cleanup is for the OSes whose driver allows it (IOS, IOS-XE); NX-OS, EOS, wireless
 * controllers and families netswim does not know fail the check. The flash-space precheck
 * (domain/prechecks/transfer.ts) takes its answer as `autoCleanup`.
 */
export function supportsAutoCleanup(os: string, options: { wirelessController?: boolean } = {}): boolean {
  return options.wirelessController !== true && driverOfOs(os)?.autoCleanup === true;
}

function platformLabel(input: Pick<FlashCleanupInput, 'os' | 'wirelessController'>): string {
  if (input.wirelessController) return 'wireless controllers';
  return driverOfOs(input.os)?.label ?? OTHER_LABEL[normalizeOs(input.os)] ?? `OS family "${input.os}"`;
}

/** `bootflash:///x.bin`, `flash:/dir/x.bin,12`, `X.BIN` → `x.bin`: the file name, lower case. */
export function flashFileKey(path: string): string {
  const noCounter = path.trim().replace(/,\d+$/, '');
  const noFs = noCounter.replace(/^[a-z0-9_-]+:/i, '');
  const base = noFs.split('/').filter(Boolean).pop() ?? '';
  return base.toLowerCase();
}

// IOS-XE release in a file name: cat9k-rpbase.17.09.04a.SPA.pkg → 17.09.04a
const XE_VERSION = /(?:^|[._-])(\d{2}\.\d{2}\.\d{2}[a-z]?)(?=[._-]|$)/i;
const versionToken = (name: string): string | undefined => XE_VERSION.exec(name)?.[1]?.toLowerCase();
// cat9k_iosxe.17.09.04a.CSCwh87343.SPA.smu.bin, ….apsp.bin, ….apdp.bin
const SMU_LIKE = /\.(?:smu|apsp|apdp)\.bin$/i;

// packages.conf, cat9k_iosxe.17.09.04a.SPA.conf: files that say which packages boot.
const PROVISIONING_CONF = /^(?:packages\.conf|.+\.\d{2}\.\d{2}\.\d{2}[a-z]?\.SPA\.conf)$/i;

function kindOf(name: string): CleanupKind | undefined {
  const lower = name.toLowerCase();
  if (lower.endsWith('.bin')) return 'bin';
  if (lower.endsWith('.pkg')) return 'pkg';
  if (lower.endsWith('.conf')) return 'conf';
  return undefined;
}

const KIND_ORDER: Record<CleanupKind, number> = { bin: 0, pkg: 1, conf: 2 };

interface Classified {
  candidates: FlashDeletion[];
  kept: KeptFile[];
}

type ProtectionInput = Pick<FlashCleanupInput, 'flash' | 'runningImage' | 'runningPackages' | 'installingImage' | 'bootVariables'>;

/** Splits the flash's image files into what cleanup may delete (in deletion order) and what it keeps. */
function classify(input: ProtectionInput): Classified {
  const running = flashFileKey(input.runningImage);
  const installing = flashFileKey(input.installingImage);
  const boot = new Set(input.bootVariables.map(flashFileKey).filter(Boolean));
  const packages = new Set((input.runningPackages ?? []).map(flashFileKey).filter(Boolean));
  const bootsConf = [running, ...boot].some((name) => name.endsWith('.conf'));
  const packagesUnknown = bootsConf && input.runningPackages === undefined;
  const runningVersions = new Set([running, ...packages].map(versionToken).filter((v): v is string => v !== undefined));
  const installingVersion = versionToken(installing);

  const protection = (file: FlashFile, kind: CleanupKind): string | undefined => {
    const key = file.name.toLowerCase();
    if (key === running) return 'running image';
    if (key === installing) return 'image being installed';
    if (boot.has(key)) return 'in the boot variable';
    if (packages.has(key)) return 'package of the running system';
    const version = versionToken(key);
    if (version !== undefined && version === installingVersion) return 'part of the version being installed';
    if (kind === 'bin') {
      // SMUs and AP packs patch the release they name; the running one may have them active.
      return SMU_LIKE.test(key) && version !== undefined && runningVersions.has(version) ? 'SMU of the running release' : undefined;
    }
    if (packagesUnknown) return 'the device boots a .conf and the packages it uses are unknown';
    if (kind === 'conf' && version !== undefined && runningVersions.has(version)) return 'provisioning file of the running packages';
    return undefined;
  };

  const candidates: FlashDeletion[] = [];
  const kept: KeptFile[] = [];
  for (const file of input.flash.files) {
    if (file.isDirectory) continue;
    const kind = kindOf(file.name);
    if (kind === undefined) continue;
    if (!isSafeFileName(file.name)) {
      kept.push({ name: file.name, size: file.size, reason: 'file name not safe for the CLI' });
      continue;
    }
    if (kind === 'conf' && !PROVISIONING_CONF.test(file.name)) {
      kept.push({ name: file.name, size: file.size, reason: 'not an image provisioning file' });
      continue;
    }
    const reason = protection(file, kind);
    if (reason !== undefined) kept.push({ name: file.name, size: file.size, reason });
    else candidates.push({ name: file.name, size: file.size, kind });
  }
  candidates.sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || b.size - a.size || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { candidates, kept };
}

/** Files cleanup would delete, in order, if it had to free everything it may (empty when unsupported). */
export function cleanupCandidates(input: FlashCleanupInput): FlashDeletion[] {
  if (!supportsAutoCleanup(input.os, { wirelessController: input.wirelessController === true })) return [];
  return classify(input).candidates;
}

/**
 * Bytes cleanup could free at most: what the flash-space precheck adds to the free bytes to
 * decide between warn (cleanup will make room) and fail (it cannot). 0 where cleanup is unsupported.
 */
export function cleanupCapacity(input: FlashCleanupInput): number {
  return cleanupCandidates(input).reduce((sum, f) => sum + f.size, 0);
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export function planFlashCleanup(input: FlashCleanupInput): FlashCleanupPlan {
  const { flash, bytesNeeded } = input;
  if (!Number.isFinite(bytesNeeded) || bytesNeeded < 0 || !Number.isFinite(flash.freeBytes) || flash.freeBytes < 0) {
    throw new RangeError(`flash cleanup needs non-negative byte counts (free ${flash.freeBytes}, needed ${bytesNeeded})`);
  }
  const fs = `${flash.filesystem}:`;
  const supported = supportsAutoCleanup(input.os, { wirelessController: input.wirelessController === true });
  const { candidates, kept } = classify(input);
  const base = { supported, freeBytesBefore: flash.freeBytes, bytesNeeded, kept };
  const nothing = { deletions: [], bytesFreed: 0, freeBytesAfter: flash.freeBytes };

  if (flash.freeBytes >= bytesNeeded) {
    return { ...base, ...nothing, fits: true, reason: `${flash.freeBytes} bytes free on ${fs}, ${bytesNeeded} bytes needed: no cleanup needed` };
  }
  const short = `${flash.freeBytes} bytes free on ${fs}, ${bytesNeeded} bytes needed (short by ${bytesNeeded - flash.freeBytes} bytes)`;
  if (!supported) {
    return {
      ...base,
      ...nothing,
      fits: false,
      reason: `not enough flash: ${short}; automatic flash cleanup is not supported on ${platformLabel(input)}: delete unused images from ${fs} by hand`,
    };
  }

  const deletions: FlashDeletion[] = [];
  let freed = 0;
  for (const file of candidates) {
    if (flash.freeBytes + freed >= bytesNeeded) break;
    deletions.push(file);
    freed += file.size;
  }
  if (flash.freeBytes + freed < bytesNeeded) {
    return {
      ...base,
      ...nothing,
      fits: false,
      reason:
        `not enough flash even after cleanup: ${short}; deleting every unused .bin/.pkg/.conf file ` +
        `(${plural(candidates.length, 'file')}) would free only ${freed} bytes, so nothing is deleted`,
    };
  }
  return {
    ...base,
    deletions,
    bytesFreed: freed,
    freeBytesAfter: flash.freeBytes + freed,
    fits: true,
    reason:
      `${short}: deleting ${plural(deletions.length, 'unused file')} (${deletions.map((d) => d.name).join(', ')}) ` +
      `frees ${freed} bytes, leaving ${flash.freeBytes + freed} bytes free`,
  };
}
