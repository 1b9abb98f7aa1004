// IOS-XE: bundle mode (boot variable and reload) and INSTALL mode (`install add … activate commit`).
import type { PlatformDriver } from './driver.ts';
import { bootFilesystemOfVersion } from './filesystem.ts';
import { IOS_XE_PRECHECKS, CISCO_RELOAD_ANSWERS } from './precheck-commands.ts';

export const iosXeDriver: PlatformDriver = {
  os: 'ios-xe',
  label: 'IOS-XE',
  recognises: (showVersion) => /Cisco IOS XE Software|IOS-XE Software|^IOS XE Version:/m.test(showVersion),
  defaultBootFilesystem: 'flash',
  bootFilesystemOf: (version) => bootFilesystemOfVersion(version, 'flash'),
  runningImageOf: (version) => version.systemImage,
  bootVariablesCommands: ['show boot'],
  keepsReloadMarker: true,
  reloadAnswers: CISCO_RELOAD_ANSWERS,
  aliasCommand: 'alias exec',
  maxBootEntries: Infinity,
  saveConfirmed: /\[OK\]/,
  autoCleanup: true,
  precheckCommands: IOS_XE_PRECHECKS,
  inapplicablePrechecks: {},
  activationMethod: (installMode) => (installMode === 'INSTALL' ? 'install-add-activate-commit' : 'boot-variable'),
  installCommand: (method, filesystem, fileName) =>
    method === 'install-add-activate-commit'
      ? {
          command: `install add file ${filesystem}:${fileName} activate commit`,
          answers: [{ prompt: /Do you want to proceed\? \[y\/n\]\s*$/, reply: 'y' }],
          failure: /^FAILED: .*$/m,
        }
      : undefined,
};
