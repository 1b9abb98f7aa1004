// A Nexus 5548 on NX-OS 7.x: a kickstart image and a system image of one release, booted
// together and installed together with `install all kickstart bootflash:<k> system bootflash:<s>`.
// The output follows real captures of the platform:
//   show version   ntc-templates tests/cisco_nxos/show_version/cisco_nxos_show_version3.raw (a
//                  Nexus5548 on 5.2(1)N1(4)) and cisco_nxos_show_version2.raw (a Nexus 5596 on
//                  7.1(4)N1(1)), vendored in test/fixtures/conformance/show-version/
//   show boot      genieparser nxos ShowBoot golden_output (`kickstart variable = …`,
//                  `system variable = …` per supervisor), one supervisor here
//   dir bootflash: the NX-OS listing of lab/formats-platforms.ts (nxosDir)
//   install all    the steps, compatibility table, question and progress lines of the disruptive
//                  `install all kickstart … system …` in Cisco's Nexus 5500/3000 upgrade guides
//                  ("Verifying image … for boot variable "kickstart"", "Extracting "system" version
//                  from image …", "Images will be upgraded according to following table:",
//                  "Do you want to continue with the installation (y/n)?  [n]"); the return codes of
//                  the failure lines are the lab's own (NX-OS prints `Return code 0x… (reason)`).
import { compileDate, hashNumber, identityOf } from './platform.ts';
import type { PlatformProfile } from './platforms.ts';
import type { PlatformContext } from './formats-platforms.ts';
import { nxosUptime } from './formats-platforms.ts';
import type { DeviceState } from './state.ts';

// n5000-uk9.7.3.8.N1.1.bin → 7.3(8)N1(1); n5000-uk9-kickstart.7.3.8.N1.1.bin is its kickstart.
const N5K_IMAGE = /^n5000-uk9(-kickstart)?\.(\d+)\.(\d+)\.(\d+)\.N(\d+)\.(\d+[a-z]?)\.bin$/;

function n5kRelease(fileName: string, kickstart: boolean): string | undefined {
  const m = N5K_IMAGE.exec(fileName);
  if (!m || Boolean(m[1]) !== kickstart) return undefined;
  return `${m[2]}.${m[3]}(${m[4]})N${m[5]}(${m[6]})`;
}

/** The release a system image runs; undefined for a kickstart image or another file. */
export const n5kSystemVersion = (fileName: string): string | undefined => n5kRelease(fileName, false);
/** The release a kickstart image boots; undefined for a system image or another file. */
export const n5kKickstartVersion = (fileName: string): string | undefined => n5kRelease(fileName, true);

const N5548_SYSTEM = 'n5000-uk9.7.1.4.N1.1.bin';
const N5548_KICKSTART = 'n5000-uk9-kickstart.7.1.4.N1.1.bin';

export const N5548_PROFILE: PlatformProfile = {
  id: 'n5548',
  family: 'nx-os',
  model: 'N5K-C5548UP',
  series: 'Nexus 5000 Series Switches',
  filesystem: 'bootflash',
  // `bootflash:    2007040 kB` (the Nexus5548 capture)
  flashSizeBytes: 2_007_040 * 1024,
  defaultImage: N5548_SYSTEM,
  defaultFiles: [
    { name: 'lost+found/', size: 4_096 },
    { name: 'scripts/', size: 4_096 },
  ],
  installMode: false,
  configRegister: '0x0',
  versionOfImage: n5kSystemVersion,
  imageSize: (name) => (name === N5548_SYSTEM ? 231_214_367 : name === N5548_KICKSTART ? 39_937_024 : n5kKickstartVersion(name) ? 40_000_000 : 230_000_000 + (hashNumber(name) % 20_000_000)),
  kickstart: { defaultImage: N5548_KICKSTART, versionOfImage: n5kKickstartVersion },
};

/** `show version` of a Nexus 5548 (the capture's layout: kickstart and system lines, Nexus5548 chassis). */
export function kickstartShowVersion(ctx: PlatformContext): string[] {
  const { state, now, version } = ctx;
  const kickstart = state.kickstart?.running ?? '';
  const kickstartVersion = ctx.profile.kickstart?.versionOfImage(kickstart) ?? version;
  const id = identityOf(state.hostname);
  const compiled = compileDate(`17.${version.split('(')[0]?.split('.')[1] ?? '3'}.1`);
  const date = `${compiled.getUTCMonth() + 1}/${compiled.getUTCDate()}/${compiled.getUTCFullYear()}`;
  const stamp = (minutes: number): string => {
    const t = new Date(compiled.getTime() + minutes * 60_000);
    const p = (n: number) => String(n).padStart(2, '0');
    return `${date} 10:00:00 [${p(t.getUTCMonth() + 1)}/${p(t.getUTCDate())}/${t.getUTCFullYear()} ${p(t.getUTCHours())}:${p(t.getUTCMinutes())}:${p(t.getUTCSeconds())}]`;
  };
  const booted = new Date(state.bootedAt);
  const resetAt = `${['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][booted.getUTCDay()]} ${booted.toUTCString().slice(8, 11)} ${String(booted.getUTCDate()).padStart(2, ' ')} ${booted.toISOString().slice(11, 19)} ${booted.getUTCFullYear()}`;
  return [
    'Cisco Nexus Operating System (NX-OS) Software',
    'TAC support: http://www.cisco.com/tac',
    'Documents: http://www.cisco.com/en/US/products/ps9372/tsd_products_support_series_home.html',
    `Copyright (c) 2002-${compiled.getUTCFullYear()}, Cisco Systems, Inc. All rights reserved.`,
    'The copyrights to certain works contained herein are owned by',
    'other third parties and are used and distributed under license.',
    'Some parts of this software are covered under the GNU Public',
    'License. A copy of the license is available at',
    'http://www.gnu.org/licenses/gpl.html.',
    '',
    'Software',
    '  BIOS:      version 3.6.0',
    '  loader:    version N/A',
    `  kickstart: version ${kickstartVersion}`,
    `  system:    version ${version}`,
    '  power-seq: Module 1: version v1.0',
    '             Module 3: version v5.0',
    '  uC:        version v1.2.0.1',
    '  SFP uC:    Module 1: v1.0.0.0',
    '  BIOS compile time:       05/09/2012',
    `  kickstart image file is: bootflash:///${kickstart}`,
    `  kickstart compile time:  ${stamp(0)}`,
    `  system image file is:    bootflash:///${state.runningImage}`,
    `  system compile time:     ${stamp(98)}`,
    '',
    '',
    'Hardware',
    '  cisco Nexus5548 Chassis ("O2 32X10GE/Modular Universal Platform Supervisor")',
    '  Intel(R) Xeon(R) CPU         with 8263848 kB of memory.',
    `  Processor Board ID ${id.serial}`,
    '',
    `  Device name: ${state.hostname}`,
    `  bootflash:    ${Math.floor(ctx.flashSizeBytes / 1024)} kB`,
    '',
    `Kernel uptime is ${nxosUptime(now.getTime() - booted.getTime())}`,
    '',
    `Last reset at ${(hashNumber(state.bootedAt) % 999_999) + 1} usecs after  ${resetAt}`,
    '',
    `  Reason: ${state.reloadCount > 0 ? 'Disruptive upgrade' : 'Reset Requested by CLI command reload'}`,
    `  System version: ${version}`,
    '  Service: ',
    '',
    'plugin',
    '  Core Plugin, Ethernet Plugin',
    '',
  ];
}

/** `show boot` with kickstart and system variables (genieparser's NX-OS ShowBoot capture layout). */
export function kickstartShowBoot(state: Pick<DeviceState, 'bootVariables' | 'savedBootVariables' | 'kickstart'>): string[] {
  const path = (e: string): string => e.replace(/^bootflash:\/*/, 'bootflash:/');
  const block = (kickstart: string[], system: string[]): string[] => [
    '',
    'sup-1',
    ...(kickstart[0] ? [`kickstart variable = ${path(kickstart[0])}`] : []),
    ...(system[0] ? [`system variable = ${path(system[0])}`] : []),
    'Boot POAP Disabled',
  ];
  return [
    '',
    'Current Boot Variables:',
    ...block(state.kickstart?.boot ?? [], state.bootVariables),
    'No module boot variable set',
    '',
    'Boot Variables on next reload:',
    ...block(state.kickstart?.saved ?? [], state.savedBootVariables),
    'No module boot variable set',
    '',
  ];
}

/** What `install all` needs of the CLI session and the device. */
export interface InstallAllIo {
  out(lines: string[]): void;
  ask(question: string): Promise<string | undefined>;
  profile: PlatformProfile;
  /** The release the device runs and the kickstart file it booted. */
  version: string;
  runningKickstart: string;
  /** A file on bootflash: (undefined when absent), its name and whether it arrived corrupt. */
  file(path: string): { name: string; corrupt?: boolean } | undefined;
  /** Sets and saves both boot variables, then reloads the switch. */
  installAndReload(kickstart: string, system: string): void;
}

const OK = '[####################] 100% -- SUCCESS';
const FAIL = '[####################] 100% -- FAIL.';

/**
 * `install all kickstart bootflash:<k> system bootflash:<s>`: verifies both images (present, not
 * corrupt, a kickstart and a system image of one release), prints the compatibility and upgrade
 * tables, asks, then sets both boot variables and reloads. A refusal changes nothing.
 */
export async function installAllKickstart(io: InstallAllIo, args: string[]): Promise<void> {
  const words = args.map((a) => a.toLowerCase());
  const k = words.indexOf('kickstart');
  const s = words.indexOf('system');
  const kickstartPath = k >= 0 ? args[k + 1] : undefined;
  const systemPath = s >= 0 ? args[s + 1] : undefined;
  if (!kickstartPath || !systemPath) {
    io.out(['% Incomplete command.', '']);
    return;
  }
  const display = (p: string): string => `bootflash:/${p.replace(/^bootflash:\/*/i, '')}`;
  const kickstart = io.file(kickstartPath);
  const system = io.file(systemPath);
  io.out(['']);
  for (const [variable, path, entry] of [['kickstart', kickstartPath, kickstart], ['system', systemPath, system]] as const) {
    io.out([`Verifying image ${display(path)} for boot variable "${variable}".`]);
    if (!entry) {
      io.out([FAIL, '', 'Return code 0x40930011 (Image file not present).', '']);
      return;
    }
    if (entry.corrupt) {
      io.out([FAIL, '', 'Return code 0x4093001E (Image verification failed).', '']);
      return;
    }
    io.out([OK, '']);
  }
  const kickstartVersion = io.profile.kickstart?.versionOfImage(kickstart!.name);
  const systemVersion = io.profile.versionOfImage(system!.name);
  io.out(['Verifying image type.']);
  if (!kickstartVersion || !systemVersion) {
    io.out([FAIL, '', `Return code 0x40930012 (Invalid ${kickstartVersion ? 'system' : 'kickstart'} image type).`, '']);
    return;
  }
  io.out([OK, '']);
  const extracting = [`Extracting "system" version from image ${display(systemPath)}.`, OK, '', `Extracting "kickstart" version from image ${display(kickstartPath)}.`, OK, ''];
  if (kickstartVersion !== systemVersion) {
    io.out([
      ...extracting,
      'Performing module support checks.',
      FAIL,
      '',
      `Install has failed. Return code 0x4093001B (kickstart ${kickstartVersion} and system ${systemVersion} images are not compatible).`,
      '',
    ]);
    return;
  }
  const running = io.version;
  const runningKickstart = io.profile.kickstart?.versionOfImage(io.runningKickstart) ?? running;
  const upg = (from: string): string => (from === systemVersion ? '          no' : '         yes');
  io.out([
    ...extracting,
    `Extracting "bios" version from image ${display(systemPath)}.`,
    OK,
    '',
    'Performing module support checks.',
    OK,
    '',
    'Notifying services about system upgrade.',
    OK,
    '',
    '',
    '',
    'Compatibility check is done:',
    'Module  bootable          Impact  Install-type  Reason',
    '------  --------  --------------  ------------  ------',
    '     1       yes      disruptive         reset  Incompatible image',
    '',
    '',
    '',
    'Images will be upgraded according to following table:',
    'Module       Image                  Running-Version             New-Version  Upg-Required',
    '------  ----------  ----------------------------------------  --------------------  ------------',
    `     1      system  ${running.padStart(40)}  ${systemVersion.padStart(20)}  ${upg(running)}`,
    `     1   kickstart  ${runningKickstart.padStart(40)}  ${systemVersion.padStart(20)}  ${upg(runningKickstart)}`,
    `     1        bios  ${'v3.6.0(05/09/2012)'.padStart(40)}  ${'v3.6.0(05/09/2012)'.padStart(20)}            no`,
    `     1   power-seq  ${'v1.0'.padStart(40)}  ${'v1.0'.padStart(20)}            no`,
    '',
    '',
    'Switch will be reloaded for disruptive upgrade.',
  ]);
  const answer = await io.ask('Do you want to continue with the installation (y/n)?  [n] ');
  if (answer === undefined) return;
  if (!/^y(es)?$/i.test(answer)) {
    io.out(['Install is aborted by user.']);
    return;
  }
  io.out([
    '',
    'Install is in progress, please wait.',
    '',
    'Performing runtime checks.',
    OK,
    '',
    'Setting boot variables.',
    OK,
    '',
    'Performing configuration copy.',
    OK,
    '',
    'Converting startup config.',
    OK,
    '',
    '',
    'Finishing the upgrade, switch will reboot in 10 seconds.',
  ]);
  io.installAndReload(kickstart!.name, system!.name);
}
