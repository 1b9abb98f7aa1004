// Parser for `show version` on IOS, IOS-XE and NX-OS.
import { DeviceOutputError } from './parse-error.ts';

export interface ShowVersion {
  hostname: string;
  version: string;
  /** Boot image as the device names it, e.g. `flash:cat9k_iosxe.17.09.04a.SPA.bin`. */
  systemImage: string;
  /** Uptime in seconds (minute resolution on IOS). */
  uptimeSeconds: number;
  /** The smallest unit the uptime is printed in: 60 on IOS and IOS-XE, 1 where seconds are printed (NX-OS). */
  uptimeResolutionSeconds: number;
  configRegister?: string;
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

/** `1 week, 2 days, 3 hours, 4 minutes` → seconds. */
export function parseUptime(text: string): number {
  let seconds = 0;
  let matched = false;
  for (const m of text.matchAll(/(\d+)\s+(year|week|day|hour|minute|second)s?/g)) {
    seconds += Number(m[1]) * (UNIT_SECONDS[m[2]!] ?? 0);
    matched = true;
  }
  if (!matched) throw new Error(`cannot read uptime "${text}"`);
  return seconds;
}

export function parseShowVersion(output: string): ShowVersion {
  const fail = (problem: string): never => {
    throw new DeviceOutputError('show version', problem, output);
  };
  // IOS-XE names its release first; older 3.x routers (ASR1000 3.9S) print it on an
  // `IOS XE Version:` line under the IOSd version (15.3(2)S1), which is not the image's release.
  const version =
    /Cisco IOS XE Software, Version\s+(\S+)/.exec(output)?.[1] ??
    /^IOS XE Version:\s+(\S+)/m.exec(output)?.[1] ??
    /Cisco IOS Software.*?,\s*Version\s+([^,\s]+)/.exec(output)?.[1] ??
    /NXOS:\s+version\s+(\S+)/.exec(output)?.[1] ??
    fail('no version line');

  // NX-OS names the device on its own line and prints "Kernel uptime is …", which is no hostname.
  const nxosName = /Device name:\s+(\S+)/.exec(output)?.[1];
  const kernelUptime = /Kernel uptime is\s+(.+)$/m.exec(output);
  const uptime = /^\s*(?!Kernel\s)(\S+)\s+uptime is\s+(.+)$/m.exec(output);
  const hostname = nxosName ?? uptime?.[1] ?? fail('no hostname');
  const uptimeText = (nxosName ? kernelUptime?.[1] : undefined) ?? uptime?.[2] ?? kernelUptime?.[1] ?? fail('no uptime');

  const systemImage =
    /System image file is "([^"]+)"/.exec(output)?.[1] ??
    /NXOS image file is:\s+(\S+)/.exec(output)?.[1] ??
    fail('no system image file');

  const mode = /Installation mode is (INSTALL|BUNDLE)/.exec(output)?.[1] ??
    /^\*?\s*\d+\s+\d+\s+\S+\s+\S+\s+\S+\s+(INSTALL|BUNDLE)\s*$/m.exec(output)?.[1];

  const result: ShowVersion = {
    hostname,
    version,
    systemImage,
    uptimeSeconds: parseUptime(uptimeText),
    uptimeResolutionSeconds: /\bsecond/.test(uptimeText) ? 1 : 60,
  };
  const register = /Configuration register is (0x[0-9A-Fa-f]+)/.exec(output)?.[1];
  if (register) result.configRegister = register;
  if (mode === 'INSTALL' || mode === 'BUNDLE') result.installMode = mode;
  return result;
}

/** `flash:cat9k.bin` / `bootflash:/x.bin` → `x.bin`. */
export function fileNameOfImage(systemImage: string): string {
  const afterDevice = systemImage.includes(':') ? systemImage.slice(systemImage.indexOf(':') + 1) : systemImage;
  return afterDevice.replace(/^\/+/, '').split('/').pop() ?? afterDevice;
}
