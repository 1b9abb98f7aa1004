// NX-OS: images on bootflash:, activated by `install all nxos …` (one image: Nexus 9000, 3000 on
// 7.x and later) or `install all kickstart … system …` (a kickstart and a system image: Nexus 3000
// on 6.x, 5000, 6000), which reload by themselves.
import type { PlatformDriver } from './driver.ts';
import { bootFilesystemOfVersion } from './filesystem.ts';
import { NXOS_PRECHECKS, CISCO_RELOAD_ANSWERS } from './precheck-commands.ts';

export const nxosDriver: PlatformDriver = {
  os: 'nx-os',
  label: 'NX-OS',
  // A capture may start below the banner: NX-OS's software lines still say what it is.
  recognises: (showVersion) => /Cisco Nexus Operating System|^\s*NXOS:\s+version|^\s*kickstart:\s+version/m.test(showVersion),
  defaultBootFilesystem: 'bootflash',
  bootFilesystemOf: (version) => bootFilesystemOfVersion(version, 'bootflash'),
  runningImageOf: (version) => version.systemImage,
  bootVariablesCommands: ['show boot'],
  // NX-OS prints its uptime in seconds: a restarted uptime proves a reload without a marker.
  keepsReloadMarker: false,
  reloadAnswers: CISCO_RELOAD_ANSWERS,
  aliasCommand: 'alias exec',
  maxBootEntries: Infinity,
  saveConfirmed: /\[OK\]/,
  autoCleanup: false,
  precheckCommands: NXOS_PRECHECKS,
  inapplicablePrechecks: {},
  activationMethod: () => 'install-all',
  installCommand: (method, filesystem, fileName, kickstart) =>
    method === 'install-all'
      ? {
          command: kickstart ? `install all kickstart ${filesystem}:${kickstart} system ${filesystem}:${fileName}` : `install all nxos ${filesystem}:${fileName}`,
          // The same question on both: "Switch will be reloaded for disruptive upgrade." then this.
          answers: [{ prompt: /Do you want to continue with the installation \(y\/n\)\?\s*\[n\]\s*$/, reply: 'y' }],
          // A failed step prints `-- FAIL.` and `Return code 0x… (reason)` (or "Install has failed."): nothing is installed.
          failure: /-- FAIL|Return code 0x[0-9a-f]+ \((.*)\)|Install has failed|Install is aborted/i,
        }
      : undefined,
};
