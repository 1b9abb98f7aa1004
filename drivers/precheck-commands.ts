// The readiness precheck commands of the Cisco drivers (domain/prechecks/types.ts names the
// checks): one table, moved here from the precheck catalogue so each driver owns its commands.
import type { PrecheckName } from '../domain/prechecks/types.ts';

type Commands = Record<PrecheckName, readonly string[]>;

const shared: Commands = {
  // Probe copies the activity builds itself.
  'file-transfer': [],
  'ntp-clock': ['show clock', 'show ntp status'],
  'flash-space': ['dir flash:'],
  'config-register': ['show version'],
  'crypto-rsa-key': ['show crypto key mypubkey rsa'],
  'tls-1.2': ['show ip http server secure status'],
  'ip-domain-name': ['show running-config | include ip domain'],
  'startup-config': ['show startup-config'],
  'nfvis-flash': [],
  license: ['show license summary'],
  // Decided from the inventory by the workflow (domain/prechecks/golden-smus.ts).
  'golden-smus': [],
};

/** `reload` on IOS and IOS-XE: "System configuration has been modified. Save? [yes/no]:", then "Proceed with reload? [confirm]". */
export const CISCO_RELOAD_ANSWERS = [
  { prompt: /Save\? \[yes\/no\]:\s*$/, reply: 'no' },
  { prompt: /\[confirm\]\s*$/, reply: '' },
] as const;

export const IOS_XE_PRECHECKS: Commands = shared;
export const IOS_PRECHECKS: Commands = { ...shared, license: ['show license'] };
export const NXOS_PRECHECKS: Commands = { ...shared, 'flash-space': ['dir bootflash:'], 'config-register': [], 'tls-1.2': [], license: ['show license usage'] };
