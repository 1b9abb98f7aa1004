// An Arista switch on EOS (DCS-7050SX3-48YC8): one `.swi` image on flash:, `boot system
// flash:<image>.swi`, `write memory`, `reload`. The output takes the shape of real captures
// (ntc-templates, vendored with provenance in test/fixtures/conformance/):
//   show version     tests/arista_eos/show_version/arista_eos_show_version2.raw (a CCS-720XP on
//                    4.27.6M: model line, hardware and MAC lines, "Software image version:",
//                    internal build lines, "Uptime: … and … minutes", memory)
//   dir flash:       tests/arista_eos/dir/arista_eos_dir_flash.raw (no index column; `Aug 2  2017`
//                    or `Feb 14 02:03`; "N bytes total (M bytes free)")
//   show boot-config tests/arista_eos/show_boot-config/arista_eos_show_boot-config.raw
// and Arista's EOS User Manual (System Reset) for the reload questions: "System configuration has
// been modified. Save? [yes/no/cancel/diff]:" and "Proceed with reload? [confirm]".
import { hashNumber, identityOf } from './platform.ts';
import type { PlatformContext } from './formats-platforms.ts';
import type { PlatformProfile } from './platforms.ts';

// EOS-4.27.6M.swi / EOS64-4.30.1F.swi → 4.27.6M
const EOS_IMAGE = /^EOS(?:64)?-(4\.\d{1,2}\.\d{1,2}(?:\.\d{1,2})?[FM])\.swi$/;
const eosVersion = (fileName: string): string | undefined => EOS_IMAGE.exec(fileName)?.[1];

const FACTORY_IMAGE = 'EOS-4.27.6M.swi';

export const DCS7050SX3_PROFILE: PlatformProfile = {
  id: 'dcs7050sx3',
  family: 'eos',
  model: 'DCS-7050SX3-48YC8',
  series: 'Arista 7050X3 Series',
  filesystem: 'flash',
  // `3519041536 bytes total` (the dir flash: capture)
  flashSizeBytes: 3_519_041_536,
  defaultImage: FACTORY_IMAGE,
  // The factory files of the capture besides its images.
  defaultFiles: [
    { name: 'boot-config', size: 29 },
    { name: 'debug/', size: 4_096 },
    { name: 'persist/', size: 4_096 },
    { name: 'schedule/', size: 4_096 },
    { name: 'zerotouch-config', size: 13 },
  ],
  installMode: false,
  configRegister: '0x0',
  versionOfImage: eosVersion,
  // EOS-4.19.5M.swi is 609823300 bytes in the capture.
  imageSize: (name) => (name === FACTORY_IMAGE ? 609_823_300 : 590_000_000 + (hashNumber(name) % 40_000_000)),
};

/** `Uptime: 134 weeks, 5 days, 23 hours and 44 minutes` (units EOS leaves out when zero). */
function eosUptime(ms: number): string {
  let minutes = Math.floor(Math.max(0, ms) / 60_000);
  const parts: string[] = [];
  for (const [unit, size] of [['week', 7 * 1440], ['day', 1440], ['hour', 60]] as const) {
    const n = Math.floor(minutes / size);
    minutes -= n * size;
    if (n > 0) parts.push(`${n} ${unit}${n === 1 ? '' : 's'}`);
  }
  const last = `${minutes} minute${minutes === 1 ? '' : 's'}`;
  return parts.length === 0 ? last : `${parts.join(', ')} and ${last}`;
}

/** `fcbd.67c7.ffe7` from the lab's `aa:bb:…` MAC. */
const dottedMac = (mac: string): string => mac.replace(/:/g, '').replace(/(.{4})(?=.)/g, '$1.');

export function eosShowVersion(ctx: PlatformContext): string[] {
  const id = identityOf(ctx.state.hostname);
  const build = 28_000_000 + (hashNumber(ctx.version) % 1_000_000);
  const compact = ctx.version.replace(/\./g, '');
  const uuid = (hashNumber(`uuid ${ctx.version}`).toString(16).padStart(8, '0') + '-2e05-4650-be1e-c30774deec7e').slice(0, 36);
  return [
    `Arista ${ctx.profile.model}`,
    'Hardware version: 11.00',
    `Serial number: JPE${String(hashNumber(ctx.state.hostname) % 100_000_000).padStart(8, '0')}`,
    `Hardware MAC address: ${dottedMac(id.mac)}`,
    `System MAC address: ${dottedMac(id.mac)}`,
    '',
    `Software image version: ${ctx.version}`,
    'Architecture: i686',
    `Internal build version: ${ctx.version}-${build}.${compact}`,
    `Internal build ID: ${uuid}`,
    'Image format version: 2.0',
    'Image optimization: DEFAULT',
    '',
    `Uptime: ${eosUptime(ctx.now.getTime() - new Date(ctx.state.bootedAt).getTime())}`,
    'Total memory: 3982820 kB',
    'Free memory: 1807180 kB',
    '',
  ];
}

/** `show boot-config`: the saved boot image (EOS keeps one), `(not set)` when there is none. */
export function eosShowBootConfig(saved: readonly string[]): string[] {
  const image = saved[0]?.replace(/^flash:\/*/, 'flash:/');
  return [`Software image: ${image ?? '(not set)'}`, 'Console speed: (not set)', 'Aboot password (encrypted): (not set)', 'Memory test iterations: (not set)', ''];
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Feb 14 02:03` this year, `Aug 2  2017` before (the capture's two forms). */
function eosDate(mtime: Date, now: Date): string {
  const month = MONTHS[mtime.getUTCMonth()]!;
  if (mtime.getUTCFullYear() === now.getUTCFullYear()) return `${month} ${mtime.getUTCDate()} ${mtime.toISOString().slice(11, 16)}`;
  return `${month} ${mtime.getUTCDate()}  ${mtime.getUTCFullYear()}`;
}

export function eosDir(files: readonly { name: string; size: number; mtime: string }[], totalBytes: number, freeBytes: number, now: Date): string[] {
  return [
    'Directory of flash:/',
    '',
    ...files.map((f) => {
      const directory = f.name.endsWith('/');
      return `       ${directory ? 'drwx' : '-rwx'} ${String(f.size).padStart(11)} ${eosDate(new Date(f.mtime), now).padStart(18)}  ${f.name.replace(/\/$/, '')}`;
    }),
    '',
    `${totalBytes} bytes total (${freeBytes} bytes free)`,
  ];
}

/** `write memory` / `copy running-config startup-config`, and the end of a `copy` to flash:. */
export const EOS_COPIED = ['Copy completed successfully.'];

/** `reload` with unsaved changes asks this first (yes, no, cancel or diff). */
export const EOS_SAVE_QUESTION = 'System configuration has been modified. Save? [yes/no/cancel/diff]:';
