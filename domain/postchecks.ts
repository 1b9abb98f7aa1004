// Postchecks: the same commands before and after activation (CPU, route summary, interfaces,
// custom post checks), read into a snapshot each time, then a structured diff whose thresholds
// decide pass / warn / fail. Pure; snapshots are plain JSON so they can travel through Temporal.
//
// Default thresholds and why:
//   CPU (the one-minute average; NX-OS `show system resources`: the current busy percent)
//     above 80 % fail, above 60 % warn. The one-minute figure, not the five-minute one, because
//     right after a reload the five-minute average still holds the boot's own load; five seconds
//     is too noisy. A device that was already above 80 % before the upgrade only warns: the
//     upgrade did not cause it.
//   Routes: fewer routes than before by more than 10 % fail, by anything more than 0 % warn
//     (a route or two can still be converging); as many or more pass.
//   Interfaces: one that was up/up before and is not up/up (or is gone) after fails. Interfaces
//     that were down before, or are new, are not judged.
//   Custom post checks: output changed warns, with a line diff summary (which lines appeared and
//     disappeared). Outputs are compared line by line ignoring trailing spaces and line endings.
// A check collected before but not after (or the reverse) warns: nothing could be compared.
import type { CheckStatus as AnyCheckStatus } from './upgrade.ts';

/** A diff item is judged, never skipped. */
type CheckStatus = Exclude<AnyCheckStatus, 'skipped'>;
import { parseIpInterfaceBrief, type InterfaceState } from './parsers/ip-interface-brief.ts';
import { parseIpRouteSummary } from './parsers/ip-route-summary.ts';
import { parseProcessesCpu, type CpuUtilization } from './parsers/processes-cpu.ts';

/** The commands a snapshot reads, per OS family; custom post checks add their own. */
export const POSTCHECK_COMMANDS = {
  cpu: { ios: 'show processes cpu | include CPU utilization', nxos: 'show system resources' },
  routes: 'show ip route summary',
  interfaces: 'show ip interface brief',
} as const;

export const CPU_WARN_PERCENT = 60;
export const CPU_FAIL_PERCENT = 80;
export const ROUTE_DROP_WARN_PERCENT = 0;
export const ROUTE_DROP_FAIL_PERCENT = 10;

export interface PostcheckThresholds {
  /** CPU above this percent warns. */
  cpuWarnPercent: number;
  /** CPU above this percent fails (warns when it was already above it before). */
  cpuFailPercent: number;
  /** Losing more than this percent of the routes warns. */
  routeDropWarnPercent: number;
  /** Losing more than this percent of the routes fails. */
  routeDropFailPercent: number;
  /** What a changed custom post check output means. */
  customChanged: CheckStatus;
}

export const DEFAULT_POSTCHECK_THRESHOLDS: Readonly<PostcheckThresholds> = Object.freeze({
  cpuWarnPercent: CPU_WARN_PERCENT,
  cpuFailPercent: CPU_FAIL_PERCENT,
  routeDropWarnPercent: ROUTE_DROP_WARN_PERCENT,
  routeDropFailPercent: ROUTE_DROP_FAIL_PERCENT,
  customChanged: 'warn',
});

export interface CustomOutput {
  name: string;
  output: string;
}

export interface HealthSnapshot {
  /** The CPU figure the thresholds judge: one-minute average, else the five-second/current one. */
  cpuPercent?: number;
  cpu?: CpuUtilization;
  routes?: number;
  /** Routes per source (IOS) or best paths per protocol (NX-OS), to say which protocol lost routes. */
  routesBySource?: Record<string, number>;
  interfaces?: InterfaceState[];
  custom: CustomOutput[];
}

/** Raw outputs of the snapshot commands; a command not run is left out. */
export interface SnapshotOutputs {
  cpu?: string;
  routeSummary?: string;
  interfaceBrief?: string;
  custom?: CustomOutput[];
}

/** Reads the outputs into a snapshot. Throws DeviceOutputError when an output is not what the command prints. */
export function buildSnapshot(outputs: SnapshotOutputs): HealthSnapshot {
  const snapshot: HealthSnapshot = { custom: (outputs.custom ?? []).map((c) => ({ name: c.name, output: c.output })) };
  if (outputs.cpu !== undefined) {
    const cpu = parseProcessesCpu(outputs.cpu);
    snapshot.cpu = cpu;
    snapshot.cpuPercent = cpu.oneMinutePercent ?? cpu.fiveSecondsPercent;
  }
  if (outputs.routeSummary !== undefined) {
    const routes = parseIpRouteSummary(outputs.routeSummary);
    snapshot.routes = routes.totalRoutes;
    snapshot.routesBySource = routes.bySource;
  }
  if (outputs.interfaceBrief !== undefined) snapshot.interfaces = parseIpInterfaceBrief(outputs.interfaceBrief);
  return snapshot;
}

export type DiffValue = string | number | null;

export interface PostcheckItem {
  /** `cpu`, `routes`, `interfaces`, `interface <name>`, `custom <name>`. */
  check: string;
  pre: DiffValue;
  post: DiffValue;
  status: CheckStatus;
  reason: string;
}

export interface PostcheckDiff {
  status: CheckStatus;
  items: PostcheckItem[];
  /** One line for people: the failing and warning items, or that all passed. */
  reason: string;
}

const RANK: Record<CheckStatus, number> = { pass: 0, warn: 1, fail: 2 };
const worst = (statuses: CheckStatus[]): CheckStatus => statuses.reduce<CheckStatus>((w, s) => (RANK[s] > RANK[w] ? s : w), 'pass');

function missingItem(check: string, pre: DiffValue, post: DiffValue): PostcheckItem {
  return {
    check,
    pre,
    post,
    status: 'warn',
    reason: pre === null ? `${check} was not collected before the upgrade: nothing to compare` : `${check} was not collected after the upgrade: nothing to compare`,
  };
}

function cpuItem(pre: HealthSnapshot, post: HealthSnapshot, t: PostcheckThresholds): PostcheckItem | undefined {
  const before = pre.cpuPercent ?? null;
  const after = post.cpuPercent ?? null;
  if (before === null && after === null) return undefined;
  if (after === null || before === null) return missingItem('cpu', before, after);
  const fiveMin = post.cpu?.fiveMinutesPercent;
  const detail = `CPU ${after}% after the upgrade (${before}% before${fiveMin !== undefined ? `; five-minute average ${fiveMin}%` : ''})`;
  if (after > t.cpuFailPercent) {
    if (before > t.cpuFailPercent) {
      return { check: 'cpu', pre: before, post: after, status: 'warn', reason: `${detail}: above ${t.cpuFailPercent}%, but it already was before` };
    }
    return { check: 'cpu', pre: before, post: after, status: 'fail', reason: `${detail}: above ${t.cpuFailPercent}%` };
  }
  if (after > t.cpuWarnPercent) {
    return { check: 'cpu', pre: before, post: after, status: 'warn', reason: `${detail}: above ${t.cpuWarnPercent}%` };
  }
  return { check: 'cpu', pre: before, post: after, status: 'pass', reason: `${detail}: at or below ${t.cpuWarnPercent}%` };
}

/** `ospf 1: 48 → 3, static: 2 → 0`: the sources that lost routes. */
function sourceLosses(pre: Record<string, number> | undefined, post: Record<string, number> | undefined): string {
  if (!pre || !post) return '';
  const lost = Object.entries(pre)
    .filter(([source, n]) => (post[source] ?? 0) < n)
    .map(([source, n]) => `${source}: ${n} → ${post[source] ?? 0}`);
  return lost.length > 0 ? ` (${lost.join(', ')})` : '';
}

const percent1 = (n: number): string => `${Math.round(n * 10) / 10}%`;

function routesItem(pre: HealthSnapshot, post: HealthSnapshot, t: PostcheckThresholds): PostcheckItem | undefined {
  const before = pre.routes ?? null;
  const after = post.routes ?? null;
  if (before === null && after === null) return undefined;
  if (after === null || before === null) return missingItem('routes', before, after);
  const base = { check: 'routes', pre: before, post: after };
  if (after >= before) {
    return { ...base, status: 'pass', reason: `${after} routes after the upgrade, ${before} before` };
  }
  const dropPercent = ((before - after) / before) * 100;
  const lost = `${after} routes after the upgrade, ${before} before: ${before - after} fewer (${percent1(dropPercent)})${sourceLosses(pre.routesBySource, post.routesBySource)}`;
  if (dropPercent > t.routeDropFailPercent) return { ...base, status: 'fail', reason: `${lost}, more than ${t.routeDropFailPercent}%` };
  if (dropPercent > t.routeDropWarnPercent) return { ...base, status: 'warn', reason: `${lost}, more than ${t.routeDropWarnPercent}%` };
  return { ...base, status: 'pass', reason: `${lost}, within ${t.routeDropWarnPercent}%` };
}

const upUp = (i: InterfaceState): boolean => i.status.toLowerCase() === 'up' && i.protocol.toLowerCase() === 'up';
const stateOf = (i: InterfaceState): string => `${i.status}/${i.protocol}`;

function interfaceItems(pre: HealthSnapshot, post: HealthSnapshot): PostcheckItem[] {
  if (!pre.interfaces && !post.interfaces) return [];
  if (!pre.interfaces || !post.interfaces) {
    const count = (list: InterfaceState[] | undefined): DiffValue => (list ? list.filter(upUp).length : null);
    return [missingItem('interfaces', count(pre.interfaces), count(post.interfaces))];
  }
  const after = new Map(post.interfaces.map((i) => [i.name.toLowerCase(), i]));
  const wereUp = pre.interfaces.filter(upUp);
  const items: PostcheckItem[] = [];
  for (const before of wereUp) {
    const now = after.get(before.name.toLowerCase());
    if (now === undefined) {
      items.push({ check: `interface ${before.name}`, pre: stateOf(before), post: null, status: 'fail', reason: `${before.name} was up/up before the upgrade and is gone after it` });
    } else if (!upUp(now)) {
      items.push({ check: `interface ${before.name}`, pre: stateOf(before), post: stateOf(now), status: 'fail', reason: `${before.name} was up/up before the upgrade and is ${stateOf(now)} after it` });
    }
  }
  const stillUp = wereUp.length - items.length;
  const summary: PostcheckItem = {
    check: 'interfaces',
    pre: wereUp.length,
    post: stillUp,
    status: items.length > 0 ? 'fail' : 'pass',
    reason:
      items.length > 0
        ? `${items.length} of ${wereUp.length} interfaces up/up before the upgrade are not up/up after it: ${items.map((i) => i.check.slice('interface '.length)).join(', ')}`
        : `all ${wereUp.length} interfaces up/up before the upgrade are up/up after it`,
  };
  return [summary, ...items];
}

const normalizeLines = (output: string): string[] => {
  const lines = output.split(/\r?\n/).map((l) => l.replace(/\s+$/, ''));
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  while (lines.length > 0 && lines[0] === '') lines.shift();
  return lines;
};

export interface LineDiff {
  added: string[];
  removed: string[];
  /** Same lines, in a different order. */
  reordered: boolean;
}

/**
 * Which lines appeared and disappeared, as multisets (order-insensitive, linear time even on
 * long outputs); `reordered` when the same lines came back in another order.
 */
export function diffLines(before: string, after: string): LineDiff {
  const a = normalizeLines(before);
  const b = normalizeLines(after);
  const counts = new Map<string, number>();
  for (const line of a) counts.set(line, (counts.get(line) ?? 0) + 1);
  const added: string[] = [];
  for (const line of b) {
    const n = counts.get(line) ?? 0;
    if (n > 0) counts.set(line, n - 1);
    else added.push(line);
  }
  const remaining = new Map(counts);
  const removed: string[] = [];
  for (const line of a) {
    const n = remaining.get(line) ?? 0;
    if (n > 0) {
      remaining.set(line, n - 1);
      removed.push(line);
    }
  }
  const reordered = added.length === 0 && removed.length === 0 && a.join('\n') !== b.join('\n');
  return { added, removed, reordered };
}

const SHOWN_LINES = 3;
const quoteLines = (sign: string, lines: string[]): string[] =>
  lines.slice(0, SHOWN_LINES).map((l) => `${sign} ${JSON.stringify(l.trim())}`);

/** `+2 -1 lines: + "x", + "y", - "z"` (first lines of each side only). */
export function lineDiffSummary(diff: LineDiff): string {
  if (diff.reordered) return 'same lines in a different order';
  const shown = [...quoteLines('+', diff.added), ...quoteLines('-', diff.removed)];
  const more = Math.max(0, diff.added.length - SHOWN_LINES) + Math.max(0, diff.removed.length - SHOWN_LINES);
  return `+${diff.added.length} -${diff.removed.length} lines: ${shown.join(', ')}${more > 0 ? `, and ${more} more` : ''}`;
}

function customItems(pre: HealthSnapshot, post: HealthSnapshot, t: PostcheckThresholds): PostcheckItem[] {
  const after = new Map(post.custom.map((c) => [c.name, c.output]));
  const before = new Map(pre.custom.map((c) => [c.name, c.output]));
  const names = [...new Set([...pre.custom.map((c) => c.name), ...post.custom.map((c) => c.name)])];
  return names.map((name): PostcheckItem => {
    const check = `custom ${name}`;
    const a = before.get(name);
    const b = after.get(name);
    const lines = (o: string | undefined): DiffValue => (o === undefined ? null : normalizeLines(o).length);
    if (a === undefined || b === undefined) return missingItem(check, lines(a), lines(b));
    const diff = diffLines(a, b);
    const base = { check, pre: lines(a), post: lines(b) };
    if (diff.added.length === 0 && diff.removed.length === 0 && !diff.reordered) {
      return { ...base, status: 'pass', reason: `${name}: same output before and after the upgrade` };
    }
    return { ...base, status: t.customChanged, reason: `${name}: output changed after the upgrade, ${lineDiffSummary(diff)}` };
  });
}

/** Compares the post-state with the pre-state; the overall status is the worst item's. */
export function diffSnapshots(pre: HealthSnapshot, post: HealthSnapshot, thresholds: Partial<PostcheckThresholds> = {}): PostcheckDiff {
  const t: PostcheckThresholds = { ...DEFAULT_POSTCHECK_THRESHOLDS, ...thresholds };
  const items: PostcheckItem[] = [];
  const cpu = cpuItem(pre, post, t);
  if (cpu) items.push(cpu);
  const routes = routesItem(pre, post, t);
  if (routes) items.push(routes);
  items.push(...interfaceItems(pre, post), ...customItems(pre, post, t));
  const status = worst(items.map((i) => i.status));
  // The per-interface items repeat what the `interfaces` summary says; the summary line uses it.
  const notable = items.filter((i) => i.status !== 'pass' && !i.check.startsWith('interface '));
  const reason =
    items.length === 0
      ? 'no postcheck data to compare'
      : notable.length === 0
        ? `all ${items.length} postchecks passed`
        : notable.map((i) => `${i.status}: ${i.reason}`).join('; ');
  return { status, items, reason };
}
