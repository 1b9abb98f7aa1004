// Classic IOS: ISR G2 routers (`show bootvar`) and Catalyst access switches (`show boot`, images
// in a flash directory as `archive download-sw` leaves them).
import type { PlatformDriver } from './driver.ts';
import { bootFilesystemOfVersion } from './filesystem.ts';
import { IOS_PRECHECKS, CISCO_RELOAD_ANSWERS } from './precheck-commands.ts';

export const iosDriver: PlatformDriver = {
  os: 'ios',
  label: 'IOS',
  recognises: (showVersion) => /Cisco IOS Software|^IOS \(tm\)/m.test(showVersion),
  defaultBootFilesystem: 'flash',
  bootFilesystemOf: (version) => bootFilesystemOfVersion(version, 'flash'),
  runningImageOf: (version) => version.systemImage,
  bootVariablesCommands: ['show bootvar', 'show boot'],
  keepsReloadMarker: true,
  reloadAnswers: CISCO_RELOAD_ANSWERS,
  aliasCommand: 'alias exec',
  maxBootEntries: Infinity,
  saveConfirmed: /\[OK\]/,
  autoCleanup: true,
  precheckCommands: IOS_PRECHECKS,
  inapplicablePrechecks: {},
  activationMethod: () => 'boot-variable',
  installCommand: () => undefined,
};
