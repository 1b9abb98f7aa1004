// What a simulated Catalyst 9300 (IOS-XE, BUNDLE mode) is made of: its defaults, how an image
// file name maps to the version it runs, and the stable per-device identity values (serial
// numbers, MAC) that real show commands print. Everything here is pure and deterministic so the
// same hostname always looks like the same box.
import { createHash } from 'node:crypto';

export const CAT9300 = {
  model: 'C9300-48P',
  imageId: 'CAT9K_IOSXE',
  defaultImage: 'cat9k_iosxe.17.06.05.SPA.bin',
  /** Size of the real 17.06.05 bundle; other synthetic images get a size near it. */
  defaultImageSize: 485_376_536,
  flashSizeBytes: 11_353_194_496,
  ports: 65,
  configRegister: '0x102',
} as const;

export const DEFAULT_RELOAD_MS = 5000;

// cat9k_iosxe.17.09.04a.SPA.bin → 17.09.04a
const IMAGE_NAME = /^cat9k_iosxe\.(\d{2})\.(\d{2})\.(\d{2})([a-z]?)\.SPA\.bin$/;

// cat9k_iosxe.17.09.04a.CSCwh87343.SPA.smu.bin → a SMU for 17.09.04a fixing CSCwh87343
const SMU_NAME = /^cat9k_iosxe\.(\d{2})\.(\d{2})\.(\d{2})([a-z]?)\.(CSC[a-z]{2}\d{5})\.SPA\.smu\.bin$/;

/** A Cat9k SMU file: the release it patches and the bug it fixes; undefined when not a SMU. */
export function smuOfFile(fileName: string): { version: string; bugId: string } | undefined {
  const m = SMU_NAME.exec(fileName);
  if (!m) return undefined;
  return { version: `${m[1]}.${m[2]}.${m[3]}${m[4] ?? ''}`, bugId: m[5] ?? '' };
}

/** Version a Cat9k bundle file runs, as `show version` prints it; undefined when not an image. */
export function versionOfImage(fileName: string): string | undefined {
  const m = IMAGE_NAME.exec(fileName);
  if (!m) return undefined;
  return `${m[1]}.${m[2]}.${m[3]}${m[4] ?? ''}`;
}

interface VersionParts {
  major: number;
  minor: number;
  rebuild: number;
  letter: string;
}

function partsOf(version: string): VersionParts {
  const m = /^(\d+)\.(\d+)\.(\d+)([a-z]?)$/.exec(version);
  if (!m) return { major: 17, minor: 6, rebuild: 5, letter: '' };
  return { major: Number(m[1]), minor: Number(m[2]), rebuild: Number(m[3]), letter: m[4] ?? '' };
}

/** `17.09.04a` → `17.9.4a`: the form the classic IOS line of `show version` uses. */
export function shortVersion(version: string): string {
  const p = partsOf(version);
  return `${p.major}.${p.minor}.${p.rebuild}${p.letter}`;
}

/** Release train name printed in brackets on the `Cisco IOS Software [...]` line. */
export function releaseTrain(version: string): string {
  const { major, minor } = partsOf(version);
  if (major === 16) {
    if (minor <= 4) return 'Denali';
    if (minor <= 6) return 'Everest';
    if (minor <= 9) return 'Fuji';
    return 'Gibraltar';
  }
  if (major === 17) {
    if (minor <= 3) return 'Amsterdam';
    if (minor <= 6) return 'Bengaluru';
    if (minor <= 9) return 'Cupertino';
    if (minor <= 12) return 'Dublin';
  }
  return 'IOSXE';
}

/** Compile date of a release; deterministic, roughly when Cisco shipped that train. */
export function compileDate(version: string): Date {
  const { major, minor, rebuild } = partsOf(version);
  const year = major === 16 ? 2017 + Math.floor(Math.max(0, minor - 3) / 3) : 2019 + Math.floor(minor / 3);
  const month = (minor * 4 + rebuild * 3) % 12;
  const day = 1 + ((minor * 7 + rebuild * 11) % 27);
  const hour = (minor * 5 + rebuild) % 24;
  return new Date(Date.UTC(year + Math.floor(rebuild / 4), month, day, hour, (rebuild * 13) % 60));
}

/** The `(fcN)` build tag of a release; stable per version. */
export function fcTag(version: string): string {
  return `fc${1 + (hashNumber(version) % 5)}`;
}

export function hashHex(text: string, algorithm: 'md5' | 'sha256'): string {
  return createHash(algorithm).update(text).digest('hex');
}

export function hashNumber(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0);
}

/** Declared size of a synthetic image file (one that has no real bytes in the lab). */
export function syntheticImageSize(fileName: string): number {
  if (fileName === CAT9300.defaultImage) return CAT9300.defaultImageSize;
  return 470_000_000 + (hashNumber(fileName) % 30_000_000);
}

/** MD5 of a synthetic file: derived from its name, so every device agrees on it. */
export function syntheticMd5(fileName: string): string {
  return hashHex(`netswim-lab synthetic file ${fileName}`, 'md5');
}

export function syntheticSha256(fileName: string): string {
  return hashHex(`netswim-lab synthetic file ${fileName}`, 'sha256');
}

export interface Identity {
  serial: string;
  boardSerial: string;
  mac: string;
  memoryK: number;
}

/** Serial numbers and MAC address a given hostname always shows. */
export function identityOf(hostname: string): Identity {
  const h = createHash('sha256').update(`identity:${hostname}`).digest();
  const alnum = (offset: number, length: number): string =>
    Array.from(h.subarray(offset, offset + length), (b) => '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ'[b % 34]).join('');
  // Base MACs of a 48-port switch are aligned to 64 addresses, hence the masked last octet.
  const mac = [0, h[20] ?? 0, h[21] ?? 0, h[22] ?? 0, h[23] ?? 0, (h[24] ?? 0) & 0xc0]
    .map((v) => v.toString(16).padStart(2, '0'))
    .join(':');
  return {
    serial: `FOC${2200 + (h[0] ?? 0) % 99}X${alnum(1, 3)}`,
    boardSerial: `FOC${2200 + (h[4] ?? 0) % 99}${alnum(5, 4)}`,
    mac,
    memoryK: 1_333_273 + ((h[10] ?? 0) << 4),
  };
}
