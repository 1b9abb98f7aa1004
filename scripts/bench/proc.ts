// CPU time and memory of a process as the kernel counts them (Linux /proc): utime + stime of every
// thread (Temporal's workflow threads included), VmRSS now and VmHWM (peak resident set).
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** CPU seconds (user + system) the process used so far; undefined once it is gone. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces), `)` closes it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return (utime + stime) / clockTicks();
  } catch {
    return undefined;
  }
}

export interface MemoryNow {
  rssBytes: number;
  peakRssBytes: number;
}

export function memory(pid: number): MemoryNow | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1] ?? 0) * 1024;
    return { rssBytes: kb('VmRSS'), peakRssBytes: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

/** Polls VmRSS of named processes (VmHWM is the kernel's own peak; the poll is a cross-check). */
export class MemoryWatch {
  private readonly peaks = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly pids: () => Record<string, number | undefined>) {}

  start(everyMs = 500): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
  }

  sample(): void {
    for (const [name, pid] of Object.entries(this.pids())) {
      if (pid === undefined) continue;
      const m = memory(pid);
      if (m) this.peaks.set(name, Math.max(this.peaks.get(name) ?? 0, m.rssBytes));
    }
  }

  peak(name: string): number {
    return this.peaks.get(name) ?? 0;
  }

  reset(): void {
    this.peaks.clear();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}

/** CPU seconds the whole machine spent busy (all cores: user, nice, system, irq, softirq, steal). */
export function machineBusySeconds(): number {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
    return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / clockTicks();
  } catch {
    return Number.NaN;
  }
}

/**
 * CPU seconds of named processes sampled over time, so a run's CPU can be split by phase (before
 * the first copy, during the copies, after them). Values between samples are interpolated.
 */
export class CpuTimeline {
  private readonly samples: Array<{ atMs: number; cpu: Record<string, number> }> = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly read: () => Record<string, number>) {}

  start(everyMs = 500): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.sample();
  }

  private sample(): void {
    this.samples.push({ atMs: Date.now(), cpu: this.read() });
  }

  /** CPU seconds each process used between two wall-clock times (ms since the epoch). */
  between(fromMs: number, toMs: number): Record<string, number> {
    const from = this.at(fromMs);
    const to = this.at(toMs);
    return Object.fromEntries(Object.keys(to).map((name) => [name, Math.round(((to[name] ?? Number.NaN) - (from[name] ?? Number.NaN)) * 10) / 10]));
  }

  private at(ms: number): Record<string, number> {
    const s = this.samples;
    if (s.length === 0) return {};
    const after = s.findIndex((x) => x.atMs >= ms);
    if (after <= 0) return (after === 0 ? s[0] : s[s.length - 1])!.cpu;
    const a = s[after - 1]!;
    const b = s[after]!;
    const f = (ms - a.atMs) / (b.atMs - a.atMs);
    return Object.fromEntries(Object.keys(b.cpu).map((name) => [name, (a.cpu[name] ?? 0) + f * ((b.cpu[name] ?? 0) - (a.cpu[name] ?? 0))]));
  }
}
