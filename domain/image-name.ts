// Image file names: what may reach a device CLI or a path, and what a Cisco file name tells us.
//
// Standard Cisco names read here (the naming used on cisco.com download pages, release notes and
// configuration guides, e.g. the Catalyst 9000 "Software Maintenance Upgrade" chapter for SMUs;
// see test/domain-image-name.test.ts for the table, which marks the placeholder bug ids):
//   IOS-XE base      cat9k_iosxe.17.09.04a.SPA.bin, cat9k_iosxe_npe.17.09.04a.SPA.bin,
//                    cat9k_lite_iosxe.17.09.04a.SPA.bin, isr4300-universalk9.16.09.04.SPA.bin,
//                    C9800-80-universalk9_wlc.17.09.04a.SPA.bin, c8000v-universalk9.17.09.04a.SPA.bin
//   IOS-XE 3.x base  cat3k_caa-universalk9.SPA.03.06.08.E.152-2.E8.bin,
//                    asr1000rpx86-universalk9.03.16.10.S.155-3.S10-ext.SPA.bin
//   IOS classic      c2900-universalk9-mz.SPA.152-4.M7.bin, c2960x-universalk9-mz.152-7.E9.bin,
//                    cat4500e-entservicesk9-mz.122-54.SG1.bin, c3750e-universalk9-tar.150-2.SE11.tar,
//                    vios-adventerprisek9-m.spa.159-3.m9.qcow2
//   SMU              cat9k_iosxe.17.09.04a.CSCwh87343.SPA.smu.bin (install add file … activate commit)
//   AP packs         C9800-80-universalk9_wlc.17.09.04a.CSCwh12345.SPA.apsp.bin (APSP), ….apdp.bin (APDP)
//   subpackage       cat9k-rpbase.17.09.04a.SPA.pkg, cat9k-cc_srdriver.17.09.04a.SPA.pkg
//                    (what `install add` expands a bundle into; never booted or tagged on its own)
//   ROMMON           isr4200_rommon_1612_1r_SPA.pkg (16.12(1r)), asr1000-rommon.169-1r.SPA.pkg (16.9(1r)),
//                    C9800-80-rommon.17.3.1r.SPA.pkg
//   NX-OS            nxos.9.3.10.bin, nxos64-cs.10.2.5.M.bin, nxos64-msll.10.4.1.F.bin, nxos.7.0.3.I7.9.bin,
//                    SMU nxos.CSCvr09175-n9k_ALL-1.0.0-9.3.3.lib32_n9000.rpm
//   NX-OS pairs      n3000-uk9-kickstart.6.0.2.U6.10.bin + n3000-uk9.6.0.2.U6.10.bin (Nexus 3000 on 6.x),
//                    n5000-uk9-kickstart.7.3.8.N1.1.bin + n5000-uk9.7.3.8.N1.1.bin (Nexus 5500/5600),
//                    n6000-uk9-kickstart.7.3.8.N1.1.bin + n6000-uk9.7.3.8.N1.1.bin: a kickstart image
//                    and a system image of one release, installed together (`install all kickstart … system …`)
//   Arista EOS       EOS-4.27.6M.swi, EOS64-4.30.1F.swi (64-bit), EOS-4.18.3.1F.swi (`boot system flash:…`)

/**
 * File names that may be interpolated into a device CLI (`copy … flash:<name>`) or a path.
 * Letters, digits, dot, dash, underscore, plus; must start with a letter or digit; no path
 * separators, spaces, colons or shell/CLI metacharacters.
 */
const SAFE_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/;

export function isSafeFileName(name: string): boolean {
  return SAFE_FILE_NAME.test(name) && !name.includes('..');
}

export const SAFE_FILE_NAME_RULE =
  'letters, digits and . _ + - only (1-128 characters, starting with a letter or digit, no "..")';

/** `kickstart`: the NX-OS kickstart image that boots with a system image (the `base`) of its release. */
export const IMAGE_TYPES = ['base', 'SMU', 'subpackage', 'ROMMON', 'APSP', 'APDP', 'kickstart'] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];

export interface ImageNameInfo {
  platform: string;
  /** Version as the device prints it, e.g. 17.09.04a or 15.2(4)M7. */
  version: string;
}

export interface ImageFileInfo extends ImageNameInfo {
  os: 'ios' | 'iosxe' | 'nxos' | 'eos';
  /** A guess from the name: base image, SMU, install-mode subpackage, ROMMON, AP pack or NX-OS kickstart. */
  imageType: ImageType;
  /** universalk9, ipbasek9, entservicesk9, universalk9_npe, universalk9_wlc, iosxe, iosxe_npe, lite_iosxe, cs… */
  featureSet?: string;
  /** No Payload Encryption image (export-restricted variant without strong crypto). */
  npe?: boolean;
  /** The bug id a SMU or AP pack fixes, e.g. CSCwh87343. */
  bugId?: string;
  /** Subpackage name, e.g. rpbase. */
  subpackage?: string;
}

// cat9k_iosxe.17.09.04a.SPA.bin, isr4300-universalk9.16.09.04.SPA.bin, cat3k_caa-universalk9.16.12.04.SPA.bin
// plus SMU / AP pack: <same>.<ver>.CSCxxNNNNN.SPA.(smu|apsp|apdp).bin
const IOS_XE_NAME =
  /^([a-z0-9]+)[_-]([a-z0-9_-]*)\.(\d{2}\.\d{2}\.\d{2}[a-z]?)(?:\.(CSC[a-z]{2}\d{5}))?\.SPA(?:\.(smu|apsp|apdp))?\.bin$/i;
// cat3k_caa-universalk9.SPA.03.06.08.E.152-2.E8.bin, asr1000rpx86-universalk9.03.16.10.S.155-3.S10-ext.SPA.bin
const IOS_XE3_NAME =
  /^([a-z0-9]+)[_-]([a-z0-9_-]*)\.(?:SPA\.)?(0\d)\.(\d{2})\.(\d{2}[a-z]?)\.([A-Z]{1,3})\.\d{3}-\d+[a-z]?\.[A-Z]+\d*[a-z]?(?:-ext)?(?:\.SPA)?\.bin$/i;
// cat9k-rpbase.17.09.04a.SPA.pkg, isr4300-mono-universalk9.16.09.04.SPA.pkg
const SUBPACKAGE_NAME = /^([a-z0-9]+)[_-]([a-z0-9_-]+)\.(\d{2}\.\d{2}\.\d{2}[a-z]?)\.SPA\.pkg$/i;
// c2900-universalk9-mz.SPA.152-4.M7.bin → 15.2(4)M7; c3750e-universalk9-tar.150-2.SE11.tar; vios-…-m.spa.159-3.m9.qcow2
const CLASSIC_IOS_NAME =
  /^([a-z0-9]+)-([a-z0-9_]+)-(?:mz|m|tar)(?:\.SPA)?\.(\d)(\d)(\d)-(\d+[a-z]?)\.([A-Z]+)(\d*)([a-z]?)\.(?:bin|tar|qcow2)$/i;
// nxos64-cs.10.2.5.M.bin / nxos.9.3.10.bin / nxos.7.0.3.I7.9.bin
const NXOS_NAME = /^(nxos(?:64)?)(?:-([a-z0-9]+))?\.(\d+)\.(\d+)\.(\d+[a-z]?)(?:\.([A-Z])(\d+)\.(\d+[a-z]?)|\.([A-Z]))?\.bin$/i;
// nxos.CSCvr09175-n9k_ALL-1.0.0-9.3.3.lib32_n9000.rpm
const NXOS_SMU_NAME = /^(nxos(?:64)?)\.(CSC[a-z]{2}\d{5})-[a-z0-9_]+-[\d.]+-(\d+)\.(\d+)\.(\d+[a-z]?)\.lib32_n9000\.rpm$/i;
// n5000-uk9-kickstart.7.3.8.N1.1.bin / n5000-uk9.7.3.8.N1.1.bin → 7.3(8)N1(1); n3000-uk9.6.0.2.U6.10.bin → 6.0(2)U6(10)
// Only Cisco's feature set `uk9` and one- or two-digit majors: genieparser's N3K capture names its
// system image `n3000-uk10.225.0.2.U6.10.bin` (edited), which must not read as release 225.0(2)U6(10).
const NXOS_PAIR_NAME = /^(n[356]000)-(uk9)(-kickstart)?\.(\d{1,2})\.(\d+)\.(\d+[a-z]?)\.([A-Z])(\d+)\.(\d+[a-z]?)\.bin$/i;
// EOS-4.27.6M.swi / EOS64-4.30.1F.swi / EOS-4.18.3.1F.swi: the release as `show version` prints it.
const EOS_NAME = /^(EOS(?:64)?)-(4\.\d{1,2}\.\d{1,2}(?:\.\d{1,2})?[FM])\.swi$/;
// isr4200_rommon_1612_1r_SPA.pkg → 16.12(1r)
const ROMMON_UNDERSCORE = /^([a-z0-9]+)(?:_[a-z0-9]+)*_rommon_(\d{2})(\d{1,2})_(\d+r)_SPA\.pkg$/i;
// asr1000-rommon.169-1r.SPA.pkg → 16.9(1r)
const ROMMON_PACKED = /^([a-z0-9]+)[_-](?:[a-z0-9_-]+[_-])?rommon\.(\d{2})(\d{1,2})-(\d+r)\.SPA\.pkg$/i;
// C9800-80-rommon.17.3.1r.SPA.pkg → 17.3(1r)
const ROMMON_DOTTED = /^([a-z0-9]+)[_-](?:[a-z0-9_-]+[_-])?rommon[._-](\d{2})\.(\d{1,2})\.(\d+r)[._]SPA\.pkg$/i;

const lastSegment = (middle: string): string => middle.split('-').filter(Boolean).pop() ?? middle;
const isNpe = (featureSet: string): boolean => /(^|_)npe($|_)/i.test(featureSet);

/** Everything a standard Cisco image file name says; undefined when it is not one. */
export function describeImageFileName(fileName: string): ImageFileInfo | undefined {
  const xe = IOS_XE_NAME.exec(fileName);
  if (xe) {
    const [, platform, middle = '', version, bugId, suffix] = xe;
    const featureSet = lastSegment(middle);
    const kind = suffix?.toLowerCase();
    if (bugId === undefined && kind !== undefined) return undefined;
    if (bugId !== undefined && kind === undefined) return undefined;
    const imageType: ImageType = kind === 'smu' ? 'SMU' : kind === 'apsp' ? 'APSP' : kind === 'apdp' ? 'APDP' : 'base';
    return {
      platform: platform!.toLowerCase(),
      version: version!,
      os: 'iosxe',
      imageType,
      ...(featureSet ? { featureSet, npe: isNpe(featureSet) } : {}),
      ...(bugId ? { bugId } : {}),
    };
  }
  const xe3 = IOS_XE3_NAME.exec(fileName);
  if (xe3) {
    const [, platform, middle = '', major, minor, patch, train] = xe3;
    const featureSet = lastSegment(middle);
    return {
      platform: platform!.toLowerCase(),
      version: `${major}.${minor}.${patch}${train!.toUpperCase()}`,
      os: 'iosxe',
      imageType: 'base',
      ...(featureSet ? { featureSet, npe: isNpe(featureSet) } : {}),
    };
  }
  const sub = SUBPACKAGE_NAME.exec(fileName);
  if (sub && !/rommon/i.test(fileName)) {
    const [, platform, subpackage, version] = sub;
    return { platform: platform!.toLowerCase(), version: version!, os: 'iosxe', imageType: 'subpackage', subpackage: subpackage! };
  }
  const classic = CLASSIC_IOS_NAME.exec(fileName);
  if (classic) {
    const [, platform, featureSet, major, minor, trainMinor, release, train, rebuild, rebuildLetter] = classic;
    return {
      platform: platform!.toLowerCase(),
      version: `${major}${minor}.${trainMinor}(${release!.toLowerCase()})${train!.toUpperCase()}${rebuild}${rebuildLetter!.toLowerCase()}`,
      os: 'ios',
      imageType: 'base',
      featureSet: featureSet!.toLowerCase(),
      npe: isNpe(featureSet!),
    };
  }
  const nx = NXOS_NAME.exec(fileName);
  if (nx) {
    const [, platform, featureSet, maj, min, patch, train, trainNo, rebuild] = nx;
    const version = train ? `${maj}.${min}(${patch})${train.toUpperCase()}${trainNo}(${rebuild})` : `${maj}.${min}(${patch})`;
    return {
      platform: platform!.toLowerCase(),
      version,
      os: 'nxos',
      imageType: 'base',
      ...(featureSet ? { featureSet: featureSet.toLowerCase() } : {}),
    };
  }
  const pair = NXOS_PAIR_NAME.exec(fileName);
  if (pair) {
    const [, platform, featureSet, kickstart, maj, min, patch, train, trainNo, rebuild] = pair;
    return {
      platform: platform!.toLowerCase(),
      version: `${maj}.${min}(${patch})${train!.toUpperCase()}${trainNo}(${rebuild})`,
      os: 'nxos',
      imageType: kickstart ? 'kickstart' : 'base',
      featureSet: featureSet!.toLowerCase(),
    };
  }
  const nxSmu = NXOS_SMU_NAME.exec(fileName);
  if (nxSmu) {
    const [, platform, bugId, maj, min, patch] = nxSmu;
    return { platform: platform!.toLowerCase(), version: `${maj}.${min}(${patch})`, os: 'nxos', imageType: 'SMU', bugId: bugId! };
  }
  const eos = EOS_NAME.exec(fileName);
  if (eos) return { platform: eos[1]!.toLowerCase(), version: eos[2]!, os: 'eos', imageType: 'base' };
  const rommon = ROMMON_UNDERSCORE.exec(fileName) ?? ROMMON_PACKED.exec(fileName) ?? ROMMON_DOTTED.exec(fileName);
  if (rommon) {
    const [, platform, major, minor, release] = rommon;
    return {
      platform: platform!.toLowerCase(),
      version: `${Number(major)}.${Number(minor)}(${release!.toLowerCase()})`,
      os: 'iosxe',
      imageType: 'ROMMON',
    };
  }
  return undefined;
}

/** Reads platform and version from a standard Cisco image file name; undefined when it is not one. */
export function parseImageFileName(fileName: string): ImageNameInfo | undefined {
  const info = describeImageFileName(fileName);
  return info ? { platform: info.platform, version: info.version } : undefined;
}

/** Just the image type guess; undefined when the name is not a standard Cisco name. */
export function guessImageType(fileName: string): ImageType | undefined {
  return describeImageFileName(fileName)?.imageType;
}
