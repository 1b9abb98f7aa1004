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
    const head = /NAME:\s*"([^"]*)",\s*DESCR:\s*"([^"]*)"/.exec(lines[i] ?? '');
    if (!head) continue;
    const ids = /PID:\s*([^,]*?)\s*,\s*VID:\s*[^,]*,\s*SN:\s*(\S*)/.exec(lines[i + 1] ?? '');
    if (!ids) continue;
    entries.push({ name: head[1] ?? '', description: head[2] ?? '', pid: ids[1] ?? '', serial: ids[2] ?? '' });
  }
  if (entries.length === 0) throw new DeviceOutputError('show inventory', 'no NAME/PID entries', output);
  return entries;
}

/** The chassis: the first entry with a model. */
export function chassisOf(entries: readonly InventoryEntry[]): InventoryEntry | undefined {
  return entries.find((e) => e.pid.length > 0);
}
