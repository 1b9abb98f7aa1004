// Parser for `show ip interface brief`: each interface's status and line protocol.
//   IOS / IOS-XE: `Interface  IP-Address  OK? Method Status  Protocol`, Status may be
//     `administratively down` (two words).
//   NX-OS: `Interface  IP Address  Interface Status` with `protocol-up/link-up/admin-up`, one
//     table per VRF. Mapped to the IOS words: status `administratively down` when admin-down,
//     else the link state; protocol the protocol state.
import { DeviceOutputError } from './parse-error.ts';

export interface InterfaceState {
  name: string;
  /** `up`, `down`, `administratively down`, … */
  status: string;
  /** Line protocol: `up`, `down`, … */
  protocol: string;
}

const IOS_HEADER = /^\s*Interface\s+IP-Address\s+OK\?\s+Method\s+Status\s+Protocol\s*$/im;
const NXOS_HEADER = /^\s*Interface\s+IP Address\s+Interface Status\s*$/im;
// `GigabitEthernet0/1  10.0.1.2  YES NVRAM  administratively down down`
const IOS_ROW = /^(\S+)\s+(\S+)\s+(YES|NO)\s+(\S+)\s+(.+?)\s+(\S+)\s*$/;
// `Eth1/49  10.0.1.2  protocol-down/link-down/admin-up`
const NXOS_ROW = /^(\S+)\s+(\S+)\s+protocol-([\w-]+?)\/link-([\w-]+?)\/admin-([\w-]+)\s*$/;

export function parseIpInterfaceBrief(output: string): InterfaceState[] {
  const lines = output.split(/\r?\n/);
  if (IOS_HEADER.test(output)) {
    const rows: InterfaceState[] = [];
    for (const line of lines) {
      const m = IOS_ROW.exec(line);
      if (!m?.[1] || !m[5] || !m[6] || m[1] === 'Interface') continue;
      rows.push({ name: m[1], status: m[5].replace(/\s+/g, ' '), protocol: m[6] });
    }
    return rows;
  }
  if (NXOS_HEADER.test(output)) {
    const rows: InterfaceState[] = [];
    for (const line of lines) {
      const m = NXOS_ROW.exec(line);
      if (!m?.[1] || !m[3] || !m[4] || !m[5]) continue;
      rows.push({ name: m[1], status: m[5] === 'down' ? 'administratively down' : m[4], protocol: m[3] });
    }
    return rows;
  }
  throw new DeviceOutputError('show ip interface brief', 'no interface table header', output);
}
