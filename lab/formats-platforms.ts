// Show-command text of the platforms other than the Catalyst 9300 bundle (classic IOS on an ISR
// G2, NX-OS on a Nexus 9000, IOS-XE INSTALL mode), and the check commands every platform answers
// (ntp, crypto keys, HTTPS server, licenses, CPU, routes, interfaces, inventory). Layouts follow
// real captures (see test/fixtures/lab-real/README.md); each function returns lines.
import { CRYPTO_EXPORT_NOTICE, formatUptime, iosXeBootLines, iosXeVersionHeader } from './formats.ts';
import { compileDate, hashNumber, identityOf, type Identity } from './platform.ts';
import type { PlatformProfile } from './platforms.ts';
import type { DeviceState, FlashEntry } from './state.ts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const pad2 = (n: number): string => String(n).padStart(2, '0');
const month = (d: Date): string => MONTHS[d.getUTCMonth()] ?? 'Jan';
const hms = (d: Date): string => `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
const day = (d: Date): string => DAYS[d.getUTCDay()] ?? 'Sun';

export interface PlatformContext {
  profile: PlatformProfile;
  state: DeviceState;
  version: string;
  flashSizeBytes: number;
  configRegister: string;
  nextConfigRegister: string | undefined;
  now: Date;
}

// --- classic IOS (ISR G2) ---------------------------------------------------------------------

/** `15.2(4)M7` → numbers used for deterministic dates. */
function classicParts(version: string): { major: number; minor: number; rebuild: number } {
  const m = /^(\d+)\.(\d+)\((\d+)\)/.exec(version);
  return { major: Number(m?.[1] ?? 15), minor: Number(m?.[2] ?? 2), rebuild: Number(m?.[3] ?? 4) };
}

export function classicShowVersion(ctx: PlatformContext): string[] {
  const { state, now, version } = ctx;
  const id = identityOf(state.hostname);
  const p = classicParts(version);
  const compiled = compileDate(`16.${p.minor}.${p.rebuild}`);
  const year = 2012 + p.minor + Math.floor(p.rebuild / 3);
  const booted = new Date(state.bootedAt);
  const register = ctx.nextConfigRegister
    ? `Configuration register is ${ctx.configRegister} (will be ${ctx.nextConfigRegister} at next reload)`
    : `Configuration register is ${ctx.configRegister}`;
  const serial = id.serial.replace(/^FOC/, 'FTX');
  return [
    `Cisco IOS Software, C2900 Software (C2900-UNIVERSALK9-M), Version ${version}, RELEASE SOFTWARE (fc${1 + (hashNumber(version) % 3)})`,
    'Technical Support: http://www.cisco.com/techsupport',
    `Copyright (c) 1986-${year} by Cisco Systems, Inc.`,
    `Compiled ${day(compiled)} ${pad2(compiled.getUTCDate())}-${month(compiled)}-${String(year).slice(2)} ${pad2(compiled.getUTCHours())}:${pad2(compiled.getUTCMinutes())} by prod_rel_team`,
    '',
    'ROM: System Bootstrap, Version 15.0(1r)M16, RELEASE SOFTWARE (fc1)',
    '',
    `${state.hostname} uptime is ${formatUptime(now.getTime() - booted.getTime())}`,
    `System returned to ROM by ${state.reloadCount > 0 ? 'reload' : 'power-on'} at ${hms(booted)} UTC ${day(booted)} ${month(booted)} ${booted.getUTCDate()} ${booted.getUTCFullYear()}`,
    `System restarted at ${hms(booted)} UTC ${day(booted)} ${month(booted)} ${booted.getUTCDate()} ${booted.getUTCFullYear()}`,
    `System image file is "flash:${state.runningImage}"`,
    `Last reload type: Normal Reload`,
    `Last reload reason: ${state.lastReloadReason === 'PowerOn' ? 'power-on' : state.lastReloadReason}`,
    '',
    '',
    '',
    ...CRYPTO_EXPORT_NOTICE,
    '',
    `Cisco ${ctx.profile.model} (revision 1.0) with 487424K/36864K bytes of memory.`,
    `Processor board ID ${serial}`,
    '3 Gigabit Ethernet interfaces',
    '1 terminal line',
    'DRAM configuration is 64 bits wide with parity enabled.',
    '255K bytes of non-volatile configuration memory.',
    `${Math.floor(ctx.flashSizeBytes / 1024)}K bytes of ATA System CompactFlash 0 (Read/Write)`,
    '',
    '',
    'License Info:',
    '',
    'License UDI:',
    '',
    '-------------------------------------------------',
    'Device#\t  PID\t\t\tSN',
    '-------------------------------------------------',
    `*0  \t  ${ctx.profile.model.padEnd(22)}${serial}     `,
    '',
    '',
    '',
    'Technology Package License Information for Module:\'c2900\' ',
    '',
    '-----------------------------------------------------------------',
    'Technology    Technology-package           Technology-package',
    '              Current       Type           Next reboot  ',
    '------------------------------------------------------------------',
    'ipbase        ipbasek9      Permanent      ipbasek9',
    'security      securityk9    Permanent      securityk9',
    'uc            None          None           None',
    'data          None          None           None',
    '',
    register,
    '',
  ];
}

/**
 * Classic `dir flash:`: `    1  -rw-    97794040  Feb 16 2015 10:38:42 +00:00  c2900-….bin`; a
 * file in a directory shows as its directory (`drwx  512 …  c2960x-…E7`), as on a real switch.
 */
export function classicDir(entries: FlashEntry[], totalBytes: number, freeBytes: number): string[] {
  const date = (mtime: string) => {
    const d = new Date(mtime);
    return `${month(d)} ${String(d.getUTCDate()).padStart(2)} ${d.getUTCFullYear()} ${hms(d)} +00:00`;
  };
  const rows: string[] = [];
  const directories = new Set<string>();
  for (const e of entries) {
    const slash = e.name.indexOf('/');
    if (slash < 0) {
      rows.push(`${String(rows.length + 1).padStart(5)}  -rw-${String(e.size).padStart(12)}  ${date(e.mtime)}  ${e.name}`);
    } else if (!directories.has(e.name.slice(0, slash))) {
      directories.add(e.name.slice(0, slash));
      rows.push(`${String(rows.length + 1).padStart(5)}  drwx${String(512).padStart(12)}  ${date(e.mtime)}  ${e.name.slice(0, slash)}`);
    }
  }
  return ['Directory of flash:/', '', ...rows, '', `${totalBytes} bytes total (${freeBytes} bytes free)`];
}

// --- classic IOS Catalyst access switch (2960-X), after genieparser's 2960-X capture ------------

export function catalystClassicShowVersion(ctx: PlatformContext): string[] {
  const { state, now, version, profile } = ctx;
  const id = identityOf(state.hostname);
  const p = classicParts(version);
  const year = 2012 + p.minor + Math.floor(p.rebuild / 3);
  const compiled = compileDate(`16.${p.minor}.${p.rebuild}`);
  const booted = new Date(state.bootedAt);
  const mac = id.mac.toUpperCase();
  return [
    `Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version ${version}, RELEASE SOFTWARE (fc${1 + (hashNumber(version) % 3)})`,
    'Technical Support: http://www.cisco.com/techsupport',
    `Copyright (c) 1986-${year} by Cisco Systems, Inc.`,
    `Compiled ${day(compiled)} ${pad2(compiled.getUTCDate())}-${month(compiled)}-${String(year).slice(2)} ${pad2(compiled.getUTCHours())}:${pad2(compiled.getUTCMinutes())} by prod_rel_team`,
    '',
    'ROM: Bootstrap program is C2960X boot loader',
    'BOOTLDR: C2960X Boot Loader (C2960X-HBOOT-M) Version 15.2(2r)E1, RELEASE SOFTWARE (fc1)',
    '',
    `${state.hostname} uptime is ${formatUptime(now.getTime() - booted.getTime())}`,
    `System returned to ROM by ${state.reloadCount > 0 ? 'Reload command' : 'power-on'}`,
    `System restarted at ${hms(booted)} UTC ${day(booted)} ${month(booted)} ${booted.getUTCDate()} ${booted.getUTCFullYear()}`,
    `System image file is "flash:${state.runningImage}"`,
    `Last reload reason: ${state.lastReloadReason === 'PowerOn' ? 'power-on' : 'Reload command'}`,
    '',
    '',
    '',
    ...CRYPTO_EXPORT_NOTICE,
    '',
    `cisco ${profile.model} (APM86XXX) processor (revision F0) with 524288K bytes of memory.`,
    `Processor board ID ${id.serial}`,
    'Last reset from power-on',
    '1 Virtual Ethernet interface',
    '1 FastEthernet interface',
    '52 Gigabit Ethernet interfaces',
    '2 Ten Gigabit Ethernet interfaces',
    'The password-recovery mechanism is enabled.',
    '',
    '512K bytes of flash-simulated non-volatile configuration memory.',
    `Base ethernet MAC Address       : ${mac}`,
    'Motherboard assembly number     : 73-15898-07',
    `Motherboard serial number       : ${id.boardSerial}`,
    'Model revision number           : F0',
    `Model number                    : ${profile.model}`,
    `System serial number            : ${id.serial}`,
    'Version ID                      : V02',
    '',
    '',
    'Switch Ports Model                     SW Version            SW Image                 ',
    '------ ----- -----                     ----------            ----------               ',
    `*    1 52    ${profile.model.padEnd(26)}${version.padEnd(22)}C2960X-UNIVERSALK9-M     `,
    '',
    '',
    `Configuration register is ${ctx.nextConfigRegister ? `${ctx.configRegister} (will be ${ctx.nextConfigRegister} at next reload)` : ctx.configRegister}`,
    '',
  ];
}

/** `show boot` of a classic IOS Catalyst switch (ntc-templates' 2960-L capture): `BOOT path-list : a;b`. */
export function catalystClassicShowBoot(saved: string[]): string[] {
  return [
    `BOOT path-list      : ${saved.join(';')}`,
    'Config file         : flash:/config.text',
    'Private Config file : flash:/private-config.text',
    'Enable Break        : no',
    'Manual Boot         : no',
    'Allow Dev Key         : yes',
    'HELPER path-list    : ',
    'Auto upgrade        : yes',
    'Auto upgrade path   : ',
    'Boot optimization   : disabled',
    'NVRAM/Config file',
    '      buffer size:   524288',
    'Timeout for Config',
    '          Download:    0 seconds',
    'Config Download ',
    '       via DHCP:       disabled (next boot: disabled)',
  ];
}

export function catalystClassicInventory(profile: PlatformProfile, id: Identity): string[] {
  return [`NAME: "1", DESCR: "${profile.model}"`, `PID: ${profile.model.padEnd(18)}, VID: V02  , SN: ${id.serial}`, ''];
}

/** Router `show bootvar` / `show boot`: the startup boot list with its retry counts (`,1` on an ISR, `,12` on an ASR). */
function routerBootvar(saved: string[], retries: number, configFile: string, configRegister: string, next: string | undefined): string[] {
  return [
    saved.length === 0 ? 'BOOT variable does not exist' : `BOOT variable = ${saved.map((e) => `${e},${retries};`).join('')}`,
    configFile,
    'BOOTLDR variable does not exist',
    next ? `Configuration register is ${configRegister} (will be ${next} at next reload)` : `Configuration register is ${configRegister}`,
  ];
}

/** ISR G2 `show bootvar` / `show boot`. */
export function classicShowBootvar(saved: string[], configRegister: string, next: string | undefined): string[] {
  return routerBootvar(saved, 1, 'CONFIG_FILE variable does not exist', configRegister, next);
}

// --- IOS-XE router (ASR 1000) -------------------------------------------------------------------

/**
 * ASR 1001-X `show version`, after genieparser's ASR1001-X capture on 17.5.1a in INSTALL mode
 * (golden_output_6): a router's output, without the Catalyst switch table, booting
 * `bootflash:packages.conf` and printing no "Installation mode" line.
 */
export function asrShowVersion(ctx: PlatformContext): string[] {
  const { state, now, version } = ctx;
  const id = identityOf(state.hostname);
  const register = ctx.nextConfigRegister
    ? `Configuration register is ${ctx.configRegister} (will be ${ctx.nextConfigRegister} at next reload)`
    : `Configuration register is ${ctx.configRegister}`;
  return [
    ...iosXeVersionHeader(version, 'ASR1000 Software (X86_64_LINUX_IOSD-UNIVERSALK9-M)'),
    'ROM: 16.9(4r)',
    '',
    ...iosXeBootLines(state, now, ctx.profile.filesystem),
    '',
    '',
    '',
    ...CRYPTO_EXPORT_NOTICE,
    '',
    'License Level: adventerprise',
    '',
    'Smart Licensing Status: Smart Licensing Using Policy',
    '',
    `cisco ${ctx.profile.model} (1NG) processor (revision 1NG) with ${id.memoryK + 2_400_000}K/6147K bytes of memory.`,
    `Processor board ID ${id.serial.replace(/^FOC/, 'FXS')}`,
    'Router operating mode: Autonomous',
    '6 Gigabit Ethernet interfaces',
    '2 Ten Gigabit Ethernet interfaces',
    '32768K bytes of non-volatile configuration memory.',
    '8388608K bytes of physical memory.',
    `${Math.floor(ctx.flashSizeBytes / 1024)}K bytes of eUSB flash at ${ctx.profile.filesystem}:.`,
    '',
    register,
    '',
  ];
}

/**
 * ASR 1000 `show boot` (= `show bootvar`): the saved list with the `,12` retry counts, after
 * genieparser's ASR 1000 captures; a single route processor has no standby to show.
 */
export function asrShowBoot(saved: string[], configRegister: string, next: string | undefined): string[] {
  return [...routerBootvar(saved, 12, 'CONFIG_FILE variable = ', configRegister, next), '', 'Standby not ready to show bootvar'];
}

// --- NX-OS ---------------------------------------------------------------------------------------

/** NX-OS uptime: `60 day(s), 17 hour(s), 26 minute(s), 51 second(s)`. */
export function nxosUptime(ms: number): string {
  let s = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(s / 86_400);
  s -= d * 86_400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return `${d} day(s), ${h} hour(s), ${m} minute(s), ${s} second(s)`;
}

export function nxosShowVersion(ctx: PlatformContext): string[] {
  const { state, now, version } = ctx;
  const id = identityOf(state.hostname);
  const compiled = compileDate(`17.${version.split('.')[1] ?? '2'}.1`);
  const dateText = `${compiled.getUTCMonth() + 1}/${compiled.getUTCDate()}/${compiled.getUTCFullYear()}`;
  const booted = new Date(state.bootedAt);
  return [
    'Cisco Nexus Operating System (NX-OS) Software',
    'TAC support: http://www.cisco.com/tac',
    `Copyright (C) 2002-${compiled.getUTCFullYear()}, Cisco and/or its affiliates.`,
    'All rights reserved.',
    'The copyrights to certain works contained in this software are',
    'owned by other third parties and used and distributed under their own',
    'licenses, such as open source.  This software is provided "as is," and unless',
    'otherwise stated, there is no warranty, express or implied, including but not',
    'limited to warranties of merchantability and fitness for a particular purpose.',
    'Certain components of this software are licensed under',
    'the GNU General Public License (GPL) version 2.0 or',
    'GNU General Public License (GPL) version 3.0  or the GNU',
    'Lesser General Public License (LGPL) Version 2.1 or',
    'Lesser General Public License (LGPL) Version 2.0.',
    'A copy of each such license is available at',
    'http://www.opensource.org/licenses/gpl-2.0.php and',
    'http://opensource.org/licenses/gpl-3.0.html and',
    'http://www.opensource.org/licenses/lgpl-2.1.php and',
    'http://www.gnu.org/licenses/old-licenses/library.txt.',
    '',
    'Software',
    '  BIOS: version 05.47',
    `  NXOS: version ${version}`,
    '  BIOS compile time:  04/28/2022',
    `  NXOS image file is: bootflash:///${state.runningImage}`,
    `  NXOS compile time:  ${dateText} 12:00:00 [${pad2(compiled.getUTCMonth() + 1)}/${pad2(compiled.getUTCDate())}/${compiled.getUTCFullYear()} ${hms(compiled)}]`,
    '',
    '',
    'Hardware',
    `  cisco Nexus9000 ${ctx.profile.model.replace(/^N9K-/, '')} Chassis`,
    '  Intel(R) Xeon(R) CPU D-1526 @ 1.80GHz with 32802700 kB of memory.',
    `  Processor Board ID ${id.serial.replace(/^FOC/, 'FLM')}`,
    `  Device name: ${state.hostname}`,
    `  bootflash:  ${Math.floor(ctx.flashSizeBytes / 1024)} kB`,
    '',
    `Kernel uptime is ${nxosUptime(now.getTime() - booted.getTime())}`,
    '',
    `Last reset at ${(hashNumber(state.bootedAt) % 999_999) + 1} usecs after ${day(booted)} ${month(booted)} ${pad2(booted.getUTCDate())} ${hms(booted)} ${booted.getUTCFullYear()}`,
    `  Reason: ${state.reloadCount > 0 ? 'Reset due to upgrade' : 'Reset Requested by CLI command reload'}`,
    `  System version: ${version}`,
    '  Service: ',
    '',
    'plugin',
    '  Core Plugin, Ethernet Plugin',
    '',
    'Active Package(s):',
    '',
  ];
}

/** NX-OS `dir bootflash:`: size, date, name, then the usage block. */
export function nxosDir(entries: FlashEntry[], totalBytes: number, freeBytes: number): string[] {
  const rows = entries.map((e) => {
    const d = new Date(e.mtime);
    return `${String(e.size).padStart(11)}    ${month(d)} ${pad2(d.getUTCDate())} ${hms(d)} ${d.getUTCFullYear()}  ${e.name}`;
  });
  return [
    ...rows,
    '',
    'Usage for bootflash://sup-local',
    `${String(totalBytes - freeBytes).padStart(11)} bytes used`,
    `${String(freeBytes).padStart(11)} bytes free`,
    `${String(totalBytes).padStart(11)} bytes total`,
  ];
}

export function nxosShowBoot(current: string[], next: string[]): string[] {
  const block = (list: string[]): string[] => [
    '',
    '',
    'sup-1',
    ...(list.length === 0 ? ['NXOS variable not set'] : list.map((e) => `NXOS variable = ${e.replace(/^bootflash:\/*/, 'bootflash:/')}`)),
    'Boot POAP Disabled',
  ];
  return ['Current Boot Variables:', ...block(current), '', 'Boot Variables on next reload:', ...block(next)];
}

// --- IOS-XE install ------------------------------------------------------------------------------

/** `show install summary`: one IMG row per version (C committed/running, I inactive, U activated). */
/**
 * `show install summary` (IOS-XE INSTALL mode): SMUs by file name (`SMU   C    flash:<file>`),
 * then the images by version, as real devices print them (genieparser's ShowInstallSummary samples).
 */
export function installSummary(rows: { state: 'C' | 'I' | 'U'; version: string }[], smus: { state: 'C' | 'U'; file: string }[] = []): string[] {
  return [
    '[ Switch 1 ] Installed Package(s) Information:',
    'State (St): I - Inactive, U - Activated & Uncommitted,',
    '            C - Activated & Committed, D - Deactivated & Uncommitted',
    '--------------------------------------------------------------------------------',
    'Type  St   Filename/Version',
    '--------------------------------------------------------------------------------',
    ...smus.map((s) => `SMU   ${s.state}    ${s.file}`),
    ...rows.map((r) => `IMG   ${r.state}    ${r.version}.0.${(hashNumber(r.version) % 9000) + 100}`),
    '',
    '--------------------------------------------------------------------------------',
    'Auto abort timer: inactive',
    '--------------------------------------------------------------------------------',
    '',
  ];
}

// --- check commands (all platforms) ------------------------------------------------------------

/** `*12:34:56.789 UTC Sat Nov 21 2026`; NX-OS prints `12:34:56.789 UTC Sat Nov 21 2026` plus a time source line. */
export function clockLine(now: Date, nxos: boolean): string[] {
  const ms = String(now.getUTCMilliseconds()).padStart(3, '0');
  const text = `${hms(now)}.${ms} UTC ${day(now)} ${month(now)} ${now.getUTCDate()} ${now.getUTCFullYear()}`;
  return nxos ? [text, 'Time source is NTP'] : [`${text.startsWith('*') ? '' : '*'}${text}`];
}

export function ntpStatus(family: 'ios-xe' | 'ios' | 'nx-os', skewSeconds: number, now: Date): string[] {
  const synced = Math.abs(skewSeconds) < 1;
  const offsetMs = synced ? 0.4321 : skewSeconds * 1000;
  if (family === 'nx-os') {
    return synced
      ? ['Distribution : Disabled', 'Last operational state: No session', '', 'clock is synchronized, stratum 3, reference is 10.0.0.1']
      : ['Distribution : Disabled', 'Last operational state: No session', '', `clock is unsynchronized, offset ${offsetMs.toFixed(4)} ms`];
  }
  const ref = new Date(now.getTime() - 37_000);
  const refText = `E${(Math.floor(ref.getTime() / 1000) + 2_208_988_800).toString(16).toUpperCase()}.${'1A2B3C4D'} (${hms(ref)}.123 UTC ${day(ref)} ${month(ref)} ${ref.getUTCDate()} ${ref.getUTCFullYear()})`;
  return synced
    ? [
        'Clock is synchronized, stratum 3, reference is 10.0.0.1      ',
        'nominal freq is 250.0000 Hz, actual freq is 249.9995 Hz, precision is 2**10',
        'ntp uptime is 86400000 (1/100 of seconds), resolution is 4000',
        `reference time is ${refText}`,
        `clock offset is ${offsetMs.toFixed(4)} msec, root delay is 1.21 msec`,
        'root dispersion is 3.58 msec, peer dispersion is 0.73 msec',
        'loopfilter state is \'CTRL\' (Normal Controlled Loop), drift is 0.000001907 s/s',
        'system poll interval is 1024, last update was 37 sec ago.',
      ]
    : [
        'Clock is unsynchronized, stratum 16, no reference clock',
        'nominal freq is 250.0000 Hz, actual freq is 249.9995 Hz, precision is 2**10',
        'ntp uptime is 86400000 (1/100 of seconds), resolution is 4000',
        'reference time is 00000000.00000000 (00:00:00.000 UTC Mon Jan 1 1900)',
        `clock offset is ${offsetMs.toFixed(4)} msec, root delay is 0.00 msec`,
        'root dispersion is 0.00 msec, peer dispersion is 0.00 msec',
        'loopfilter state is \'FSET\' (Drift set from file), drift is 0.000000000 s/s',
        'system poll interval is 64, never updated.',
      ];
}

/** `show crypto key mypubkey rsa`: nothing at all when the device has no key. */
export function cryptoKeys(hostname: string, domain: string, bits: number, id: Identity): string[] {
  if (bits <= 0) return [];
  const fqdn = domain ? `${hostname}.${domain}` : hostname;
  const key = Buffer.from(`${id.serial}${bits}${fqdn}`.repeat(Math.ceil(bits / 64)))
    .toString('hex')
    .toUpperCase()
    .slice(0, bits / 4 + 40);
  const rows: string[] = [];
  for (let i = 0; i < key.length; i += 64) {
    rows.push(
      `  ${key
        .slice(i, i + 64)
        .match(/.{1,8}/g)
        ?.join(' ') ?? ''}`,
    );
  }
  return [
    `% Key pair was generated at: ${hms(new Date(0))} UTC Jan 1 2021`,
    `Key name: ${fqdn}`,
    'Key type: RSA KEYS',
    ` Storage Device: private-config`,
    ' Usage: General Purpose Key',
    ` Key is not exportable. Redundancy enabled.`,
    ' Key Data:',
    ...rows,
  ];
}

export function httpSecureStatus(tlsBelow12: boolean): string[] {
  return [
    'HTTP secure server status: Enabled',
    'HTTP secure server port: 443',
    `HTTP secure server ciphersuite: ${tlsBelow12 ? 'aes-128-cbc-sha aes-256-cbc-sha' : 'aes-128-cbc-sha aes-256-cbc-sha dhe-aes-128-cbc-sha ecdhe-rsa-aes-128-cbc-sha ecdhe-rsa-aes-gcm-128-sha256 ecdhe-ecdsa-aes-gcm-128-sha256'}`,
    `HTTP secure server TLS version:  ${tlsBelow12 ? 'TLSv1.1 TLSv1.0' : 'TLSv1.3 TLSv1.2'}`,
    'HTTP secure server client authentication: Disabled',
    'HTTP secure server PIV authentication: Disabled',
    'HTTP secure server PIV authorization only: Disabled',
    'HTTP secure server trustpoint: TP-self-signed-1234567890',
    'HTTP secure server peer validation trustpoint: ',
    'HTTP secure server ECDHE curve: secp256r1',
    'HTTP secure server active session modules: ALL',
  ];
}

export function licenseSummary(family: 'ios-xe' | 'ios' | 'nx-os', invalid: boolean): string[] {
  if (family === 'ios') {
    return [
      'Index 1 Feature: ipbasek9',
      `        Period left: ${invalid ? 'Expired' : 'Life time'}`,
      `        License Type: ${invalid ? 'EvalRightToUse' : 'Permanent'}`,
      `        License State: ${invalid ? 'Not in Use, EULA not accepted' : 'Active, In Use'}`,
      '        License Count: Non-Counted',
      '        License Priority: Medium',
      'Index 2 Feature: securityk9',
      `        Period left: ${invalid ? 'Expired' : 'Life time'}`,
      `        License Type: ${invalid ? 'EvalRightToUse' : 'Permanent'}`,
      `        License State: ${invalid ? 'Not in Use, EULA not accepted' : 'Active, In Use'}`,
      '        License Count: Non-Counted',
      '        License Priority: Medium',
    ];
  }
  if (family === 'nx-os') {
    return [
      'Default Usage:',
      '  Smart Licensing Using Policy:  ENABLED',
      '',
      'License Usage:',
      '  License                 Entitlement tag               Count Status',
      '  -----------------------------------------------------------------------------',
      `  NX-OS Essentials       (NXOS_ESS_XF)                      1 ${invalid ? 'OUT OF COMPLIANCE' : 'IN USE'}`,
    ];
  }
  const status = invalid ? 'NOT AUTHORIZED' : 'IN USE';
  return [
    'Account Information:',
    '  Smart Account: <none>',
    '  Virtual Account: <none>',
    '',
    'License Usage:',
    '  License                 Entitlement Tag               Count Status',
    '  -----------------------------------------------------------------------------',
    `  network-advantage       (C9300-48 Network Advan...)       1 ${status}`,
    `  dna-advantage           (C9300-48 DNA Advantage)          1 ${status}`,
    `  C9K HSEC                (Cat9K HSEC)                      0 ${invalid ? 'NOT AUTHORIZED' : 'NOT IN USE'}`,
  ];
}

/** `show processes cpu sorted` header and a few processes. */
export function processesCpu(high: boolean, seed: number): string[] {
  const [five, intr, one, fiveMin] = high ? [94 + (seed % 4), 2, 91 + (seed % 5), 88 + (seed % 6)] : [3 + (seed % 3), 0, 4 + (seed % 2), 4];
  return [
    `CPU utilization for five seconds: ${five}%/${intr}%; one minute: ${one}%; five minutes: ${fiveMin}%`,
    ' PID Runtime(ms)     Invoked      uSecs   5Sec   1Min   5Min TTY Process ',
    `  85    ${high ? '98176553' : '1817655'}    ${high ? '4417273' : '441727'}       ${high ? '22225' : '4115'} ${high ? '71.43%' : ' 0.87%'} ${high ? '69.01%' : ' 0.91%'} ${high ? '66.12%' : ' 0.93%'}   0 IOSD ipc task    `,
    '  62      981243     1227366        799  0.39%  0.42%  0.41%   0 ARP Input        ',
    '  12      129481     2374291         54  0.07%  0.05%  0.05%   0 IOSXE-RP Punt Se ',
  ];
}

export function ipRouteSummary(fewer: boolean, nxos: boolean): string[] {
  const connected = 6;
  const stat = 2;
  const ospf = fewer ? 3 : 48;
  const total = connected + stat + ospf;
  if (nxos) {
    return [
      'IP Route Table for VRF "default"',
      `Total number of routes: ${total}`,
      `Total number of paths:  ${total}`,
      '',
      'Best paths per protocol:      Backup paths per protocol:',
      `  am             : ${connected}         None`,
      `  local          : ${connected}`,
      `  direct         : ${connected}`,
      `  static         : ${stat}`,
      `  ospf-1         : ${ospf}`,
      '',
      'Number of routes per mask-length:',
      `  /24: ${total - connected}       /32: ${connected} `,
    ];
  }
  return [
    'IP routing table name is default (0x0)',
    'IP routing table maximum-paths is 32',
    'Route Source    Networks    Subnets     Replicates  Overhead    Memory (bytes)',
    `application     0           0           0           0           0`,
    `connected       0           ${String(connected).padEnd(11)} 0           ${String(connected * 96).padEnd(11)} ${connected * 1840}`,
    `static          1           ${String(stat - 1).padEnd(11)} 0           ${String(stat * 96).padEnd(11)} ${stat * 304}`,
    `ospf 1          0           ${String(ospf).padEnd(11)} 0           ${String(ospf * 96).padEnd(11)} ${ospf * 304}`,
    '  Intra-area: ' + String(ospf) + ' Inter-area: 0 External-1: 0 External-2: 0',
    '  NSSA External-1: 0 NSSA External-2: 0',
    'internal        3                                               1416',
    `Total           1           ${String(total - 1).padEnd(11)} 0           ${String(total * 96).padEnd(11)} ${total * 304 + 1416}`,
  ];
}

export function ipInterfaceBrief(family: 'ios-xe' | 'ios' | 'nx-os', address: string, uplinkDown: boolean): string[] {
  const state = uplinkDown ? ['down', 'down'] : ['up', 'up'];
  if (family === 'nx-os') {
    return [
      'IP Interface Status for VRF "default"(1)',
      'Interface            IP Address      Interface Status',
      `Vlan10               10.10.10.2      protocol-up/link-up/admin-up       `,
      `Eth1/49              10.0.1.2        protocol-${state[1]}/link-${state[0]}/admin-up       `,
      `mgmt0                ${address.padEnd(15)} protocol-up/link-up/admin-up       `,
    ];
  }
  const row = (name: string, ip: string, status: string, proto: string): string =>
    `${name.padEnd(22)} ${ip.padEnd(15)} YES ${'NVRAM'.padEnd(6)} ${status.padEnd(21)} ${proto}`;
  const header = 'Interface              IP-Address      OK? Method Status                Protocol';
  if (family === 'ios') {
    return [
      header,
      row('Embedded-Service-Engine0/0', 'unassigned', 'administratively down', 'down'),
      row('GigabitEthernet0/0', address, 'up', 'up'),
      row('GigabitEthernet0/1', '10.0.1.2', state[0] ?? 'up', state[1] ?? 'up'),
      row('GigabitEthernet0/2', 'unassigned', 'administratively down', 'down'),
    ];
  }
  return [
    header,
    row('Vlan1', 'unassigned', 'administratively down', 'down'),
    row('GigabitEthernet0/0', address, 'up', 'up'),
    row('GigabitEthernet1/0/1', 'unassigned', 'up', 'up'),
    row('GigabitEthernet1/0/2', 'unassigned', 'down', 'down'),
    row('TenGigabitEthernet1/1/1', '10.0.1.2', state[0] ?? 'up', state[1] ?? 'up'),
  ];
}

export function inventory(profile: PlatformProfile, id: Identity): string[] {
  if (profile.accessSwitch) return catalystClassicInventory(profile, id);
  if (profile.family === 'nx-os') {
    return [
      `NAME: "Chassis",  DESCR: "Nexus9000 ${profile.model.replace(/^N9K-/, '')} Chassis"`,
      `PID: ${profile.model.padEnd(17)},  VID: V01 ,  SN: ${id.serial.replace(/^FOC/, 'FLM')}`,
      '',
      'NAME: "Slot 1",  DESCR: "48x10/25G + 6x40/100G Ethernet Module"',
      `PID: ${profile.model.padEnd(17)},  VID: V01 ,  SN: ${id.boardSerial}`,
      '',
    ];
  }
  if (profile.family === 'ios') {
    return [
      'NAME: "CISCO2911/K9 chassis", DESCR: "CISCO2911/K9 chassis"',
      `PID: CISCO2911/K9      , VID: V07 , SN: ${id.serial.replace(/^FOC/, 'FTX')}`,
      '',
      'NAME: "C2911 Mother board 3GE, integrated VPN and 4W", DESCR: "C2911 Mother board 3GE, integrated VPN and 4W"',
      `PID: CISCO2911/K9      , VID: V07 , SN: ${id.boardSerial}`,
      '',
    ];
  }
  if (profile.iosXeRouter) {
    // After genieparser's ASR 1000 `show inventory` captures: the chassis first, then its modules.
    return [
      `NAME: "Chassis", DESCR: "Cisco ${profile.model} Chassis"`,
      `PID: ${profile.model.padEnd(18)}, VID: V07  , SN: ${id.serial.replace(/^FOC/, 'FXS')}`,
      '',
      'NAME: "module R0", DESCR: "Cisco ASR1001-X Route Processor"',
      `PID: ${profile.model.padEnd(18)}, VID: V07  , SN: ${id.boardSerial.replace(/^FOC/, 'JAE')}`,
      '',
      'NAME: "module F0", DESCR: "Cisco ASR1001-X Embedded Services Processor"',
      `PID: ${profile.model.padEnd(18)}, VID:      , SN: `,
      '',
      'NAME: "Power Supply Module 0", DESCR: "Cisco ASR1001-X AC Power Supply"',
      'PID: ASR1001-X-PWR-AC  , VID: V01  , SN: ART2104F0C4',
      '',
    ];
  }
  return [
    'NAME: "c93xx Stack", DESCR: "c93xx Stack"',
    `PID: ${profile.model.padEnd(18)}, VID: V02  , SN: ${id.serial}`,
    '',
    `NAME: "Switch 1", DESCR: "${profile.model}"`,
    `PID: ${profile.model.padEnd(18)}, VID: V02  , SN: ${id.serial}`,
    '',
    'NAME: "Switch 1 - Power Supply A", DESCR: "Switch 1 - Power Supply A"',
    'PID: PWR-C1-715WAC      , VID: V02  , SN: LIT2251ABCD',
    '',
  ];
}
