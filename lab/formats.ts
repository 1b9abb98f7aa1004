// Text of the show commands, laid out the way a Catalyst 9300 on IOS-XE 17.x prints them
// (samples: genieparser's c9300 `show version` golden output, Cat9k `show boot` and `dir flash:`
// captures). Each function returns lines; the CLI adds line endings, filters and paging.
import {
  CAT9300,
  compileDate,
  fcTag,
  identityOf,
  releaseTrain,
  shortVersion,
  versionOfImage,
} from './platform.ts';
import type { DeviceState, FlashEntry } from './state.ts';

/** The GPL notice IOS-XE prints in `show version` after its copyright line, word for word. */
export const IOSXE_GPL_NOTICE = [
  'All rights reserved.  Certain components of Cisco IOS-XE software are',
  'licensed under the GNU General Public License ("GPL") Version 2.0.  The',
  'software code licensed under GPL Version 2.0 is free software that comes',
  'with ABSOLUTELY NO WARRANTY.  You can redistribute and/or modify such',
  'GPL code under the terms of GPL Version 2.0.  For more details, see the',
  'documentation or "License Notice" file accompanying the IOS-XE software,',
  'or the applicable URL provided on the flyer accompanying the IOS-XE',
  'software.',
];

/** The export notice IOS and IOS-XE print in `show version`, word for word. */
export const CRYPTO_EXPORT_NOTICE = [
  'This product contains cryptographic features and is subject to United',
  'States and local country laws governing import, export, transfer and',
  'use. Delivery of Cisco cryptographic products does not imply',
  'third-party authority to import, export, distribute or use encryption.',
  'Importers, exporters, distributors and users are responsible for',
  'compliance with U.S. and local country laws. By using this product you',
  'agree to comply with applicable laws and regulations. If you are unable',
  'to comply with U.S. and local laws, return this product immediately.',
  '',
  'A summary of U.S. laws governing Cisco cryptographic products may be found at:',
  'http://www.cisco.com/wwl/export/crypto/tool/stqrg.html',
  '',
  'If you require further assistance please contact us by sending email to',
  'export@cisco.com.',
];

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

const pad2 = (n: number): string => String(n).padStart(2, '0');

function month(d: Date): string {
  return MONTHS[d.getUTCMonth()] ?? 'Jan';
}

function hms(d: Date): string {
  return `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
}

/** `3 weeks, 2 days, 4 hours, 10 minutes`: zero units are left out, as IOS does. */
export function formatUptime(ms: number): string {
  let minutes = Math.max(0, Math.floor(ms / 60_000));
  const units: [number, string][] = [
    [525_600, 'year'],
    [10_080, 'week'],
    [1_440, 'day'],
    [60, 'hour'],
    [1, 'minute'],
  ];
  const parts: string[] = [];
  for (const [size, name] of units) {
    const n = Math.floor(minutes / size);
    minutes -= n * size;
    if (n > 0) parts.push(`${n} ${name}${n === 1 ? '' : 's'}`);
  }
  return parts.length > 0 ? parts.join(', ') : '0 minutes';
}

/** `*12:34:56.789 UTC Sat Nov 21 2026` (the star: clock not synchronized by NTP). */
export function showClock(now: Date): string[] {
  const ms = String(now.getUTCMilliseconds()).padStart(3, '0');
  return [
    `*${hms(now)}.${ms} UTC ${DAYS[now.getUTCDay()] ?? 'Sun'} ${month(now)} ${now.getUTCDate()} ${now.getUTCFullYear()}`,
  ];
}

export interface VersionContext {
  state: DeviceState;
  flashSizeBytes: number;
  configRegister: string;
  nextConfigRegister: string | undefined;
  now: Date;
  /** INSTALL mode: the version packages.conf runs (the image file name carries none). */
  installedVersion?: string;
}

/** The opening lines of an IOS-XE `show version`: release, software, build, copyright and GPL notice. */
export function iosXeVersionHeader(version: string, software: string): string[] {
  const compiled = compileDate(version);
  const year = compiled.getUTCFullYear();
  const compiledText = `${DAYS[compiled.getUTCDay()] ?? 'Sun'} ${pad2(compiled.getUTCDate())}-${month(compiled)}-${String(year).slice(2)} ${pad2(compiled.getUTCHours())}:${pad2(compiled.getUTCMinutes())}`;
  return [
    `Cisco IOS XE Software, Version ${version}`,
    `Cisco IOS Software [${releaseTrain(version)}], ${software}, Version ${shortVersion(version)}, RELEASE SOFTWARE (${fcTag(version)})`,
    'Technical Support: http://www.cisco.com/techsupport',
    `Copyright (c) 1986-${year} by Cisco Systems, Inc.`,
    `Compiled ${compiledText} by mcpre`,
    '',
    '',
    `Cisco IOS-XE software, Copyright (c) 2005-${year} by cisco Systems, Inc.`,
    ...IOSXE_GPL_NOTICE,
    '',
    '',
  ];
}

/** IOS-XE `show version`: uptime, why it last reloaded, and the image it booted from `filesystem`. */
export function iosXeBootLines(state: DeviceState, now: Date, filesystem: string): string[] {
  const uptime = formatUptime(now.getTime() - Date.parse(state.bootedAt));
  return [
    `${state.hostname} uptime is ${uptime}`,
    `Uptime for this control processor is ${uptime}`,
    `System returned to ROM by ${state.lastReloadReason}`,
    `System image file is "${filesystem}:${state.runningImage}"`,
    `Last reload reason: ${state.lastReloadReason}`,
  ];
}

export function showVersion(ctx: VersionContext): string[] {
  const { state, now } = ctx;
  const install = state.runningImage === 'packages.conf';
  const version = (install ? ctx.installedVersion : versionOfImage(state.runningImage)) ?? '17.06.05';
  const id = identityOf(state.hostname);
  const register = ctx.nextConfigRegister
    ? `Configuration register is ${ctx.configRegister} (will be ${ctx.nextConfigRegister} at next reload)`
    : `Configuration register is ${ctx.configRegister}`;
  const [major = 17, minor = 6] = version.split('.').map(Number);
  // Smart Licensing Using Policy replaced the old registration model in 17.3.2.
  const policy = major > 17 || (major === 17 && minor >= 3);
  return [
    ...iosXeVersionHeader(version, `Catalyst L3 Switch Software (${CAT9300.imageId})`),
    'ROM: IOS-XE ROMMON',
    `BOOTLDR: System Bootstrap, Version ${major}.${minor}.1r, RELEASE SOFTWARE (P)`,
    '',
    ...iosXeBootLines(state, now, 'flash'),
    ...(install ? ['Installation mode is INSTALL'] : []),
    '',
    '',
    '',
    ...CRYPTO_EXPORT_NOTICE,
    '',
    '',
    'Technology Package License Information: ',
    '',
    '------------------------------------------------------------------------------',
    'Technology-package                                     Technology-package',
    'Current                        Type                       Next reboot  ',
    '------------------------------------------------------------------------------',
    'network-advantage   \tSmart License                 \t network-advantage   ',
    'dna-advantage       \tSubscription Smart License    \t dna-advantage                 ',
    'AIR License Level: AIR DNA Advantage',
    'Next reload AIR license Level: AIR DNA Advantage',
    '',
    '',
    `Smart Licensing Status: ${policy ? 'Smart Licensing Using Policy' : 'UNREGISTERED/EVAL EXPIRED'}`,
    '',
    `cisco ${CAT9300.model} (X86) processor with ${id.memoryK}K/6147K bytes of memory.`,
    `Processor board ID ${id.serial}`,
    '1 Virtual Ethernet interface',
    '56 Gigabit Ethernet interfaces',
    '8 Ten Gigabit Ethernet interfaces',
    '2 TwentyFive Gigabit Ethernet interfaces',
    '2 Forty Gigabit Ethernet interfaces',
    '2048K bytes of non-volatile configuration memory.',
    '8388608K bytes of physical memory.',
    '1638400K bytes of Crash Files at crashinfo:.',
    `${Math.floor(ctx.flashSizeBytes / 1024)}K bytes of Flash at flash:.`,
    '',
    `Base Ethernet MAC Address          : ${id.mac}`,
    'Motherboard Assembly Number        : 73-17959-06',
    `Motherboard Serial Number          : ${id.boardSerial}`,
    'Model Revision Number              : A0',
    'Motherboard Revision Number        : A0',
    `Model Number                       : ${CAT9300.model}`,
    `System Serial Number               : ${id.serial}`,
    'CLEI Code Number                   : ',
    '',
    '',
    'Switch Ports Model              SW Version        SW Image              Mode   ',
    '------ ----- -----              ----------        ----------            ----   ',
    `*    1 ${String(CAT9300.ports).padEnd(5)} ${CAT9300.model.padEnd(18)} ${version.padEnd(17)} ${CAT9300.imageId.padEnd(21)} ${install ? 'INSTALL' : 'BUNDLE'} `,
    '',
    '',
    register,
    '',
  ];
}

/** One `dir` row: `475140  -rw-           485376536  Oct 13 2023 13:33:25 +00:00  cat9k…bin`. */
function dirRow(entry: FlashEntry): string {
  const d = new Date(entry.mtime);
  const date = `${month(d)} ${d.getUTCDate()} ${d.getUTCFullYear()} ${hms(d)} +00:00`;
  return `${String(entry.inode).padStart(6)}  -rw-${String(entry.size).padStart(17)}  ${date}  ${entry.name}`;
}

export function dirFlash(entries: FlashEntry[], totalBytes: number, freeBytes: number, filesystem = 'flash'): string[] {
  return [`Directory of ${filesystem}:/`, '', ...entries.map(dirRow), '', `${totalBytes} bytes total (${freeBytes} bytes free)`];
}

function bootLine(list: string[]): string {
  return list.length === 0 ? 'BOOT variable does not exist' : `BOOT variable = ${list.map((e) => `${e};`).join('')}`;
}

/** Cat9k `show boot`: the running-config list, then what the next reload uses. */
export function showBoot(current: string[], next: string[]): string[] {
  return [
    '---------------------------',
    'Switch 1',
    '---------------------------',
    'Current Boot Variables:',
    bootLine(current),
    '',
    'Boot Variables on next reload:',
    bootLine(next),
    'Manual Boot = no',
    'Enable Break = no',
    'Boot Mode = DEVICE',
    'iPXE Timeout = 0',
  ];
}

export interface ConfigContext {
  hostname: string;
  version: string;
  bootVariables: string[];
  configRegister: string;
  username: string;
  address: string;
  /** `ip domain name` (absent: the factory one; empty: none configured). */
  domainName?: string;
  /** `alias exec` entries (`<name> <command>`). */
  aliases?: readonly string[];
  /** How the configuration writes them: `alias exec` (Cisco, the default) or `alias` (EOS). */
  aliasCommand?: string;
}

/** The configuration body shared by running- and startup-config. */
export function configBody(ctx: ConfigContext): string[] {
  const [major, minor] = ctx.version.split('.');
  const lines: string[] = [
    '!',
    `version ${Number(major)}.${Number(minor)}`,
    'service timestamps debug datetime msec',
    'service timestamps log datetime msec',
    'service password-encryption',
    'service call-home',
    'platform punt-keepalive disable-kernel-core',
    '!',
    `hostname ${ctx.hostname}`,
    '!',
    '!',
    'vrf definition Mgmt-vrf',
    ' !',
    ' address-family ipv4',
    ' exit-address-family',
    ' !',
    ' address-family ipv6',
    ' exit-address-family',
    '!',
    'no aaa new-model',
    'boot-start-marker',
    ...ctx.bootVariables.map((b) => `boot system ${b}`),
    'boot-end-marker',
    '!',
    `config-register ${ctx.configRegister}`,
    'switch 1 provision c9300-48p',
    '!',
    ...(ctx.domainName === '' ? [] : [`ip domain name ${ctx.domainName ?? 'lab.netswim.example'}`, '!']),
    'login on-success log',
    '!',
    'crypto pki trustpoint TP-self-signed-1234567890',
    ' enrollment selfsigned',
    ' revocation-check none',
    '!',
    'license boot level network-advantage addon dna-advantage',
    '!',
    'spanning-tree mode rapid-pvst',
    'spanning-tree extend system-id',
    '!',
    `username ${ctx.username} privilege 15 secret 9 $9$lab$netswimlabsecrethashnotreal`,
    '!',
    'redundancy',
    ' mode sso',
    '!',
    'interface GigabitEthernet0/0',
    ' vrf forwarding Mgmt-vrf',
    ` ip address ${ctx.address} 255.255.255.0`,
    ' negotiation auto',
    '!',
  ];
  for (let port = 1; port <= 48; port++) {
    lines.push(`interface GigabitEthernet1/0/${port}`, '!');
  }
  for (let port = 1; port <= 4; port++) {
    lines.push(`interface GigabitEthernet1/1/${port}`, '!');
  }
  for (let port = 1; port <= 8; port++) {
    lines.push(`interface TenGigabitEthernet1/1/${port}`, '!');
  }
  lines.push(
    'interface Vlan1',
    ' no ip address',
    ' shutdown',
    '!',
    'ip forward-protocol nd',
    'ip http server',
    'ip http secure-server',
    'ip ssh version 2',
    '!',
    'control-plane',
    ' service-policy input system-cpp-policy',
    '!',
    ...(ctx.aliases ?? []).map((a) => `${ctx.aliasCommand ?? 'alias exec'} ${a}`),
    'line con 0',
    ' stopbits 1',
    'line vty 0 4',
    ' login local',
    ' transport input ssh',
    'line vty 5 15',
    ' login local',
    ' transport input ssh',
    '!',
    'end',
  );
  return lines;
}

export function showRunningConfig(ctx: ConfigContext, lastChange: Date): string[] {
  const body = configBody(ctx);
  const size = body.reduce((n, l) => n + l.length + 1, 0);
  return [
    'Building configuration...',
    '',
    `Current configuration : ${size} bytes`,
    '!',
    `! Last configuration change at ${hms(lastChange)} UTC ${DAYS[lastChange.getUTCDay()] ?? 'Sun'} ${month(lastChange)} ${lastChange.getUTCDate()} ${lastChange.getUTCFullYear()}`,
    ...body,
    '',
  ];
}

export function showStartupConfig(ctx: ConfigContext | undefined): string[] {
  if (!ctx) return ['startup-config is not present'];
  const body = configBody(ctx);
  const size = body.reduce((n, l) => n + l.length + 1, 0);
  return [`Using ${size} out of 2097152 bytes`, ...body, ''];
}
