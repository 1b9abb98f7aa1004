// Arista EOS: one `.swi` image on flash:, named in `boot system flash:<image>.swi` (`show
// boot-config` prints it), saved with `write memory`, taken by `reload`. `show version` names
// neither the host nor the running image (ntc-templates' arista_eos captures).
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
  bootVariablesCommands: ['show boot-config'],
  // `reload` asks "Save?" when the running configuration changed; netswim answers no.
  keepsReloadMarker: true,
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
