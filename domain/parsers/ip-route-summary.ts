// Parser for `show ip route summary`: how many routes the device has, in total and per source.
//   IOS / IOS-XE: a table `Route Source  Networks  Subnets  [Replicates]  Overhead  Memory (bytes)`
//     with one row per source (`connected`, `static`, `ospf 1`, `eigrp 100`, `bgp 65001` …);
//     routes per source = Networks + Subnets. The `internal` row (classful bookkeeping entries)
//     and the `Total` row (which counts `internal` too) are not routes and are left out.
//   NX-OS: one block per VRF with `Total number of routes: N` and `Best paths per protocol:`
//     lines (`  ospf-1         : 48`); a multi-VRF output is summed.
// A line in the table that is none of these is refused with the line in the error: a source
// row the parser skipped would count as routes lost, or hide routes that were.
import { DeviceOutputError } from './parse-error.ts';

export interface RouteSummary {
  /** Routes in the table(s): IOS sum of source rows, NX-OS sum of "Total number of routes". */
  totalRoutes: number;
  /** IOS: routes per source; NX-OS: best paths per protocol (summed over VRFs). */
  bySource: Record<string, number>;
}

const COMMAND = 'show ip route summary';
const IOS_HEADER = /^\s*Route Source\s+Networks\s+Subnets\s+(.*)$/im;
// Indented detail under a source row: `  Intra-area: 1 Inter-area: 0 External-1: 0 External-2: 0`.
const IOS_DETAIL = /^\s+(?:[A-Za-z][\w -]*?:\s*\d+\s*)+$/;
// `internal  24  240672`: networks and memory only.
const IOS_INTERNAL = /^internal\s+\d+(?:\s+\d+)*\s*$/i;
// Protocols IOS always prints with their process number or AS: `ospf 1`, `bgp 65001`.
const INSTANCE_PROTOCOL = /^(ospf|ospfv3|eigrp|bgp)$/i;
const IOS_TRAILER = /^Removing Queue Size\s+\d+\s*$/i;
// A prompt the capture ends with (`router#`).
const PROMPT = /^\s*[\w.:/-]+[#>]\s*$/;

function refuse(line: string, output: string): never {
  throw new DeviceOutputError(COMMAND, `cannot read line ${JSON.stringify(line.trim())}`, output);
}

function parseIos(output: string, header: RegExpExecArray): RouteSummary {
  // Numeric columns: Networks, Subnets and whatever follows (Replicates, Overhead, Memory (bytes)).
  const rest = (header[1] ?? '').replace(/\(bytes\)/i, '').trim().split(/\s+/).filter(Boolean);
  const numericColumns = 2 + rest.length;
  const bySource: Record<string, number> = {};
  let total = 0;
  // Lines above the table (`IP routing table name is …`, an echoed command) say no counts.
  const lines = output.slice(header.index + header[0].length).split(/\r?\n/);
  for (const line of lines) {
    if (line.trim() === '' || IOS_TRAILER.test(line) || PROMPT.test(line) || IOS_INTERNAL.test(line)) continue;
    if (/^\s/.test(line)) {
      if (IOS_DETAIL.test(line)) continue;
      refuse(line, output);
    }
    const tokens = line.trim().split(/\s+/);
    const numbers = tokens.slice(-numericColumns);
    const nameTokens = tokens.length - numericColumns;
    // A source is one word or a protocol and its instance; a row short of a column would
    // otherwise take an instance number (`ospf 1`) for a count.
    const named = nameTokens === 1 ? !INSTANCE_PROTOCOL.test(tokens[0] ?? '') : nameTokens === 2;
    if (!named || !numbers.every((t) => /^\d+$/.test(t))) refuse(line, output);
    const source = tokens.slice(0, -numericColumns).join(' ');
    // The `Total` row counts `internal`'s bookkeeping entries too.
    if (/^total$/i.test(source)) continue;
    const routes = Number(numbers[0]) + Number(numbers[1]);
    bySource[source] = (bySource[source] ?? 0) + routes;
    total += routes;
  }
  return { totalRoutes: total, bySource };
}

// NX-OS lines, per VRF block.
const NX_VRF = /^IP Route Table for VRF "[^"]*"\s*$/;
const NX_TOTAL_ROUTES = /^Total number of routes:\s*(\d+)\s*$/i;
const NX_TOTAL_PATHS = /^Total number of paths:\s*\d+\s*$/i;
const NX_BEST_TITLE = /^Best paths per protocol:(?:\s+Backup paths per protocol:)?\s*$/i;
// `am   : 214   ospf-1000 : 10` or `am  : 1  None`: the best-path column, then the backup column.
const NX_BEST_ROW = /^([A-Za-z][\w.-]*)\s*:\s*(\d+)(?:\s+(?:None|[A-Za-z][\w.-]*\s*:\s*\d+))?\s*$/;
// A row with only a backup path (its best-path column empty), far to the right.
const NX_BACKUP_ONLY = /^\s{12,}[A-Za-z][\w.-]*\s*:\s*\d+\s*$/;
const NX_MASK_TITLE = /^Number of routes per mask-length:\s*$/i;
const NX_MASK_ROW = /^(?:\/\d+\s*:\s*\d+\s*)+$/;

function parseNxos(output: string): RouteSummary | undefined {
  if (!output.split(/\r?\n/).some((line) => NX_TOTAL_ROUTES.test(line.trim()))) return undefined;
  const bySource: Record<string, number> = {};
  let totalRoutes = 0;
  let section: 'none' | 'best' | 'mask' = 'none';
  for (const raw of output.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') {
      section = 'none';
      continue;
    }
    if (NX_VRF.test(line) || NX_TOTAL_PATHS.test(line) || PROMPT.test(line)) continue;
    const routes = NX_TOTAL_ROUTES.exec(line);
    if (routes) {
      totalRoutes += Number(routes[1]);
      continue;
    }
    if (NX_BEST_TITLE.test(line)) {
      section = 'best';
      continue;
    }
    if (NX_MASK_TITLE.test(line)) {
      section = 'mask';
      continue;
    }
    if (section === 'mask' && NX_MASK_ROW.test(line)) continue;
    if (section === 'best') {
      const m = NX_BEST_ROW.exec(line);
      if (m?.[1] && m[2]) {
        bySource[m[1]] = (bySource[m[1]] ?? 0) + Number(m[2]);
        continue;
      }
      if (NX_BACKUP_ONLY.test(raw)) continue;
    }
    refuse(raw, output);
  }
  return { totalRoutes, bySource };
}

export function parseIpRouteSummary(output: string): RouteSummary {
  const header = IOS_HEADER.exec(output);
  if (header) return parseIos(output, header);
  const nx = parseNxos(output);
  if (nx) return nx;
  throw new DeviceOutputError(COMMAND, 'no "Route Source" table or "Total number of routes" line', output);
}
