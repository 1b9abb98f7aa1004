// A device's persistent state (what survives a reload and a lab restart) and the file it lives
// in: `<stateDir>/devices/<hostname>.json`, replaced atomically on every change so a crash never
// leaves half a file behind.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DeviceSpec } from './types.ts';
import { hashNumber, syntheticMd5, syntheticSha256 } from './platform.ts';
import { packageFilesOf, profileOf } from './platforms.ts';

export interface FlashEntry {
  name: string;
  size: number;
  md5: string;
  sha256: string;
  /** ISO time the file was last written. */
  mtime: string;
  inode: number;
  /** True when the lab holds no bytes for it (the factory image and files); hashes are derived. */
  synthetic: boolean;
  /** Arrived altered (corruptTransfer fault): as an image it fails signature checks at boot. */
  corrupt?: boolean;
}

export interface DeviceState {
  schema: 1;
  hostname: string;
  flash: FlashEntry[];
  nextInode: number;
  /** Running-config boot list, `flash:<file>` entries in order. */
  bootVariables: string[];
  /** Startup-config boot list: what the next reload uses. */
  savedBootVariables: string[];
  /** Empty string while the device sits in ROMMON (nothing bootable). */
  runningImage: string;
  /** Kickstart + system platforms: the kickstart booted, and its boot variable (running, startup config). */
  kickstart?: { running: string; boot: string[]; saved: string[] };
  bootedAt: string;
  reloadCount: number;
  lastReloadReason: string;
  startupConfigPresent: boolean;
  /** Running config changed since the last `write memory`. */
  configModified: boolean;
  /** Set while a reload is under way; a lab started on this state finishes it. */
  reloadingSince?: string;
  /** Config register in effect (default 0x102) and the one `config-register` set for next boot. */
  configRegister?: string;
  nextConfigRegister?: string;
  configChangedAt?: string;
  /** INSTALL mode: the version `packages.conf` boots, and the one an activate set for next boot. */
  installedVersion?: string;
  pendingInstalledVersion?: string;
  /** INSTALL mode: SMU files activated and committed on the running release (cleared when it changes). */
  activeSmus?: string[];
  /** RSA key modulus (0: no key; absent: the factory 2048-bit key). */
  rsaKeyBits?: number;
  /** `ip domain name` ('' : none; absent: the factory lab.netswim.example). */
  domainName?: string;
  /** `ip scp server enable` (IOS) / `feature scp-server` (NX-OS): `scp -t` exec requests are served. */
  scpServer?: boolean;
  /** `alias exec <name> <command>` lines of the running configuration, as `<name> <command>`. */
  aliases?: string[];
  /** The same in the startup configuration: what a reload reads back. */
  savedAliases?: string[];
}

const DAY = 86_400_000;

/** State of a device that has never run in this lab: factory files, booted some days ago. */
export function initialState(spec: DeviceSpec, now: Date): DeviceState {
  const profile = profileOf(spec.platform);
  const image = spec.runningImage ?? profile.defaultImage;
  const seed = hashNumber(spec.hostname);
  // Uptime between 3 and 60 days so uptime-based checks see realistic values.
  const bootedAt =
    spec.bootedSecondsAgo !== undefined ? new Date(now.getTime() - spec.bootedSecondsAgo * 1000) : new Date(now.getTime() - (3 + (seed % 58)) * DAY - (seed % 86_400) * 1000);
  const installedAt = new Date(bootedAt.getTime() - (1 + (seed % 20)) * DAY);
  const baseInode = 475_137 + (seed % 500);
  const installVersion = profile.installMode ? profile.versionOfImage(image) : undefined;
  const kickstart = profile.kickstart ? (spec.runningKickstart ?? profile.kickstart.defaultImage) : undefined;
  const imageFiles = installVersion
    ? [...packageFilesOf(profile, installVersion), { name: 'packages.conf', size: 7_179 }]
    : [...(kickstart ? [{ name: kickstart, size: profile.imageSize(kickstart) }] : []), { name: image, size: profile.imageSize(image) }];
  const imageNames = new Set(imageFiles.map((f) => f.name));
  const files = [...profile.defaultFiles, ...imageFiles];
  const flash: FlashEntry[] = files.map((f, i) => ({
    name: f.name,
    size: f.size,
    md5: syntheticMd5(f.name),
    sha256: syntheticSha256(f.name),
    mtime: (imageNames.has(f.name) ? installedAt : bootedAt).toISOString(),
    inode: baseInode + i,
    synthetic: true,
  }));
  const boot = installVersion ? 'packages.conf' : image;
  return {
    schema: 1,
    hostname: spec.hostname,
    flash,
    nextInode: baseInode + files.length,
    bootVariables: [`${profile.filesystem}:${boot}`],
    savedBootVariables: [`${profile.filesystem}:${boot}`],
    runningImage: boot,
    ...(kickstart ? { kickstart: { running: kickstart, boot: [`${profile.filesystem}:${kickstart}`], saved: [`${profile.filesystem}:${kickstart}`] } } : {}),
    bootedAt: bootedAt.toISOString(),
    reloadCount: 0,
    lastReloadReason: 'PowerOn',
    startupConfigPresent: true,
    configModified: false,
    ...(installVersion ? { installedVersion: installVersion } : {}),
  };
}

function isDeviceState(value: unknown): value is DeviceState {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<DeviceState>;
  return (
    v.schema === 1 &&
    typeof v.hostname === 'string' &&
    Array.isArray(v.flash) &&
    Array.isArray(v.bootVariables) &&
    Array.isArray(v.savedBootVariables) &&
    typeof v.runningImage === 'string' &&
    typeof v.bootedAt === 'string' &&
    typeof v.reloadCount === 'number'
  );
}

/** Reads and writes one device's state file; writes are serialized and atomic. */
export class StateFile {
  private readonly path: string;
  private chain: Promise<void> = Promise.resolve();
  private lastError: Error | undefined;

  constructor(stateDir: string, hostname: string) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(hostname)) {
      throw new Error(`hostname "${hostname}" cannot name a state file`);
    }
    this.path = join(stateDir, 'devices', `${hostname}.json`);
  }

  async load(): Promise<DeviceState | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const parsed: unknown = JSON.parse(text);
    if (!isDeviceState(parsed)) throw new Error(`${this.path} is not a lab device state file`);
    return parsed;
  }

  /** Queues a write of a snapshot of `state`; call flush() to wait for it. */
  save(state: DeviceState): void {
    const text = `${JSON.stringify(state, null, 2)}\n`;
    this.chain = this.chain.then(async () => {
      try {
        await mkdir(join(this.path, '..'), { recursive: true });
        const temp = `${this.path}.${process.pid}.tmp`;
        await writeFile(temp, text);
        await rename(temp, this.path);
      } catch (error) {
        this.lastError = error as Error;
      }
    });
  }

  async flush(): Promise<void> {
    await this.chain;
    if (this.lastError) {
      const error = this.lastError;
      this.lastError = undefined;
      throw error;
    }
  }
}
