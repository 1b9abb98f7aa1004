// The platforms the lab simulates, each a profile: model, family, flash file system and size,
// factory files, the image it ships with, how an image file name maps to the version it runs,
// and whether it boots a bundle or an INSTALL-mode `packages.conf`. Pure and deterministic.
import { CAT9300, hashNumber, versionOfImage as cat9kVersion } from './platform.ts';
import type { LabPlatform } from './types.ts';
import { N5548_PROFILE } from './nxos-kickstart.ts';
import { DCS7050SX3_PROFILE } from './os-eos.ts';

export type PlatformFamily = 'ios-xe' | 'ios' | 'nx-os' | 'eos';

export interface PlatformProfile {
  id: LabPlatform;
  family: PlatformFamily;
  model: string;
  series: string;
  /** File system images live on, without the colon: `flash` or `bootflash`. */
  filesystem: 'flash' | 'bootflash';
  flashSizeBytes: number;
  /** Image the device ships with (a bundle .bin; INSTALL mode expands it into packages). */
  defaultImage: string;
  /** Files on a factory device besides the image (INSTALL mode: besides the packages). */
  defaultFiles: { name: string; size: number }[];
  installMode: boolean;
  /**
   * A Catalyst access switch on classic IOS: `show boot` prints `BOOT path-list`, `show bootvar`
   * is not a command, and the factory image sits in a flash directory (`archive download-sw`).
   */
  accessSwitch?: boolean;
  /**
   * An IOS-XE router (ASR 1000) rather than a Catalyst switch: router `show version` (no switch
   * table), `show boot` as `BOOT variable = bootflash:packages.conf,12;`, a `Chassis` inventory,
   * install output naming the route processor R0.
   */
  iosXeRouter?: boolean;
  /** INSTALL mode: the package files (and provisioning .conf) a bundle of `version` expands into. */
  packageFiles?(version: string): { name: string; size: number }[];
  /** INSTALL mode: the package whose name carries the version (`show install summary` lists those). */
  basePackage?: string;
  configRegister: string;
  /** Version an image file runs as the platform prints it; undefined when not an image. */
  versionOfImage(fileName: string): string | undefined;
  /** Declared size of a synthetic (byte-less) image file. */
  imageSize(fileName: string): number;
  /**
   * NX-OS with separate images (Nexus 5000, 3000 on 6.x): the kickstart image it ships with and
   * the release a kickstart file boots; `defaultImage` and `versionOfImage` are the system image's.
   */
  kickstart?: { defaultImage: string; versionOfImage(fileName: string): string | undefined };
}

// c2900-universalk9-mz.SPA.152-4.M7.bin → 15.2(4)M7
const CLASSIC_IMAGE = /^c2900-universalk9-mz\.SPA\.(\d{2})(\d)-(\d+)\.([A-Z]+\d*[a-z]?)\.bin$/;
// nxos64-cs.10.2.5.M.bin → 10.2(5); nxos.9.3.10.bin → 9.3(10)
const NXOS_IMAGE = /^nxos(?:64-cs|64-msll)?\.(\d+)\.(\d+)\.(\d+[a-z]?)(?:\.[A-Z])?\.bin$/;

export function classicIosVersion(fileName: string): string | undefined {
  const m = CLASSIC_IMAGE.exec(fileName);
  return m ? `${m[1]}.${m[2]}(${m[3]})${m[4]}` : undefined;
}

// c2960x-universalk9-mz.152-7.E2.bin (also inside its directory) → 15.2(7)E2
const C2960X_IMAGE = /^(?:[^/]+\/)?c2960x-universalk9-mz\.(\d{2})(\d)-(\d+)\.([A-Z]+\d*[a-z]?)\.bin$/;

export function c2960xVersion(fileName: string): string | undefined {
  const m = C2960X_IMAGE.exec(fileName);
  return m ? `${m[1]}.${m[2]}(${m[3]})${m[4]}` : undefined;
}

const C2960X_FACTORY_IMAGE = 'c2960x-universalk9-mz.152-2.E7/c2960x-universalk9-mz.152-2.E7.bin';

export function nxosVersion(fileName: string): string | undefined {
  const m = NXOS_IMAGE.exec(fileName);
  return m ? `${m[1]}.${m[2]}(${m[3]})` : undefined;
}

/** `17.09.04a` → the INSTALL-mode package names a bundle of that version expands into. */
export const CAT9K_PACKAGES = [
  'cat9k-cc_srdriver',
  'cat9k-espbase',
  'cat9k-guestshell',
  'cat9k-lni',
  'cat9k-rpbase',
  'cat9k-rpboot',
  'cat9k-sipbase',
  'cat9k-sipspa',
  'cat9k-srdriver',
  'cat9k-webui',
  'cat9k-wlc',
] as const;

export function packageFiles(version: string): { name: string; size: number }[] {
  const files = CAT9K_PACKAGES.map((p) => ({
    name: `${p}.${version}.SPA.pkg`,
    size: p === 'cat9k-rpbase' ? 308_000_000 + (hashNumber(version) % 9_000_000) : p === 'cat9k-rpboot' ? 58_000_000 + (hashNumber(p + version) % 3_000_000) : 3_000_000 + (hashNumber(p + version) % 90_000_000),
  }));
  return [...files, { name: `cat9k_iosxe.${version}.SPA.conf`, size: 8_004 + (hashNumber(version) % 400) }];
}

/** The INSTALL-mode files a bundle of `version` expands into on this platform. */
export function packageFilesOf(profile: PlatformProfile, version: string): { name: string; size: number }[] {
  return (profile.packageFiles ?? packageFiles)(version);
}

/** `cat9k-rpbase.17.09.04a.SPA.pkg` → `17.09.04a`: the release an INSTALL-mode base package belongs to. */
export function versionOfBasePackage(profile: PlatformProfile, fileName: string): string | undefined {
  const base = profile.basePackage ?? 'cat9k-rpbase';
  return fileName.startsWith(`${base}.`) ? /^[^.]+\.(.+)\.SPA\.pkg$/.exec(fileName)?.[1] : undefined;
}

// asr1001x-universalk9.17.09.04a.SPA.bin → 17.09.04a
const ASR1001X_IMAGE = /^asr1001x-universalk9\.(\d{2})\.(\d{2})\.(\d{2})([a-z]?)\.SPA\.bin$/;

export function asr1001xVersion(fileName: string): string | undefined {
  const m = ASR1001X_IMAGE.exec(fileName);
  return m ? `${m[1]}.${m[2]}.${m[3]}${m[4] ?? ''}` : undefined;
}

/**
 * ASR 1001-X INSTALL mode on 17.x: the bundle expands into the monolithic IOSd package and the RP
 * boot package, and a provisioning file named after the bundle. (The conformance corpus has no
 * `dir bootflash:` of an ASR in INSTALL mode: the names follow Cisco's ASR 1000 17.x naming.)
 */
export function asr1001xPackageFiles(version: string): { name: string; size: number }[] {
  return [
    { name: `asr1001x-mono-universalk9.${version}.SPA.pkg`, size: 640_000_000 + (hashNumber(`mono${version}`) % 40_000_000) },
    { name: `asr1001x-rpboot.${version}.SPA.pkg`, size: 56_000_000 + (hashNumber(`rpboot${version}`) % 4_000_000) },
    { name: `asr1001x-universalk9.${version}.SPA.conf`, size: 6_200 + (hashNumber(version) % 400) },
  ];
}

const ASR1001X_FACTORY_IMAGE = 'asr1001x-universalk9.17.06.05.SPA.bin';

const cat9kBase = {
  family: 'ios-xe' as const,
  model: CAT9300.model,
  series: 'Catalyst 9300 Series Switches',
  filesystem: 'flash' as const,
  flashSizeBytes: CAT9300.flashSizeBytes,
  defaultImage: CAT9300.defaultImage,
  defaultFiles: [
    { name: 'nvram_config', size: 2_097_152 },
    { name: 'nvram_config_bkup', size: 2_097_152 },
    { name: 'vlan.dat', size: 3_096 },
  ],
  configRegister: CAT9300.configRegister,
  versionOfImage: cat9kVersion,
  imageSize: (name: string): number =>
    name === CAT9300.defaultImage ? CAT9300.defaultImageSize : 470_000_000 + (hashNumber(name) % 30_000_000),
};

export const PLATFORMS: Record<LabPlatform, PlatformProfile> = {
  cat9300: { id: 'cat9300', ...cat9kBase, installMode: false },
  'cat9300-install': { id: 'cat9300-install', ...cat9kBase, installMode: true },
  isr2900: {
    id: 'isr2900',
    family: 'ios',
    model: 'CISCO2911/K9',
    series: 'Cisco 2900 Series Integrated Services Routers',
    filesystem: 'flash',
    flashSizeBytes: 255_426_560,
    defaultImage: 'c2900-universalk9-mz.SPA.152-4.M7.bin',
    defaultFiles: [
      { name: 'cpconfig-29xx.cfg', size: 3_064 },
      { name: 'cpexpress.tar', size: 2_945_024 },
      { name: 'home.shtml', size: 1_038 },
      { name: 'home.tar', size: 122_880 },
    ],
    installMode: false,
    configRegister: '0x2102',
    versionOfImage: classicIosVersion,
    imageSize: (name) => (name === 'c2900-universalk9-mz.SPA.152-4.M7.bin' ? 97_794_040 : 95_000_000 + (hashNumber(name) % 10_000_000)),
  },
  c2960x: {
    id: 'c2960x',
    family: 'ios',
    model: 'WS-C2960X-48FPD-L',
    series: 'Cisco Catalyst 2960-X Series Switches',
    filesystem: 'flash',
    flashSizeBytes: 122_185_728,
    defaultImage: C2960X_FACTORY_IMAGE,
    defaultFiles: [
      { name: 'multiple-fs', size: 2_220 },
      { name: 'vlan.dat', size: 1_916 },
      { name: 'private-config.text', size: 1_734 },
      { name: 'config.text', size: 8_642 },
      { name: 'c2960x-universalk9-mz.152-2.E7/info', size: 818 },
      { name: 'c2960x-universalk9-mz.152-2.E7/html/homepage.htm', size: 3_992 },
    ],
    installMode: false,
    accessSwitch: true,
    configRegister: '0xF',
    versionOfImage: c2960xVersion,
    imageSize: (name) => (name === C2960X_FACTORY_IMAGE ? 26_789_888 : 26_000_000 + (hashNumber(name) % 3_000_000)),
  },
  n9k: {
    id: 'n9k',
    family: 'nx-os',
    model: 'N9K-C93180YC-FX3',
    series: 'Nexus 9000 Series Switches',
    filesystem: 'bootflash',
    flashSizeBytes: 53_586_325_504,
    defaultImage: 'nxos64-cs.10.2.5.M.bin',
    defaultFiles: [
      { name: '.rpmstore/', size: 4_096 },
      { name: 'scripts/', size: 4_096 },
      { name: 'lost+found/', size: 16_384 },
    ],
    installMode: false,
    configRegister: '0x0',
    versionOfImage: nxosVersion,
    imageSize: (name) => (name === 'nxos64-cs.10.2.5.M.bin' ? 1_978_203_648 : 1_900_000_000 + (hashNumber(name) % 150_000_000)),
  },
  'asr1000-install': {
    id: 'asr1000-install',
    family: 'ios-xe',
    model: 'ASR1001-X',
    series: 'Cisco ASR 1000 Series Aggregation Services Routers',
    filesystem: 'bootflash',
    // `6070271K bytes of eUSB flash at bootflash:.` (genieparser's ASR1001-X show version)
    flashSizeBytes: 6_215_957_504,
    defaultImage: ASR1001X_FACTORY_IMAGE,
    defaultFiles: [
      { name: 'ds_stats.txt', size: 0 },
      { name: 'pnp-tech-time', size: 35 },
      { name: 'pnp-tech-discovery-summary', size: 19_957 },
    ],
    installMode: true,
    iosXeRouter: true,
    packageFiles: asr1001xPackageFiles,
    basePackage: 'asr1001x-mono-universalk9',
    configRegister: '0x2102',
    versionOfImage: asr1001xVersion,
    imageSize: (name) => 700_000_000 + (hashNumber(name) % 40_000_000),
  },
  n5548: N5548_PROFILE,
  dcs7050sx3: DCS7050SX3_PROFILE,
};

export function profileOf(platform: LabPlatform): PlatformProfile {
  const profile = (PLATFORMS as Partial<Record<string, PlatformProfile>>)[platform];
  if (!profile) throw new Error(`unsupported platform ${String(platform)}`);
  return profile;
}

/** `flash:x.bin`, `flash:/x.bin`, `bootflash:///x.bin` → `x.bin`, `flash:dir/x.bin` → `dir/x.bin`, when on `filesystem`. */
export function fileOnFilesystem(path: string, filesystem: string): string | undefined {
  const m = /^([a-z0-9]+):\/*((?:[^/\s]+\/)?[^/\s]+)$/i.exec(path);
  if (!m || m[1]?.toLowerCase() !== filesystem) return undefined;
  return m[2];
}
