// NX-OS: images on bootflash:, activated by `install all nxos …`, which reloads by itself.
import type { PlatformDriver } from './driver.ts';
import { bootFilesystemOfVersion } from './filesystem.ts';

export const nxosDriver: PlatformDriver = {
  os: 'nx-os',
  label: 'NX-OS',
  // A capture may start below the banner: NX-OS's software lines still say what it is.
  recognises: (showVersion) => /Cisco Nexus Operating System|^\s*NXOS:\s+version|^\s*kickstart:\s+version/m.test(showVersion),
  defaultBootFilesystem: 'bootflash',
  bootFilesystemOf: (version) => bootFilesystemOfVersion(version, 'bootflash'),
  bootVariablesCommands: ['show boot'],
  // NX-OS prints its uptime in seconds: a restarted uptime proves a reload without a marker.
  keepsReloadMarker: false,
  autoCleanup: false,
  activationMethod: () => 'install-all',
  installCommand: (method, filesystem, fileName) =>
    method === 'install-all'
      ? {
          command: `install all nxos ${filesystem}:${fileName}`,
          answers: [{ prompt: /Do you want to continue with the installation \(y\/n\)\?\s*\[n\]\s*$/, reply: 'y' }],
          failure: /-- FAIL|Return code 0x[0-9a-f]+ \((.*)\)|Install is aborted/i,
        }
      : undefined,
};
