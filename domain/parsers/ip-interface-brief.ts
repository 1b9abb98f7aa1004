// Parser for `show ip interface brief`: each interface's address, status and line protocol.
//   IOS / IOS-XE: `Interface  IP-Address  OK? Method Status  Protocol`, Status may be
//     `administratively down` (two words).
//   NX-OS: `Interface  IP Address  Interface Status` with `protocol-up/link-up/admin-up`, one
//     table per VRF under `IP Interface Status for VRF "name"(n)`; an unnumbered interface
//     prints its source interface on the next line (`(loopback0)`). Mapped to the IOS words:
//     status `administratively down` when admin-down, else the link state; protocol the
//     protocol state. Some NX-OS releases indent the whole table by one space.
// Every line after the first header is a row, a header, a VRF title or blank; any other line is
// refused with that line in the error: an interface the parser skipped would look like one
// that disappeared, or hide one that went down.
import { DeviceOutputError } from './parse-error.ts';

export interface InterfaceState {
  name: string;
  /** `up`, `down`, `administratively down`, … */
  status: string;
  /** Line protocol: `up`, `down`, … */
  protocol: string;
}

export interface InterfaceRow extends InterfaceState {
  /** As printed: `10.0.1.2`, `unassigned`, `unnumbered` (NX-OS), … */
  ipAddress: string;
  /** NX-OS: the VRF whose table lists the interface. */
  vrf?: string;
  /** NX-OS: an unnumbered interface's source, `loopback0`. */
  unnumberedFrom?: string;
}

const COMMAND = 'show ip interface brief';
const IOS_HEADER = /^\s*Interface\s+IP-Address\s+OK\?\s+Method\s+Status\s+Protocol\s*$/im;
const NXOS_HEADER = /^\s*Interface\s+IP Address\s+Interface Status\s*$/im;
// `GigabitEthernet0/1  10.0.1.2  YES NVRAM  administratively down down`
const IOS_ROW = /^(\S+)\s+(\S+)\s+(YES|NO)\s+(\S+)\s+(.+?)\s+(\S+)$/;
// `Eth1/49  10.0.1.2  protocol-down/link-down/admin-up`
const NXOS_ROW = /^(\S+)\s+(\S+)\s+protocol-([\w-]+?)\/link-([\w-]+?)\/admin-([\w-]+)$/;
const NXOS_VRF = /^IP Interface Status for VRF "([^"]*)"/;
const NXOS_UNNUMBERED_SOURCE = /^\((\S+)\)$/;
// A prompt the capture ends with (`router#`).
const PROMPT = /^[\w.:/-]+[#>]$/;

function refuse(line: string, output: string): never {
  throw new DeviceOutputError(COMMAND, `cannot read line ${JSON.stringify(line)}`, output);
}

function readIos(lines: string[], output: string): InterfaceRow[] {
  const rows: InterfaceRow[] = [];
  for (const line of lines) {
    if (line === '' || IOS_HEADER.test(line) || PROMPT.test(line)) continue;
    const m = IOS_ROW.exec(line);
    if (!m?.[1] || !m[2] || !m[5] || !m[6]) refuse(line, output);
    rows.push({ name: m[1], ipAddress: m[2], status: m[5].replace(/\s+/g, ' '), protocol: m[6] });
  }
  return rows;
}

function readNxos(lines: string[], output: string): InterfaceRow[] {
  const rows: InterfaceRow[] = [];
  let vrf: string | undefined;
  for (const line of lines) {
    if (line === '' || NXOS_HEADER.test(line) || PROMPT.test(line)) continue;
    const title = NXOS_VRF.exec(line);
    if (title) {
      vrf = title[1];
      continue;
    }
    const previous = rows[rows.length - 1];
    const source = NXOS_UNNUMBERED_SOURCE.exec(line);
    if (source?.[1] && previous?.ipAddress === 'unnumbered' && previous.unnumberedFrom === undefined) {
      previous.unnumberedFrom = source[1];
      continue;
    }
    const m = NXOS_ROW.exec(line);
    if (!m?.[1] || !m[2] || !m[3] || !m[4] || !m[5]) refuse(line, output);
    rows.push({
      name: m[1],
      ipAddress: m[2],
      status: m[5] === 'down' ? 'administratively down' : m[4],
      protocol: m[3],
      ...(vrf !== undefined ? { vrf } : {}),
    });
  }
  return rows;
}

/** Every row with its address (and NX-OS VRF); throws DeviceOutputError naming a line it cannot read. */
export function readIpInterfaceBrief(output: string): InterfaceRow[] {
  const lines = output.split(/\r?\n/).map((line) => line.trim());
  const ios = lines.findIndex((line) => IOS_HEADER.test(line));
  if (ios >= 0) return readIos(lines.slice(ios + 1), output);
  const nxos = lines.findIndex((line) => NXOS_HEADER.test(line));
  if (nxos >= 0) {
    // The VRF title stands just above the first header.
    const start = nxos > 0 && NXOS_VRF.test(lines[nxos - 1] ?? '') ? nxos - 1 : nxos;
    return readNxos(lines.slice(start), output);
  }
  throw new DeviceOutputError(COMMAND, 'no interface table header', output);
}

/** Each interface's status and line protocol (what the postchecks compare). */
export function parseIpInterfaceBrief(output: string): InterfaceState[] {
  return readIpInterfaceBrief(output).map(({ name, status, protocol }) => ({ name, status, protocol }));
}
