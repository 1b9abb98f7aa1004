// Parser for `show ip route summary`: how many routes the device has, in total and per source.
//   IOS / IOS-XE: a table `Route Source  Networks  Subnets  [Replicates]  Overhead  Memory (bytes)`
//     with one row per source (`connected`, `static`, `ospf 1`, `eigrp 100`, `bgp 65001` …);
//     routes per source = Networks + Subnets. The `internal` row (classful bookkeeping entries)
//     and the `Total` row (which counts `internal` too) are not routes and are left out.
//   NX-OS: one block per VRF with `Total number of routes: N` and `Best paths per protocol:`
//     lines (`  ospf-1         : 48`); a multi-VRF output is summed.
import { DeviceOutputError } from './parse-error.ts';

export interface RouteSummary {
  /** Routes in the table(s): IOS sum of source rows, NX-OS sum of "Total number of routes". */
  totalRoutes: number;
  /** IOS: routes per source; NX-OS: best paths per protocol (summed over VRFs). */
  bySource: Record<string, number>;
}

const IOS_HEADER = /^\s*Route Source\s+Networks\s+Subnets\s+(.*)$/im;

function parseIos(output: string, header: RegExpExecArray): RouteSummary {
  // Numeric columns: Networks, Subnets and whatever follows (Replicates, Overhead, Memory (bytes)).
  const rest = (header[1] ?? '').replace(/\(bytes\)/i, '').trim().split(/\s+/).filter(Boolean);
  const numericColumns = 2 + rest.length;
  const bySource: Record<string, number> = {};
  let total = 0;
  for (const line of output.split(/\r?\n/)) {
    if (/^\s/.test(line) || line.trim() === '') continue; // `  Intra-area: …` detail lines
    const tokens = line.trim().split(/\s+/);
    if (tokens.length <= numericColumns) continue;
    const numbers = tokens.slice(-numericColumns);
    if (!numbers.every((t) => /^\d+$/.test(t))) continue;
    const source = tokens.slice(0, -numericColumns).join(' ');
    if (/^(internal|total)$/i.test(source)) continue;
    const routes = Number(numbers[0]) + Number(numbers[1]);
    bySource[source] = (bySource[source] ?? 0) + routes;
    total += routes;
  }
  return { totalRoutes: total, bySource };
}

function parseNxos(output: string): RouteSummary | undefined {
  const totals = [...output.matchAll(/Total number of routes:\s*(\d+)/gi)];
  if (totals.length === 0) return undefined;
  const bySource: Record<string, number> = {};
  let inBest = false;
  for (const line of output.split(/\r?\n/)) {
    if (/Best paths per protocol/i.test(line)) {
      inBest = true;
      continue;
    }
    if (!inBest) continue;
    // The first `name : n` is the best-path column; a backup column may follow on the same line.
    const m = /^\s*([A-Za-z][\w.-]*)\s*:\s*(\d+)/.exec(line);
    if (!m?.[1] || !m[2]) {
      inBest = false;
      continue;
    }
    bySource[m[1]] = (bySource[m[1]] ?? 0) + Number(m[2]);
  }
  return { totalRoutes: totals.reduce((sum, t) => sum + Number(t[1]), 0), bySource };
}

export function parseIpRouteSummary(output: string): RouteSummary {
  const header = IOS_HEADER.exec(output);
  if (header) return parseIos(output, header);
  const nx = parseNxos(output);
  if (nx) return nx;
  throw new DeviceOutputError('show ip route summary', 'no "Route Source" table or "Total number of routes" line', output);
}
