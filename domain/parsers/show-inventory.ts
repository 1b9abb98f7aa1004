// Parser for `show inventory`: the chassis model (PID) and serial number (SN). The chassis is the
// first entry on IOS, IOS-XE and NX-OS alike (a stack lists the stack, then each member).
import { DeviceOutputError } from './parse-error.ts';

export interface InventoryEntry {
  name: string;
  description: string;
  pid: string;
  serial: string;
}

export function parseShowInventory(output: string): InventoryEntry[] {
  const entries: InventoryEntry[] = [];
  const lines = output.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    // NX-OS writes transceivers without quotes: `NAME: Ethernet1/46,  DESCR: CISCO-AVAGO`.
    const head = /NAME:\s*(?:"([^"]*)"|([^,]*?))\s*,\s*DESCR:\s*(?:"([^"]*)"|(.*?))\s*$/.exec(lines[i] ?? '');
    if (!head) continue;
    // Some IOS-XE releases put blank lines between an item's two lines.
    let next = i + 1;
    while (next < lines.length && !lines[next]!.trim()) next++;
    const ids = /^\s*PID:\s*([^,]*?)\s*,\s*VID:\s*[^,]*,\s*SN:\s*(\S*)/.exec(lines[next] ?? '');
    if (!ids) throw new DeviceOutputError('show inventory', `no "PID: …, VID: …, SN: …" line after ${JSON.stringify(lines[i]!.trim())}`, output);
    entries.push({ name: head[1] ?? head[2] ?? '', description: head[3] ?? head[4] ?? '', pid: ids[1] ?? '', serial: ids[2] ?? '' });
    i = next;
  }
  if (entries.length === 0) throw new DeviceOutputError('show inventory', 'no NAME/PID entries', output);
  return entries;
}

/** The chassis: the entry named `Chassis` (NX-OS, IOS-XE routers), else the first entry with a model. */
export function chassisOf(entries: readonly InventoryEntry[]): InventoryEntry | undefined {
  return entries.find((e) => /^chassis$/i.test(e.name) && e.pid.length > 0) ?? entries.find((e) => e.pid.length > 0);
}
