// Arista EOS: one `.swi` image on flash:, named in `boot system flash:<image>.swi` (`show
// boot-config` prints it), saved with `write memory`, taken by `reload`. `show version` names
// neither the host nor the running image (ntc-templates' arista_eos captures).
import { describeImageFileName } from '../domain/image-name.ts';
import { sameVersion } from '../domain/version.ts';
import { DeviceOutputError } from '../domain/parsers/parse-error.ts';
import type { PlatformDriver } from './driver.ts';
import { IOS_XE_PRECHECKS } from './precheck-commands.ts';

export const eosDriver: PlatformDriver = {
  os: 'eos',
  label: 'EOS',
  // "Arista DCS-7050SX3-48YC8", "Arista vEOS", "Arista cEOSLab", then "Software image version: 4.x".
  recognises: (showVersion) => /^Arista \S+/m.test(showVersion) && /^Software image version:/m.test(showVersion),
  defaultBootFilesystem: 'flash',
  // `show version` names no image: EOS boots from flash:.
  bootFilesystemOf: () => 'flash',
  // `show version` names no image: the running one is the only `.swi` on flash: named for the
  // running release (EOS-4.27.6M.swi on 4.27.6M); none, or two (EOS- and EOS64-), and netswim
  // refuses, naming the files it saw, rather than pick one.
  runningImageOf: (version, flash) => {
    const named = flash.files.filter((f) => {
      const info = describeImageFileName(f.name);
      return !f.isDirectory && info?.os === 'eos' && sameVersion(info.version, version.version);
    });
    if (named.length === 1) return `${flash.filesystem}:${named[0]!.name}`;
    const problem =
      named.length === 0
        ? `no .swi named for the running release ${version.version} on ${flash.filesystem}: (EOS's show version names no image)`
        : `${named.map((f) => f.name).join(' and ')} are both named for the running release ${version.version}: netswim cannot tell which one runs`;
    throw new DeviceOutputError(`dir ${flash.filesystem}:`, problem, '');
  },
  bootVariablesCommands: ['show boot-config'],
  // `reload` asks "Save?" when the running configuration changed; netswim answers no.
  keepsReloadMarker: true,
  // "System configuration has been modified. Save? [yes/no/cancel/diff]:", then "Proceed with
  // reload? [confirm]" (Arista's EOS User Manual, System Reset).
  reloadAnswers: [
    { prompt: /Save\? \[yes\/no\/cancel\/diff\]:\s*$/, reply: 'no' },
    { prompt: /\[confirm\]\s*$/, reply: '' },
  ],
  // `write memory` / `copy running-config startup-config`: "Copy completed successfully."
  // `alias <name> <command>` (Arista's EOS User Manual, CLI aliases).
  aliasCommand: 'alias',
  maxBootEntries: 1,
  saveConfirmed: /Copy completed successfully\./,
  autoCleanup: false,
  // `dir flash:`, `show running-config | include ip domain` (EOS: `ip domain-name …`) and
  // `show startup-config` read as on IOS; the rest have no EOS command netswim reads yet.
  precheckCommands: { ...IOS_XE_PRECHECKS, 'ntp-clock': [], 'config-register': [], 'crypto-rsa-key': [], 'tls-1.2': [], license: [] },
  inapplicablePrechecks: {
    'ntp-clock': 'netswim reads no EOS `show clock` / `show ntp status` yet',
    'config-register': 'EOS has no configuration register',
    'crypto-rsa-key': 'EOS needs no configured RSA key pair to copy over HTTPS or SCP',
    'tls-1.2': 'EOS has no `show ip http server secure status`',
    license: 'netswim reads no EOS licence output yet',
  },
  activationMethod: () => 'boot-variable',
  installCommand: () => undefined,
};
