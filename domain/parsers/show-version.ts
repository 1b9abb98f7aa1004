// Parser for `show version` on IOS, IOS-XE and NX-OS. It reads what an upgrade decides on (the
// OS, its release, the boot image, the install mode) and refuses, naming what it missed, output
// it cannot place: a guess here would choose the wrong activation method on a production box.
import { osOfShowVersion, type OsFamily } from '../../drivers/index.ts';
import { DeviceOutputError } from './parse-error.ts';

export interface ShowVersion {
  os: OsFamily;
  /** Absent on EOS, whose `show version` names no host (its prompt and `show hostname` do). */
  hostname?: string;
  /** The release the image is named after: `17.09.04a`, `03.09.01.S`, `15.2(7)E2`, `9.3(15)`. */
  version: string;
  /**
   * Boot image as the device names it, e.g. `flash:cat9k_iosxe.17.09.04a.SPA.bin`; the system
   * image on NX-OS. Absent where the device prints no image line (Catalyst 4500 on IOS-XE 3.3):
   * `bootImageOf` refuses it where an upgrade needs it.
   */
  systemImage?: string;
  /** NX-OS 5000/6000/7000 and older 3000: the kickstart image booted with the system image. */
  kickstartImage?: string;
  /** Uptime in seconds (minute resolution on IOS). */
  uptimeSeconds: number;
  /** The smallest unit the uptime is printed in: 60 on IOS and IOS-XE, 1 where seconds are printed (NX-OS). */
  uptimeResolutionSeconds: number;
  configRegister?: string;
  /** IOS-XE only: INSTALL when it boots a packages.conf, BUNDLE when it boots a .bin. */
  installMode?: 'INSTALL' | 'BUNDLE';
}

const UNIT_SECONDS: Record<string, number> = {
  year: 365 * 86400,
  week: 7 * 86400,
  day: 86400,
  hour: 3600,
  minute: 60,
  second: 1,
};

/** `1 week, 2 days, 3 hours, 4 minutes`, `123 day(s), 5 hour(s)` → seconds. */
export function parseUptime(text: string): number {
  let seconds = 0;
  let matched = false;
  for (const m of text.matchAll(/(\d+)\s+(year|week|day|hour|minute|second)s?\b/g)) {
    seconds += Number(m[1]) * (UNIT_SECONDS[m[2]!] ?? 0);
    matched = true;
  }
  if (!matched) throw new Error(`cannot read uptime "${text}"`);
  return seconds;
}

// Oldest classic IOS train netswim is tested on; older releases are refused, not guessed at.
const OLDEST_IOS_MAJOR = 12.2;

function releaseOf(os: OsFamily, output: string, fail: (problem: string) => never): string {
  if (os === 'eos') {
    const line = /^Software image version:\s*(.*?)\s*$/m.exec(output)?.[1] ?? fail('no "Software image version:" line');
    // cEOS lab builds print `4.31.6M-39953990.4316M (engineering build)`: no release an image is named after.
    if (/engineering build/i.test(line)) fail(`an engineering build (Software image version: ${line}), not a release netswim can compare images with`);
    if (!/^\d+\.\d+\.\d+(?:\.\d+)?[A-Z]+$/.test(line)) fail(`cannot read the release in "Software image version: ${line}"`);
    return line;
  }
  if (os === 'nx-os') {
    return (/^\s*NXOS:\s+version\s+(\S+)/m.exec(output) ?? /^\s*system:\s+version\s+(\S+)/m.exec(output))?.[1] ?? fail('no "NXOS: version" or "system: version" line');
  }
  // IOSd's line: `Cisco IOS Software [Fuji], … Version 16.9.5, CUST-SPECIAL:…` / `…, Version 15.2(2)E7, RELEASE…`.
  const iosd = /^(?:Cisco IOS Software|IOS \(tm\)).*?,\s*Version\s+([^,\s]+)/m.exec(output)?.[1];
  if (os === 'ios') return iosd ?? fail('no "Cisco IOS Software, … Version" line');
  // 16.x and later name the IOS-XE release first; a special or engineering build names its build
  // there (`V169_5_SR689355441_2`, `BLD_…`), and then IOSd's line carries the release.
  const xe = /^Cisco IOS XE Software, Version\s+(\S+)/m.exec(output)?.[1];
  if (xe && /^\d+\.\d+/.test(xe)) return xe;
  // 3.x: the IOS-XE release on its own line (ASR 1000) or as the version of the IOS-XE Software line (Catalyst).
  const xe3 = /^IOS XE Version:\s+(\S+)/m.exec(output)?.[1] ?? /IOS-XE Software.*?,\s*Version\s+([^,\s]+)/.exec(output)?.[1];
  return xe3 ?? iosd ?? fail('no "Cisco IOS XE Software, Version" line');
}

function installModeOf(output: string, systemImage: string | undefined, fail: (problem: string) => never): 'INSTALL' | 'BUNDLE' | undefined {
  const fromImage = systemImage === undefined ? undefined : /\.conf$/i.test(systemImage) ? 'INSTALL' : 'BUNDLE';
  const printed = new Set([
    ...[...output.matchAll(/Installation mode is (INSTALL|BUNDLE)/g)].map((m) => m[1]!),
    ...[...output.matchAll(/^\*?\s*\d+\s+\d+\s+\S+\s+\S+\s+\S+\s+(INSTALL|BUNDLE)\s*$/gm)].map((m) => m[1]!),
  ]);
  if (printed.size > 1) fail('stack members report different install modes (INSTALL and BUNDLE)');
  const said = [...printed][0] as 'INSTALL' | 'BUNDLE' | undefined;
  if (said && fromImage && said !== fromImage) fail(`the device says ${said} mode but boots ${systemImage}`);
  return said ?? fromImage;
}

export function parseShowVersion(output: string): ShowVersion {
  const fail = (problem: string): never => {
    throw new DeviceOutputError('show version', problem, output);
  };
  const os = osOfShowVersion(output) ?? fail('not the output of IOS, IOS-XE, NX-OS or EOS (no "Cisco IOS Software", "Cisco IOS XE Software", "Cisco Nexus Operating System" or "Arista …" and "Software image version:" line)');
  // Cisco's engineering builds carry a date for a release: no image name or version compares with it.
  const experimental = /Experimental Version\s+(\S+)/.exec(output)?.[1];
  if (experimental) fail(`an experimental build (Experimental Version ${experimental}), not a release netswim can compare images with`);
  const version = releaseOf(os, output, fail);

  const kickstartImage = /kickstart image file is:\s+(\S+)/.exec(output)?.[1];
  const systemImage =
    /System image file is "([^"]+)"/.exec(output)?.[1] ??
    /NXOS image file is:\s+(\S+)/.exec(output)?.[1] ??
    /system image file is:\s+(\S+)/.exec(output)?.[1];
  if (os === 'nx-os' && /(^|[/:])aci-/.test(`${kickstartImage ?? ''} ${systemImage ?? ''}`)) {
    fail(`an ACI-mode switch (${kickstartImage ?? systemImage}): its images are managed by the APIC, not netswim`);
  }
  if (os === 'ios') {
    const train = /^(\d+)\.(\d+)/.exec(version);
    if (!train || Number(`${train[1]}.${train[2]}`) < OLDEST_IOS_MAJOR) fail(`IOS ${version} is older than ${OLDEST_IOS_MAJOR}, the oldest release netswim supports`);
  }
  if (os === 'nx-os' && !systemImage) fail('no "NXOS image file is" or "system image file is" line');

  // NX-OS names the device on its own line and prints "Kernel uptime is …", which is no hostname.
  if (os === 'eos') return eosVersion(output, version, fail);
  const nxosName = /Device name:\s+(\S+)/.exec(output)?.[1];
  const kernelUptime = /Kernel uptime is\s+(.+)$/m.exec(output);
  const uptime = /^\s*(?!Kernel\s)(\S+)\s+uptime is\s+(.+)$/m.exec(output);
  const hostname = nxosName ?? uptime?.[1] ?? fail('no hostname ("… uptime is" or "Device name:" line)');
  const uptimeText = (nxosName ? kernelUptime?.[1] : undefined) ?? uptime?.[2] ?? kernelUptime?.[1] ?? fail('no uptime line');
  let uptimeSeconds = 0;
  try {
    uptimeSeconds = parseUptime(uptimeText);
  } catch {
    fail(`cannot read the uptime "${uptimeText.trim()}"`);
  }

  const result: ShowVersion = {
    os,
    hostname,
    version,
    uptimeSeconds,
    uptimeResolutionSeconds: /\bsecond/.test(uptimeText) ? 1 : 60,
  };
  if (systemImage) result.systemImage = systemImage;
  if (kickstartImage) result.kickstartImage = kickstartImage;
  const register = /Configuration register is (0x[0-9A-Fa-f]+)/.exec(output)?.[1];
  if (register) result.configRegister = register;
  if (os === 'ios-xe') {
    const mode = installModeOf(output, systemImage, fail);
    if (mode) result.installMode = mode;
  }
  return result;
}

/** EOS: `Uptime: 134 weeks, 5 days, 23 hours and 44 minutes`, minute resolution; no host, no image line. */
function eosVersion(output: string, version: string, fail: (problem: string) => never): ShowVersion {
  const uptimeText = /^Uptime:\s*(.+?)\s*$/m.exec(output)?.[1] ?? fail('no "Uptime:" line');
  let uptimeSeconds = 0;
  try {
    uptimeSeconds = parseUptime(uptimeText);
  } catch {
    fail(`cannot read the uptime "${uptimeText}"`);
  }
  return { os: 'eos', version, uptimeSeconds, uptimeResolutionSeconds: /\bsecond/.test(uptimeText) ? 1 : 60 };
}

/** The boot image, or a refusal naming the missing line where an upgrade cannot go on without it. */
export function bootImageOf(version: ShowVersion): string {
  if (version.systemImage) return version.systemImage;
  throw new DeviceOutputError('show version', 'no "System image file is" line: netswim cannot tell which image the device runs', '');
}

/** `flash:dir/x.bin` → `dir/x.bin`, `bootflash:///x.bin` → `x.bin`: the path on its file system. */
export function imagePathOf(systemImage: string): string {
  const afterDevice = systemImage.includes(':') ? systemImage.slice(systemImage.indexOf(':') + 1) : systemImage;
  return afterDevice.replace(/^\/+/, '');
}

/** `flash:cat9k.bin` / `bootflash:/x.bin` → `x.bin`. */
export function fileNameOfImage(systemImage: string): string {
  const afterDevice = systemImage.includes(':') ? systemImage.slice(systemImage.indexOf(':') + 1) : systemImage;
  return afterDevice.replace(/^\/+/, '').split('/').pop() ?? afterDevice;
}
