// Version identity and ordering. Devices and file names spell the same release differently
// (IOS-XE `17.09.04a` in the file name and `show version`, `17.9.4a` in release notes).
//
// Cisco version schemes read here (spellings as `show version` prints them):
//   IOS classic   15.2(4)M7, 12.2(55)SE12, 15.0(2)SE11, 15.2(7)E9, 15.9(3)M4, 12.4(24)T, 15.1(4)M12a
//                 major.minor(release[letter])train[rebuild][rebuild letter]
//   IOS-XE 16+    16.12.10a, 17.3.1, 17.09.04a (= 17.9.4a), 17.12.1
//                 major.minor.patch[rebuild letter]
//   IOS-XE 3.x    03.06.08E, 3.16.10S, 03.16.10.S, 3.16.4bS — major 3, then the IOS-like train
//   NX-OS         9.3(10), 10.2(5), 10.4(1)F, 10.3(4a)M, 7.0(3)I7(9), 6.0(2)U6(10)
//   ROMMON        16.12(1r), 16.9(1r), 15.0(1r)M15 — a release number with an `r`
// Sources: the version strings in Cisco's release notes and configuration guides (IOS-XE notes
// spell 17.9.4a what the image file and `show version` spell 17.09.04a), Cisco's KGV JSON
// (osImageVersions 16.02.01, 16.03.01a; bootloader 16.4(3r)), and the real `show version`
// captures under test/fixtures/show-version/ (12.2(54)SG1, 12.4(6)T2).
//
// Ordering: numbers compare numerically part by part; a missing rebuild letter sorts before any
// letter (17.9.4 < 17.9.4a < 17.9.4b); a missing rebuild number before any number
// (15.2(4)M < 15.2(4)M1); train names compare as text only when everything before them is equal
// (15.2(4)E vs 15.2(4)M is ordered, but that order carries no meaning). Versions of different
// lineages (IOS vs NX-OS, IOS vs IOS-XE 3.x, ROMMON vs software) are refused: their numbers do not
// measure the same thing. Anything this module cannot read is refused with VersionParseError.

/**
 * Canonical form for comparing two spellings of one version: leading zeros dropped, lower case,
 * and IOS-XE 3.x's train without its dot (`show version` on an ASR 1001 prints `03.09.01.S`, the
 * version read from its image file name is `03.09.01S`, release notes say `3.9.1S`: all `3.9.1s`),
 * so that a device running the image is recognised as running it.
 */
export function normalizeVersion(version: string): string {
  return version
    .trim()
    .toLowerCase()
    .replace(/(^|[.(])0+(\d)/g, '$1$2')
    .replace(/^(3\.\d+\.\d+[a-z]?)\.([a-z]+)$/, '$1$2');
}

export function sameVersion(a: string, b: string): boolean {
  return normalizeVersion(a) === normalizeVersion(b);
}

export type VersionScheme = 'ios' | 'iosxe' | 'iosxe3' | 'nxos' | 'rommon' | 'eos';

/** Which schemes may be compared with which: their numbers continue one another. */
const LINEAGE: Record<VersionScheme, string> = {
  ios: 'ios',
  iosxe: 'ios', // IOS-XE 16 continues IOS 15's numbering, and IOS-XE 3.x's
  iosxe3: 'iosxe3',
  nxos: 'nxos',
  rommon: 'rommon',
  eos: 'eos',
};
const LINEAGE_PEERS: Record<VersionScheme, VersionScheme[]> = {
  ios: ['ios', 'iosxe'],
  iosxe: ['ios', 'iosxe', 'iosxe3'],
  iosxe3: ['iosxe3', 'iosxe'],
  nxos: ['nxos'],
  rommon: ['rommon'],
  eos: ['eos'],
};

/** Sort key part: a number, or text ('' sorts first). */
type KeyPart = number | string;

export interface CiscoVersion {
  /** As given (trimmed). */
  raw: string;
  scheme: VersionScheme;
  /** Canonical spelling: leading zeros dropped, e.g. 17.9.4a, 15.2(4)M7, 3.6.8E, 7.0(3)I7(9). */
  canonical: string;
  major: number;
  minor: number;
  /** IOS train (M, T, SE, E…), IOS-XE 3.x train (E, S), NX-OS release type (F, M) or I/U/N train. */
  train?: string;
  /** Ordering key; compare with compareVersions rather than by hand. */
  key: KeyPart[];
}

export class VersionParseError extends Error {
  constructor(version: string, problem: string) {
    super(`cannot read Cisco version ${JSON.stringify(version)}: ${problem}`);
    this.name = 'VersionParseError';
  }
}

export class VersionCompareError extends Error {
  constructor(a: CiscoVersion, b: CiscoVersion) {
    super(
      `cannot compare ${a.raw} (${a.scheme}) with ${b.raw} (${b.scheme}): versions of different software lineages are not ordered`,
    );
    this.name = 'VersionCompareError';
  }
}

const n = (s: string | undefined): number => Number(s ?? '0');

// 7.0(3)I7(9), 6.0(2)U6(10), 7.3(8)N1(1), 5.2(1)N1(9a)
const NXOS_TRAIN = /^(\d{1,2})\.(\d{1,2})\((\d{1,3})([a-z]?)\)([A-Z])(\d{1,2})\((\d{1,3})([a-z]?)\)$/;
// 15.2(4)M7, 12.2(55)SE12, 15.1(4)M12a, 12.4(24)T, 9.3(10), 10.4(1)F, 16.12(1r), 15.0(1r)M15
const PAREN = /^(\d{1,2})\.(\d{1,2})\((\d{1,3})([a-z]?)\)(?:([A-Z]{1,4})(\d{0,3})([a-z]?))?$/;
// 16.12.10a, 17.09.04a, 17.3.1
const DOTTED = /^(\d{1,2})\.(\d{1,2})\.(\d{1,3})([a-z]?)$/;
// Arista EOS 4.27.6M, 4.18.3.1F, 4.22.0.1F: the letter is the release type (F feature, M maintenance).
const EOS = /^(4)\.(\d{1,2})\.(\d{1,2})(?:\.(\d{1,2}))?([FM])$/;
// 03.06.08E, 3.16.10S, 03.16.10.S, 3.16.4bS, 03.03.05SE
const XE3 = /^0*3\.(\d{1,2})\.(\d{1,2})([a-z]?)\.?([A-Z]{1,3})$/;

/** Reads a Cisco version string; throws VersionParseError for anything it does not recognise. */
export function parseCiscoVersion(version: string): CiscoVersion {
  const raw = version.trim();
  if (raw.length === 0) throw new VersionParseError(version, 'empty');
  if (raw.length > 40) throw new VersionParseError(version, 'too long');

  let m = NXOS_TRAIN.exec(raw);
  if (m) {
    const [, maj, min, rel, relLetter, train, trainNo, reb, rebLetter] = m;
    return {
      raw,
      scheme: 'nxos',
      canonical: `${n(maj)}.${n(min)}(${n(rel)}${relLetter})${train}${n(trainNo)}(${n(reb)}${rebLetter})`,
      major: n(maj),
      minor: n(min),
      train: train!,
      key: [n(maj), n(min), n(rel), relLetter!, train!, n(trainNo), n(reb), rebLetter!],
    };
  }

  m = EOS.exec(raw);
  if (m) {
    const [, maj, min, patch, build, type] = m;
    const canonical = `${n(maj)}.${n(min)}.${n(patch)}${build === undefined ? '' : `.${n(build)}`}${type}`;
    // 4.18.3F < 4.18.3.1F; F and M of one number are the same code, M its maintenance build.
    return { raw, scheme: 'eos', canonical, major: n(maj), minor: n(min), train: type!, key: [n(maj), n(min), n(patch), build === undefined ? -1 : n(build), type!] };
  }

  m = PAREN.exec(raw);
  if (m) {
    const [, maj, min, rel, relLetter = '', train = '', rebuild = '', rebLetter = ''] = m;
    const major = n(maj);
    const minor = n(min);
    const canonical = `${major}.${minor}(${n(rel)}${relLetter})${train}${rebuild === '' ? '' : n(rebuild)}${rebLetter}`;
    if (relLetter === 'r') {
      return { raw, scheme: 'rommon', canonical, major, minor, ...(train ? { train } : {}), key: [major, minor, n(rel), train, rebuild === '' ? -1 : n(rebuild), rebLetter] };
    }
    if (major >= 11 && major <= 15) {
      if (train === '') throw new VersionParseError(version, 'an IOS version names its train after the parenthesis, e.g. 15.2(4)M7');
      return {
        raw,
        scheme: 'ios',
        canonical,
        major,
        minor,
        train,
        key: [major, minor, n(rel), relLetter, train, rebuild === '' ? -1 : n(rebuild), rebLetter],
      };
    }
    if (major >= 4 && major <= 10) {
      // NX-OS 9.3(10), 10.2(5)M, 10.4(1)F: the letter is the release type, not a train with rebuilds.
      if (train.length > 1 || rebuild !== '' || rebLetter !== '') {
        throw new VersionParseError(version, `NX-OS ${major}.x takes at most one release-type letter after the parenthesis`);
      }
      return { raw, scheme: 'nxos', canonical, major, minor, ...(train ? { train } : {}), key: [major, minor, n(rel), relLetter, '', 0, 0, ''] };
    }
    throw new VersionParseError(version, `major version ${major} is neither IOS (11-15) nor NX-OS (4-10)`);
  }

  m = DOTTED.exec(raw);
  if (m) {
    const [, maj, min, patch, letter = ''] = m;
    const major = n(maj);
    if (major < 16) {
      throw new VersionParseError(version, `dotted versions are IOS-XE 16 or later (IOS-XE 3.x names its train, e.g. 03.06.08E)`);
    }
    return {
      raw,
      scheme: 'iosxe',
      canonical: `${major}.${n(min)}.${n(patch)}${letter}`,
      major,
      minor: n(min),
      key: [major, n(min), n(patch), letter],
    };
  }

  m = XE3.exec(raw);
  if (m) {
    const [, min, patch, letter = '', train = ''] = m;
    return {
      raw,
      scheme: 'iosxe3',
      canonical: `3.${n(min)}.${n(patch)}${letter}${train}`,
      major: 3,
      minor: n(min),
      train,
      key: [3, n(min), n(patch), letter, train],
    };
  }

  throw new VersionParseError(version, 'not an IOS, IOS-XE, NX-OS or ROMMON version');
}

function compareParts(a: KeyPart[], b: KeyPart[]): -1 | 0 | 1 {
  const len = Math.max(a.length, b.length);
  for (let i = 0; i < len; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (typeof x === 'number' && typeof y === 'number') return x < y ? -1 : 1;
    const sx = String(x);
    const sy = String(y);
    if (sx === sy) continue;
    return sx < sy ? -1 : 1;
  }
  return 0;
}

/** Whether two versions belong to lineages whose numbers can be ordered against each other. */
export function comparableVersions(a: string | CiscoVersion, b: string | CiscoVersion): boolean {
  const va = typeof a === 'string' ? parseCiscoVersion(a) : a;
  const vb = typeof b === 'string' ? parseCiscoVersion(b) : b;
  return LINEAGE_PEERS[va.scheme].includes(vb.scheme);
}

/**
 * Orders two Cisco versions: -1 when a is older, 0 when they are the same release, 1 when newer.
 * Throws VersionParseError for an unreadable version and VersionCompareError across lineages.
 */
export function compareVersions(a: string | CiscoVersion, b: string | CiscoVersion): -1 | 0 | 1 {
  const va = typeof a === 'string' ? parseCiscoVersion(a) : a;
  const vb = typeof b === 'string' ? parseCiscoVersion(b) : b;
  if (!LINEAGE_PEERS[va.scheme].includes(vb.scheme)) throw new VersionCompareError(va, vb);
  if (va.scheme !== vb.scheme && LINEAGE[va.scheme] === LINEAGE[vb.scheme] && va.major === vb.major) {
    // Cannot happen with today's numbering (IOS ≤ 15 < IOS-XE ≥ 16); refuse rather than guess.
    throw new VersionCompareError(va, vb);
  }
  if (va.scheme !== vb.scheme) return va.major < vb.major ? -1 : 1;
  return compareParts(va.key, vb.key);
}

/** A sorted copy, oldest first. Throws like compareVersions. */
export function sortVersions(versions: readonly string[]): string[] {
  const parsed = versions.map((v) => ({ v, p: parseCiscoVersion(v) }));
  return parsed.sort((x, y) => compareVersions(x.p, y.p)).map((x) => x.v);
}
