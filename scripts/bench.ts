// `npm run bench -- [--devices 1000] [--distribution-devices 50] [--image-mb 200] [--max-in-flight 200]
//                   [--skip-campaign] [--skip-distribution] [--sqlite-pragma journal_mode=wal … | none]
//                   [--out FILE (default docs/bench-results.md for a full-size run)] [--json data/bench/bench.json] [--keep-logs]`
// netswim end to end at fleet scale, each part in its own process so that CPU and memory are
// measured per process from /proc (utime + stime; VmHWM, with VmRSS polled as a cross-check):
//   - a Temporal dev server (`temporal server start-dev`, SQLite file in a temp folder),
//   - the lab (simulated Catalyst 9300s over SSH on 127.30.x.y, reloads of 500 ms, no faults,
//     no command latency),
//   - netswim as `npm start` runs it (runtime/main.ts: API, image service and worker in one
//     process on PGlite) — "worker" below is that process,
//   - for the distribution part, a plain HTTP distribution server (PUT/GET, like nginx + WebDAV).
// Part 1, campaign: every campaign device upgraded (inventory, prechecks, copy, activate, reload,
// verify, postcheck) in one campaign of a 1 MB image: wall time, devices per minute, CPU seconds
// per device of the worker and of the Temporal server, peak resident memory of each process.
// Part 2, distribution: the distribution devices copy a 200 MB image from the site's HTTP server in
// a distribute-only campaign, then the same devices (file deleted first) copy the same URL driven
// by a plain client (one SSH session per device, all at once, no Temporal, no netswim): aggregate
// throughput of each and their ratio.
// Prints progress and the figures, checks them against the targets (PASS / MISS) and writes them
// to --out (Markdown) and data/bench/bench.json. Not a test: the figures depend on the machine.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, openSync, closeSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CliSession } from '../activities/cli-session.ts';
import { stageImage, type DistributionServer } from '../distribution/site-servers.ts';
import { COPY_QUESTIONS } from '../activities/cli-dialogues.ts';
import type { CampaignProgress } from '../domain/campaign.ts';
import { campaignWorkflowId } from '../workflows/campaign-definitions.ts';
import { upgradeWorkflowId } from '../workflows/definitions.ts';
import type { InventoryEntry } from '../lab/fleet-spec.ts';
import { cpuSeconds, CpuTimeline, machineBusySeconds, memory, MemoryWatch } from './bench/proc.ts';
import { DISTRIBUTION_SITE, type CopyRecord, type LabChildMessage, type LabParentMessage } from './bench/lab-protocol.ts';
import { eventTimeline, stepTimeline } from './bench/step-timeline.ts';
import { findTemporalCli } from './temporal-cli.ts';
import { freePort, startTemporalDevServer } from './temporal-dev-server.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MiB = 1024 * 1024;
const SMALL_IMAGE = 'cat9k_iosxe.17.09.04a.SPA.bin';
const BIG_IMAGE = 'cat9k_iosxe.17.12.01.SPA.bin';
/** Everything after this line in the results file is kept when the bench rewrites it. */
const NOTES_MARKER = '<!-- notes: kept by npm run bench -->';
const TARGETS = { devicesPerMinute: 300, transferRatio: 0.9, workerPeakRssBytes: 1024 * MiB };

const { values: args } = parseArgs({
  options: {
    devices: { type: 'string', default: '1000' },
    'distribution-devices': { type: 'string', default: '50' },
    'image-mb': { type: 'string', default: '200' },
    'small-image-mb': { type: 'string', default: '1' },
    'max-in-flight': { type: 'string', default: '200' },
    'reload-ms': { type: 'string', default: '500' },
    'skip-campaign': { type: 'boolean', default: false },
    'skip-distribution': { type: 'boolean', default: false },
    /** Default: docs/bench-results.md for a full-size run, data/bench/bench-results.md for a partial one. */
    out: { type: 'string' },
    json: { type: 'string', default: 'data/bench/bench.json' },
    'keep-logs': { type: 'boolean', default: false },
    /** A folder: CPU profiles of the lab process during each distribution run (lab-netswim.cpuprofile, lab-plain-before/after.cpuprofile). */
    /** A folder: V8 CPU profiles of netswim's process (the worker), written when it stops. */
    'profile-worker': { type: 'string' },
    'profile-lab': { type: 'string' },
    /** SQLite pragmas for the Temporal dev server (repeatable); `none` keeps the dev server's defaults. */
    'sqlite-pragma': { type: 'string', multiple: true, default: ['journal_mode=wal', 'synchronous=normal'] },
  },
});

function int(name: string, min: number, max: number): number {
  const text = (args as Record<string, unknown>)[name] as string;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) {
    process.stderr.write(`netswim bench: --${name} must be a whole number from ${min} to ${max}\n`);
    process.exit(2);
  }
  return n;
}

const opts = {
  devices: args['skip-campaign'] ? 0 : int('devices', 1, 10_000),
  distributionDevices: args['skip-distribution'] ? 0 : int('distribution-devices', 1, 500),
  imageMb: int('image-mb', 1, 4096),
  smallImageMb: int('small-image-mb', 1, 1024),
  maxInFlight: int('max-in-flight', 1, 500),
  reloadMs: int('reload-ms', 0, 60_000),
  sqlitePragmas: args['sqlite-pragma'].filter((p) => p !== 'none'),
};

const started = Date.now();
function say(message: string): void {
  const seconds = ((Date.now() - started) / 1000).toFixed(1).padStart(7);
  process.stdout.write(`[${seconds}s] ${message}\n`);
}

const mib = (bytes: number): number => Math.round((bytes / MiB) * 10) / 10;
const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** How often the bench asks the API for a campaign's progress. */
const POLL_MS = 5000;

// --- child processes, stopped in reverse order on exit or Ctrl-C -------------------------------

const children: Array<{ name: string; stop: () => Promise<void>; kill: () => void }> = [];

function track(name: string, child: ChildProcess, stopSignal: NodeJS.Signals = 'SIGTERM'): () => Promise<void> {
  const exited = new Promise<void>((r) => {
    if (child.exitCode !== null || child.signalCode !== null) r();
    else child.once('exit', () => r());
  });
  const alive = () => child.exitCode === null && child.signalCode === null;
  const entry = {
    name,
    kill: () => {
      if (alive()) child.kill('SIGKILL');
    },
    stop: async () => {
      if (!alive()) return;
      child.kill(stopSignal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
  children.push(entry);
  return entry.stop;
}

let stopping: Promise<void> | undefined;
/** The bench's temp folder (Temporal's SQLite file, netswim's data, logs); removed at the end. */
let workDir: string | undefined;
function stopAll(): Promise<void> {
  stopping ??= (async () => {
    for (const child of [...children].reverse()) {
      await child.stop().catch((error: Error) => say(`stopping ${child.name} failed: ${error.message}`));
    }
  })();
  return stopping;
}
process.on('SIGINT', () => {
  if (stopping) {
    for (const child of children) child.kill();
    process.exit(130);
  }
  say('Ctrl-C: stopping the bench processes');
  void stopAll()
    .then(() => (workDir && !args['keep-logs'] ? rm(workDir, { recursive: true, force: true }) : undefined))
    .finally(() => process.exit(130));
});
// Last resort (an uncaught error): nothing the bench started outlives it.
process.on('exit', () => {
  for (const child of children) child.kill();
});

// --- the processes ------------------------------------------------------------------------------

class LabProcess {
  private readonly waiting: ((message: LabChildMessage) => void)[] = [];
  constructor(readonly child: ChildProcess) {
    child.on('message', (message: LabChildMessage) => this.waiting.shift()?.(message));
    child.on('exit', (code, signal) => {
      for (const waiter of this.waiting.splice(0)) waiter({ type: 'failed', error: `lab process exited (${signal ?? code})` });
    });
  }

  next(timeoutMs: number): Promise<LabChildMessage> {
    return new Promise((resolvePromise) => {
      const deliver = (message: LabChildMessage): void => {
        clearTimeout(timer);
        resolvePromise(message);
      };
      const timer = setTimeout(() => {
        const index = this.waiting.indexOf(deliver);
        if (index >= 0) this.waiting.splice(index, 1);
        resolvePromise({ type: 'failed', error: `lab process did not answer within ${timeoutMs} ms` });
      }, timeoutMs);
      this.waiting.push(deliver);
    });
  }

  async copies(since: number): Promise<CopyRecord[]> {
    const reply = this.next(30_000);
    this.child.send({ type: 'copies', since } satisfies LabParentMessage);
    const message = await reply;
    if (message.type !== 'copies') throw new Error(message.type === 'failed' ? message.error : 'unexpected lab reply');
    return message.copies;
  }

  /** Starts a CPU profile of the lab (to `path`), or stops it and returns where it was written. */
  async profile(path?: string): Promise<string | undefined> {
    const reply = this.next(60_000);
    this.child.send({ type: 'profile', ...(path ? { path } : {}) } satisfies LabParentMessage);
    const message = await reply;
    if (message.type !== 'profiled') throw new Error(message.type === 'failed' ? message.error : 'unexpected lab reply');
    if (message.error) throw new Error(`lab profile: ${message.error}`);
    return message.path;
  }
}

async function startLabProcess(port: number): Promise<{ lab: LabProcess; ready: Extract<LabChildMessage, { type: 'ready' }> }> {
  const child = fork(join(ROOT, 'scripts', 'bench', 'lab-child.ts'), [
    '--campaign-devices', String(opts.devices),
    '--distribution-devices', String(opts.distributionDevices),
    '--port', String(port),
    '--reload-ms', String(opts.reloadMs),
  ], { cwd: ROOT, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  track('lab', child, 'SIGTERM');
  const lab = new LabProcess(child);
  const ready = await lab.next(10 * 60_000);
  if (ready.type !== 'ready') throw new Error(ready.type === 'failed' ? `lab did not start: ${ready.error}` : 'unexpected lab message');
  return { lab, ready };
}

interface NetswimProcess {
  pid: number;
  apiUrl: string;
  token: string;
  logFile: string;
  stop(): Promise<void>;
}

/** `npm start` (runtime/main.ts) as its own process: API, image service and worker on PGlite. */
async function startNetswimProcess(dir: string, temporalAddress: string): Promise<NetswimProcess> {
  const dataDir = join(dir, 'netswim');
  await mkdir(dataDir, { recursive: true });
  const logFile = join(dir, 'netswim.log');
  const inherited: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || /^(NETSWIM_(?!WORKER_)|TEMPORAL_|DATABASE_URL$)/.test(key)) continue;
    inherited[key] = value;
  }
  const log = openSync(logFile, 'a');
  // --profile-worker: V8 CPU profiles of netswim's process, written when it stops.
  const profile = args['profile-worker'] ? ['--cpu-prof', `--cpu-prof-dir=${resolve(args['profile-worker'])}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'runtime/main.ts'], {
    cwd: ROOT,
    env: {
      ...inherited,
      NETSWIM_DATA_DIR: dataDir,
      TEMPORAL_ADDRESS: temporalAddress,
      NETSWIM_API_PORT: '0',
      NETSWIM_IMAGE_SERVICE_PORT: '0',
      NETSWIM_SCP_SERVICE_PORT: '0',
      NETSWIM_INVENTORY_EVERY: 'off',
      // As `npm start` and the container image set it (two malloc arenas: about 100 MiB less).
      MALLOC_ARENA_MAX: '2',
    },
    stdio: ['ignore', log, 'pipe'],
  });
  closeSync(log);
  const stop = track('netswim', child, 'SIGTERM');
  const logStream = createWriteStream(logFile, { flags: 'a' });
  let pending = '';
  let tail = '';
  const apiUrl = await new Promise<string>((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`netswim did not start within 120 s:\n${tail}`)), 120_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      logStream.write(chunk);
      const text = chunk.toString();
      tail = (tail + text).slice(-3000);
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.includes('"message":"started"')) continue;
        const api = (JSON.parse(line) as { api?: string }).api;
        clearTimeout(timer);
        if (api) resolvePromise(api);
        else reject(new Error('netswim started without an API'));
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`netswim exited (${signal ?? code}) before it started:\n${tail}`));
    });
  });
  const token = (await readFile(join(dataDir, 'api-token'), 'utf8')).trim();
  return { pid: child.pid!, apiUrl, token, logFile, stop };
}

async function startHttpServerProcess(): Promise<{ pid: number; port: number }> {
  const child = fork(join(ROOT, 'scripts', 'bench', 'http-server-child.ts'), [], { cwd: ROOT, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  track('HTTP distribution server', child, 'SIGTERM');
  const port = await new Promise<number>((resolvePromise, reject) => {
    let text = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const line = text.split('\n')[0];
      if (text.includes('\n') && line) resolvePromise((JSON.parse(line) as { port: number }).port);
    });
    child.once('exit', (code) => reject(new Error(`HTTP server exited (${code}) before listening`)));
  });
  return { pid: child.pid!, port };
}

// --- the API, as an operator script would use it ------------------------------------------------

class Api {
  constructor(
    private readonly url: string,
    private readonly token: string,
  ) {}

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const init: RequestInit = { method, headers: { authorization: `Bearer ${this.token}` } };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { ...init.headers, 'content-type': 'application/json' };
    }
    const response = await fetch(this.url + path, init);
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} → ${response.status}: ${text.slice(0, 500)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async upload(path: string, fileName: string): Promise<{ id: string; sizeBytes: number; sha256: string }> {
    const init: RequestInit & { duplex: 'half' } = {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/octet-stream', 'content-length': String((await stat(path)).size) },
      body: Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>,
      duplex: 'half',
    };
    const response = await fetch(`${this.url}/images?fileName=${encodeURIComponent(fileName)}`, init);
    const body = (await response.json()) as { id: string; sizeBytes: number; sha256: string; error?: string };
    if (!response.ok) throw new Error(`image upload → ${response.status}: ${body.error}`);
    return body;
  }
}

async function makeImage(path: string, megabytes: number): Promise<void> {
  let left = megabytes * MiB;
  await pipeline(
    Readable.from(
      (function* () {
        while (left > 0) {
          const size = Math.min(left, MiB);
          left -= size;
          yield randomBytes(size);
        }
      })(),
    ),
    createWriteStream(path),
  );
}

async function runInventory(api: Api, devices: string[]): Promise<{ seconds: number; failed: number }> {
  const t0 = performance.now();
  const { workflowId } = await api.call<{ workflowId: string }>('POST', '/inventory', { devices });
  for (;;) {
    const view = await api.call<{ execution: string; progress?: { done: number; total: number; failed: number } }>('GET', `/inventory/${workflowId}`);
    if (view.execution !== 'RUNNING') {
      if (view.execution !== 'COMPLETED') throw new Error(`inventory ended ${view.execution}`);
      return { seconds: (performance.now() - t0) / 1000, failed: view.progress?.failed ?? 0 };
    }
    await sleep(1000);
  }
}

interface CampaignRun {
  campaignId: string;
  seconds: number;
  progress: CampaignProgress;
}

async function runCampaign(api: Api, body: Record<string, unknown>, label: string, onTick?: () => void): Promise<CampaignRun> {
  const t0 = performance.now();
  const postedAt = Date.now();
  const { campaignId, devices, skipped } = await api.call<{ campaignId: string; devices: number; skipped: unknown[] }>('POST', '/campaigns', body);
  say(`${label}: campaign ${campaignId} started for ${devices} devices (${skipped.length} skipped)`);
  let lastPrint = 0;
  let lastDone = 0;
  let lastAt = t0;
  for (;;) {
    // Every poll costs the system under test (a describe, a query, a visibility list): few, and
    // the wall time comes from Temporal's close time, not from when a poll noticed.
    await sleep(POLL_MS);
    onTick?.();
    const view = await api.call<{ execution: string; progress?: CampaignProgress; closedAt?: string }>('GET', `/campaigns/${campaignId}`);
    const p = view.progress;
    const now = performance.now();
    if (p && (now - lastPrint >= POLL_MS || view.execution !== 'RUNNING')) {
      const done = p.total - p.stages.queued - p.stages.running;
      const elapsedMin = (now - t0) / 60_000;
      const recent = ((done - lastDone) / ((now - lastAt) / 60_000)).toFixed(0);
      say(
        `${label}: ${done}/${p.total} done (${p.stages.upgraded} upgraded, ${p.stages.distributed} distributed, ${p.stages.failed + p.stages['rolled-back']} failed), ` +
          `${p.inFlight} in flight, wave ${p.currentWave + 1}/${p.waves.length}, ${(done / Math.max(elapsedMin, 1e-9)).toFixed(0)}/min overall, ${recent}/min last interval`,
      );
      lastPrint = now;
      lastDone = done;
      lastAt = now;
    }
    if (view.execution !== 'RUNNING') {
      if (!p) throw new Error(`campaign ended ${view.execution} without progress`);
      // Until the workflow closed as Temporal recorded it (same machine, same clock), not until
      // this poll noticed: the poll's interval is not netswim's time.
      const closedAt = view.closedAt ? Date.parse(view.closedAt) : Date.now();
      return { campaignId, seconds: (closedAt - postedAt) / 1000, progress: p };
    }
  }
}

// --- the plain client: SSH into each device, `copy <url> flash:`, nothing else ---------------------

const cliTarget = (e: InventoryEntry) => ({ host: e.address, port: e.port, username: e.username, password: e.password, ...(e.enableSecret ? { enableSecret: e.enableSecret } : {}) });

/** Not timed: deletes `fileName` from each device's flash, so that the next run copies it again. */
async function deleteOnDevices(entries: InventoryEntry[], fileName: string): Promise<void> {
  const target = cliTarget;
  await Promise.all(
    entries.map(async (e) => {
      const session = await CliSession.open(target(e), { connectTimeoutMs: 60_000 });
      try {
        await session.run(`delete /force flash:${fileName}`, { timeoutMs: 60_000 });
        const dir = await session.run('dir flash:', { timeoutMs: 60_000 });
        if (dir.includes(fileName)) throw new Error(`${e.hostname}: ${fileName} still on flash after delete`);
      } finally {
        session.close();
      }
    }),
  );
}

/** The plain client: one SSH session per device, all at once, each running `copy <url> flash:`; wall time from the first login to the last copy done. */
async function plainCopies(entries: InventoryEntry[], url: string): Promise<{ seconds: number; failures: string[] }> {
  const target = cliTarget;
  const failures: string[] = [];
  const t0 = performance.now();
  await Promise.all(
    entries.map(async (e) => {
      try {
        const session = await CliSession.open(target(e), { connectTimeoutMs: 60_000 });
        try {
          const output = await session.run(`copy ${url} flash:`, { timeoutMs: 60 * 60_000, answers: COPY_QUESTIONS });
          if (/%Error/.test(output) || !/bytes copied/.test(output)) failures.push(`${e.hostname}: ${output.trim().split('\n').slice(-2).join(' ')}`);
        } finally {
          session.close();
        }
      } catch (error) {
        failures.push(`${e.hostname}: ${(error as Error).message}`);
      }
    }),
  );
  return { seconds: (performance.now() - t0) / 1000, failures };
}

/** CPU seconds so far of each process, of this one (`bench`) and of the whole machine. */
function readCpu(pids: Record<string, number | undefined>): Record<string, number> {
  const own = process.cpuUsage();
  const now: Record<string, number> = { bench: (own.user + own.system) / 1e6 };
  for (const [name, pid] of Object.entries(pids)) if (pid !== undefined) now[name] = cpuSeconds(pid) ?? Number.NaN;
  now.machine = machineBusySeconds();
  return now;
}

/** Starts counting CPU seconds of each process, of this one (`bench`) and of the whole machine; the returned function reads the totals. */
function cpuMeter(pids: Record<string, number | undefined>): () => Record<string, number> {
  const read = () => readCpu(pids);
  const start = read();
  return () => Object.fromEntries(Object.entries(read()).map(([name, s]) => [name, round(s - (start[name] ?? Number.NaN), 1)]));
}

/**
 * Puts the image on the site server with netswim's own staging (the file and its `.sha256`), as an
 * operator stages it before a change window; returns the seconds it took. Both sides then copy
 * from a server that holds the image, and netswim's staging in its run finds it there.
 */
async function stageOnServer(server: DistributionServer, image: { fileName: string; sha256: string; sizeBytes: number; path: string }): Promise<number> {
  const started = performance.now();
  const result = await stageImage(server, image);
  if (result.skipped) throw new Error(`${image.fileName} was already on the distribution server`);
  return (performance.now() - started) / 1000;
}

function copyWindow(copies: CopyRecord[]): { seconds: number; ok: number; bytes: number; firstMs: number; lastMs: number } {
  const done = copies.filter((c) => c.ok && c.endMs !== undefined);
  if (done.length === 0) return { seconds: Number.NaN, ok: 0, bytes: 0, firstMs: Number.NaN, lastMs: Number.NaN };
  const first = Math.min(...done.map((c) => c.startMs));
  const last = Math.max(...done.map((c) => c.endMs!));
  return { seconds: (last - first) / 1000, ok: done.length, bytes: done.reduce((s, c) => s + c.bytes, 0), firstMs: first, lastMs: last };
}

// --- main ------------------------------------------------------------------------------------

/** One plain-client run. `cpuSeconds.bench`: the bench process, which is the plain client. */
interface PlainRun {
  wallSeconds: number;
  failures: number;
  throughputMiBps: number;
  copyWindowSeconds: number;
  copyWindowMiBps: number;
  cpuSeconds: Record<string, number>;
  /** CPU seconds of each process from the first copy's start to the last copy's end. */
  copyWindowCpuSeconds: Record<string, number>;
}

interface Results {
  date: string;
  machine: { cores: number; cpuModel: string; memoryGiB: number; node: string };
  settings: typeof opts;
  setup: { labStartSeconds: number; inventorySeconds?: number; workerRssAtStartMiB?: number; firstStartPeakRssMiB?: number };
  campaign?: {
    devices: number;
    upgraded: number;
    failed: number;
    skipped: number;
    state: string;
    failures: string[];
    wallSeconds: number;
    devicesPerMinute: number;
    workerCpuSecondsPerDevice: number;
    temporalCpuSecondsPerDevice: number;
    labCpuSecondsPerDevice: number;
    /** The machine during the campaign: how busy, and CPU used by processes outside the bench (other users' work). */
    machine: { busyPercent: number; benchProcessesCpuSeconds: number; otherCpuSeconds: number };
    peakRssMiB: { worker: number; temporal: number; lab: number };
    polledPeakRssMiB: { worker: number; temporal: number; lab: number };
  };
  distribution?: {
    devices: number;
    imageMiB: number;
    netswim: {
      wallSeconds: number;
      distributed: number;
      failed: number;
      throughputMiBps: number;
      copyWindowSeconds: number;
      copyWindowMiBps: number;
      /** POST /campaigns → first image copy started (inventory, prechecks, finding the image staged). */
      beforeFirstCopySeconds: number;
      /** Last image copy done → campaign closed (`verify /md5`, health capture, records). */
      afterLastCopySeconds: number;
      /** CPU seconds of each process during the run (the bench process runs the API polling). */
      cpuSeconds: Record<string, number>;
      /** The same, split: before the first copy, during the copy window, after the last copy. */
      cpuSecondsByPhase: { beforeFirstCopy: Record<string, number>; copyWindow: Record<string, number>; afterLastCopy: Record<string, number> };
      failures: string[];
    };
    plainBefore: PlainRun;
    plainAfter: PlainRun;
    /** Aggregate throughput over the mean wall time of the two plain runs. */
    plainMeanMiBps: number;
    /** netswim / plainMeanMiBps. */
    ratio: number;
    /** Staging the image on the site server once, before both (netswim's stageImage). */
    stagingSeconds: number;
    /** The ratio with the staging counted into netswim's wall time. */
    ratioWithStaging: number;
    copyWindowRatio: number;
    url: string;
  };
  peakRssMiB: Record<string, number>;
  targets: Array<{ what: string; target: string; measured: string; pass: boolean }>;
}

async function main(): Promise<void> {
  if (opts.devices === 0 && opts.distributionDevices === 0) {
    process.stderr.write('netswim bench: nothing to do (both parts skipped)\n');
    process.exit(2);
  }
  const dir = await mkdtemp(join(tmpdir(), 'netswim-bench-'));
  workDir = dir;
  say(`work folder ${dir}; ${cpus().length} cores, node ${process.version}`);
  const results: Results = {
    date: new Date().toISOString(),
    machine: { cores: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGiB: round(totalmem() / 1024 ** 3, 1), node: process.version },
    settings: opts,
    setup: { labStartSeconds: 0 },
    peakRssMiB: {},
    targets: [],
  };
  try {
    const cli = await findTemporalCli({ onProgress: say });
    const temporal = await startTemporalDevServer({ cliPath: cli.path, uiPort: false, dbFile: join(dir, 'temporal', 'temporal.db'), logFile: join(dir, 'temporal.log'), sqlitePragmas: opts.sqlitePragmas });
    children.push({ name: 'Temporal dev server', stop: () => temporal.stop(), kill: () => temporal.process.kill('SIGKILL') });
    const temporalPid = temporal.process.pid!;
    say(`Temporal dev server ${temporal.address} (pid ${temporalPid}, SQLite ${join(dir, 'temporal', 'temporal.db')}${opts.sqlitePragmas.length ? `, pragmas ${opts.sqlitePragmas.join(' ')}` : ''})`);

    const labPort = await freePort('127.30.0.1').catch(() => 10022);
    const { lab, ready } = await startLabProcess(labPort);
    const labPid = lab.child.pid!;
    results.setup.labStartSeconds = round(ready.startMs / 1000, 1);
    say(`lab: ${ready.campaignHosts.length} + ${ready.distributionHosts.length} devices on 127.30.x.y:${labPort} in ${(ready.startMs / 1000).toFixed(1)} s (pid ${labPid})`);

    // The first start of an installation creates the PGlite database (initdb), whose memory peak
    // is a one-time cost: measured on a first process, then netswim starts again on that database
    // as any later start does, and that process is the one measured.
    const first = await startNetswimProcess(dir, temporal.address);
    results.setup.firstStartPeakRssMiB = mib(memory(first.pid)?.peakRssBytes ?? 0);
    await first.stop();
    say(`netswim first start (creates the PGlite database): peak resident memory ${results.setup.firstStartPeakRssMiB} MiB; starting it again on that database`);
    const netswim = await startNetswimProcess(dir, temporal.address);
    say(`netswim (npm start: API + worker, PGlite) pid ${netswim.pid}, API ${netswim.apiUrl}; log ${netswim.logFile}`);
    results.setup.workerRssAtStartMiB = mib(memory(netswim.pid)?.rssBytes ?? 0);
    say(`worker resident memory after start: ${results.setup.workerRssAtStartMiB} MiB`);
    const api = new Api(netswim.apiUrl, netswim.token);

    const pids: Record<string, number | undefined> = { worker: netswim.pid, temporal: temporalPid, lab: labPid };
    const watch = new MemoryWatch(() => pids);
    watch.start(500);

    const inventory = JSON.parse(await readFile(ready.inventoryPath, 'utf8')) as InventoryEntry[];
    const imported = await api.call<{ created: number; updated: number }>('POST', '/devices/import', inventory);
    say(`devices: ${imported.created} registered`);
    const allHosts = [...ready.campaignHosts, ...ready.distributionHosts];
    const inv = await runInventory(api, allHosts);
    results.setup.inventorySeconds = round(inv.seconds, 1);
    say(`inventory of ${allHosts.length} devices: ${inv.seconds.toFixed(1)} s, ${inv.failed} failed`);

    // --- part 1: the campaign -------------------------------------------------------------------
    if (opts.devices > 0) {
      const smallPath = join(dir, SMALL_IMAGE);
      await makeImage(smallPath, opts.smallImageMb);
      const image = await api.upload(smallPath, SMALL_IMAGE);
      await api.call('PATCH', `/images/${image.id}`, { families: ['cat9300'] });
      say(`image ${SMALL_IMAGE}: ${image.sizeBytes} bytes`);
      const cpu0 = { worker: cpuSeconds(netswim.pid)!, temporal: cpuSeconds(temporalPid)!, lab: cpuSeconds(labPid)!, bench: process.cpuUsage(), machine: machineBusySeconds() };
      const run = await runCampaign(
        api,
        {
          name: `bench ${opts.devices} devices`,
          selector: { devices: ready.campaignHosts },
          imageId: image.id,
          waves: { canary: 1, percents: [100] },
          maxInFlight: opts.maxInFlight,
          failureBudget: { percent: 5 },
        },
        'campaign',
      );
      const cpu1 = { worker: cpuSeconds(netswim.pid)!, temporal: cpuSeconds(temporalPid)!, lab: cpuSeconds(labPid)!, bench: process.cpuUsage(cpu0.bench), machine: machineBusySeconds() };
      const ours = cpu1.worker - cpu0.worker + (cpu1.temporal - cpu0.temporal) + (cpu1.lab - cpu0.lab) + (cpu1.bench.user + cpu1.bench.system) / 1e6;
      const machineBusy = cpu1.machine - cpu0.machine;
      watch.sample();
      const p = run.progress;
      const n = opts.devices;
      const hwm = (pid: number) => mib(memory(pid)?.peakRssBytes ?? 0);
      results.campaign = {
        devices: n,
        upgraded: p.stages.upgraded,
        failed: p.stages.failed + p.stages['rolled-back'],
        skipped: p.stages.skipped,
        state: p.state,
        failures: p.failures.slice(0, 10).map((f) => `${f.hostname}: ${f.reason}`),
        wallSeconds: round(run.seconds, 1),
        devicesPerMinute: round(p.stages.upgraded / (run.seconds / 60), 0),
        workerCpuSecondsPerDevice: round((cpu1.worker - cpu0.worker) / n, 3),
        temporalCpuSecondsPerDevice: round((cpu1.temporal - cpu0.temporal) / n, 3),
        labCpuSecondsPerDevice: round((cpu1.lab - cpu0.lab) / n, 3),
        machine: {
          busyPercent: round((100 * machineBusy) / (run.seconds * cpus().length), 0),
          benchProcessesCpuSeconds: round(ours, 1),
          otherCpuSeconds: round(Math.max(0, machineBusy - ours), 1),
        },
        peakRssMiB: { worker: hwm(netswim.pid), temporal: hwm(temporalPid), lab: hwm(labPid) },
        polledPeakRssMiB: { worker: mib(watch.peak('worker')), temporal: mib(watch.peak('temporal')), lab: mib(watch.peak('lab')) },
      };
      say(`campaign: ${p.state}, ${JSON.stringify(results.campaign)}`);
    }

    // --- part 2: distribution -------------------------------------------------------------------
    if (opts.distributionDevices > 0) {
      const server = await startHttpServerProcess();
      pids.httpServer = server.pid;
      say(`HTTP distribution server on 127.0.0.1:${server.port} (pid ${server.pid})`);
      const siteServer: DistributionServer = { protocol: 'http', host: '127.0.0.1', port: server.port, rootLocation: '/images' };
      await api.call('POST', '/distribution-servers', { name: 'bench-http', ...siteServer });
      await api.call('PUT', `/sites/${DISTRIBUTION_SITE}/distribution`, { primary: 'bench-http' });
      const bigPath = join(dir, BIG_IMAGE);
      await makeImage(bigPath, opts.imageMb);
      const image = await api.upload(bigPath, BIG_IMAGE);
      await api.call('PATCH', `/images/${image.id}`, { families: ['cat9300'] });
      say(`image ${BIG_IMAGE}: ${image.sizeBytes} bytes`);
      const bytes = image.sizeBytes * opts.distributionDevices;

      const entries = inventory.filter((e) => ready.distributionHosts.includes(e.hostname));
      const url = `http://127.0.0.1:${server.port}/images/${BIG_IMAGE}`;
      const profileDir = args['profile-lab'] ? resolve(args['profile-lab']) : undefined;
      if (profileDir) await mkdir(profileDir, { recursive: true });
      /** One plain-client run (the file deleted from the devices first), measured like netswim's. */
      const plainRun = async (name: string): Promise<PlainRun> => {
        await deleteOnDevices(entries, BIG_IMAGE);
        say(`distribution (plain client, ${name}): ${entries.length} concurrent SSH \`copy ${url} flash:\``);
        if (profileDir) await lab.profile(join(profileDir, `lab-plain-${name}.cpuprofile`));
        const mark = Date.now();
        const meter = cpuMeter(pids);
        const timeline = new CpuTimeline(() => readCpu(pids));
        timeline.start();
        const run = await plainCopies(entries, url);
        const cpu = meter();
        timeline.stop();
        if (profileDir) say(`lab CPU profile: ${await lab.profile()}`);
        const labCopies = (await lab.copies(mark)).filter((c) => c.url === url);
        for (const c of labCopies.filter((copy) => copy.ok === false)) say(`distribution (plain client, ${name}): ${c.hostname}'s copy failed in the lab: ${c.error ?? 'no reason recorded'}`);
        const window = copyWindow(labCopies);
        say(`distribution (plain client, ${name}): ${run.seconds.toFixed(1)} s, ${run.failures.length} failed${run.failures.length ? `: ${run.failures.slice(0, 3).join('; ')}` : ''}`);
        return {
          wallSeconds: round(run.seconds, 1),
          failures: run.failures.length,
          throughputMiBps: round(bytes / MiB / run.seconds, 1),
          copyWindowSeconds: round(window.seconds, 1),
          copyWindowMiBps: round(window.bytes / MiB / window.seconds, 1),
          cpuSeconds: cpu,
          copyWindowCpuSeconds: timeline.between(window.firstMs, window.lastMs),
        };
      };

      // The plain client runs before and after netswim (A-B-A): the machine's state (page cache,
      // disk writeback of the previous run's 10 GB) changes over the run, and the mean of the two
      // plain runs cancels that drift instead of handing it to one side.
      // The 50 transfers compared are the copies from the site server, so both sides start with
      // the image there (netswim's staging in its run finds it and skips). Staging it once is
      // timed here and shown beside the ratio, counted into netswim's time.
      const stagingSeconds = await stageOnServer(siteServer, { fileName: BIG_IMAGE, sha256: image.sha256, sizeBytes: image.sizeBytes, path: bigPath });
      say(`staged ${BIG_IMAGE} on the distribution server in ${stagingSeconds.toFixed(1)} s`);
      await rm(bigPath, { force: true });
      const plainBefore = await plainRun('before');
      await deleteOnDevices(entries, BIG_IMAGE);

      if (profileDir) await lab.profile(join(profileDir, 'lab-netswim.cpuprofile'));
      const mark = Date.now();
      const netswimCpu = cpuMeter(pids);
      const netswimTimeline = new CpuTimeline(() => readCpu(pids));
      netswimTimeline.start();
      const run = await runCampaign(
        api,
        {
          name: `bench distribution ${opts.distributionDevices} devices`,
          selector: { site: DISTRIBUTION_SITE },
          imageId: image.id,
          plan: { distribute: { kind: 'now' }, activate: { kind: 'never' } },
          waves: { canary: 0, percents: [100] },
          maxInFlight: Math.min(500, opts.distributionDevices),
          failureBudget: { percent: 100 },
        },
        'distribution (netswim)',
      );
      const netswimCopies = (await lab.copies(mark)).filter((c) => c.url.endsWith(`/${BIG_IMAGE}`));
      const netswimWindow = copyWindow(netswimCopies);
      const closedAt = mark + run.seconds * 1000;
      const netswimCpuSeconds = netswimCpu();
      netswimTimeline.stop();
      if (profileDir) say(`lab CPU profile: ${await lab.profile()}`);
      const netswimUrl = netswimCopies.find((c) => c.ok)?.url;
      if (!netswimUrl) throw new Error('no device copied the image from the distribution server');
      if (netswimUrl !== url) say(`note: the devices copied from ${netswimUrl}, not the site's server (${url})`);
      say(`distribution (netswim): ${run.seconds.toFixed(1)} s end to end, copies ${netswimWindow.seconds.toFixed(1)} s (${netswimWindow.ok} ok) from ${netswimUrl}`);

      const plainAfter = await plainRun('after');
      // Read after the timed runs: fetching 50 histories is work for the Temporal server.
      const steps = await stepTimeline(temporal.address, entries.map((e) => upgradeWorkflowId(e.hostname, run.campaignId)), mark);
      const copyStarts = netswimCopies.map((c) => (c.startMs - mark) / 1000).sort((a, b) => a - b);
      say(`copies (lab): first started ${copyStarts[0]?.toFixed(2)} s, median ${copyStarts[Math.floor(copyStarts.length / 2)]?.toFixed(2)} s, last ${copyStarts.at(-1)?.toFixed(2)} s after the post`);
      for (const e of await eventTimeline(temporal.address, campaignWorkflowId(run.campaignId), mark)) say(`campaign event ${e.event}: ${e.count}, first ${e.first.toFixed(2)} s, median ${e.median.toFixed(2)} s, last ${e.last.toFixed(2)} s`);
      for (const s of steps) say(`step ${s.step}: started median ${s.startedMedian.toFixed(2)} s, last ${s.startedLast.toFixed(2)} s; completed median ${s.completedMedian.toFixed(2)} s, last ${s.completedLast.toFixed(2)} s`);
      const plainSeconds = (plainBefore.wallSeconds + plainAfter.wallSeconds) / 2;
      const plainWindowMiBps = (plainBefore.copyWindowMiBps + plainAfter.copyWindowMiBps) / 2;

      const p = run.progress;
      const netswimMiBps = bytes / MiB / run.seconds;
      const plainMiBps = bytes / MiB / plainSeconds;
      results.distribution = {
        devices: opts.distributionDevices,
        imageMiB: round(image.sizeBytes / MiB, 1),
        netswim: {
          wallSeconds: round(run.seconds, 1),
          distributed: p.stages.distributed,
          failed: p.stages.failed + p.stages['rolled-back'],
          throughputMiBps: round(netswimMiBps, 1),
          copyWindowSeconds: round(netswimWindow.seconds, 1),
          copyWindowMiBps: round(netswimWindow.bytes / MiB / netswimWindow.seconds, 1),
          beforeFirstCopySeconds: round((netswimWindow.firstMs - mark) / 1000, 1),
          afterLastCopySeconds: round((closedAt - netswimWindow.lastMs) / 1000, 1),
          cpuSeconds: netswimCpuSeconds,
          cpuSecondsByPhase: {
            beforeFirstCopy: netswimTimeline.between(mark, netswimWindow.firstMs),
            copyWindow: netswimTimeline.between(netswimWindow.firstMs, netswimWindow.lastMs),
            afterLastCopy: netswimTimeline.between(netswimWindow.lastMs, closedAt),
          },
          failures: p.failures.slice(0, 10).map((f) => `${f.hostname}: ${f.reason}`),
        },
        plainBefore,
        plainAfter,
        plainMeanMiBps: round(plainMiBps, 1),
        ratio: round(netswimMiBps / plainMiBps, 3),
        stagingSeconds: round(stagingSeconds, 1),
        ratioWithStaging: round(bytes / MiB / (run.seconds + stagingSeconds) / plainMiBps, 3),
        copyWindowRatio: round(netswimWindow.bytes / MiB / netswimWindow.seconds / plainWindowMiBps, 3),
        url,
      };
      say(`distribution: ${JSON.stringify(results.distribution)}`);
    }

    watch.sample();
    for (const [name, pid] of Object.entries(pids)) if (pid !== undefined) results.peakRssMiB[name] = mib(memory(pid)?.peakRssBytes ?? watch.peak(name));
    watch.stop();
  } finally {
    await stopAll();
    if (!args['keep-logs']) await rm(dir, { recursive: true, force: true });
  }

  // --- targets ----------------------------------------------------------------------------------
  const c = results.campaign;
  if (c) {
    const complete = c.upgraded === c.devices;
    results.targets.push({
      what: `devices per minute, end to end (${c.devices} devices, one campaign)`,
      target: `≥ ${TARGETS.devicesPerMinute}`,
      measured: `${c.devicesPerMinute}${complete ? '' : ` (only ${c.upgraded}/${c.devices} upgraded)`}`,
      pass: complete && c.devicesPerMinute >= TARGETS.devicesPerMinute,
    });
  }
  const d = results.distribution;
  if (d) {
    const complete = d.netswim.distributed === d.devices && d.plainBefore.failures === 0 && d.plainAfter.failures === 0;
    results.targets.push({
      what: `transfer ratio, netswim / plain client (${d.devices} × ${d.imageMiB} MiB)`,
      target: `≥ ${TARGETS.transferRatio}`,
      measured: `${d.ratio}${complete ? '' : ' (not every copy succeeded)'}`,
      pass: complete && d.ratio >= TARGETS.transferRatio,
    });
  }
  const workerPeak = results.peakRssMiB.worker ?? 0;
  results.targets.push({ what: 'worker peak resident memory (VmHWM over the process\'s life; started on an existing database)', target: `< ${mib(TARGETS.workerPeakRssBytes)} MiB`, measured: `${workerPeak} MiB`, pass: workerPeak * MiB < TARGETS.workerPeakRssBytes });

  const report = markdown(results);
  process.stdout.write(`\n${report}\n`);
  // A partial run (fewer devices, a part skipped) must not replace the published figures.
  const fullSize = !args['skip-campaign'] && !args['skip-distribution'] && args.devices === '1000' && args['distribution-devices'] === '50' && args['image-mb'] === '200';
  const out = resolve(ROOT, args.out ?? (fullSize ? 'docs/bench-results.md' : 'data/bench/bench-results.md'));
  await mkdir(dirname(out), { recursive: true });
  // Hand-written notes below the marker (analysis of a run) survive a new run.
  const previous = await readFile(out, 'utf8').catch(() => '');
  const notesAt = previous.indexOf(NOTES_MARKER);
  await writeFile(out, notesAt >= 0 ? `${report}\n${previous.slice(notesAt)}` : report);
  const json = resolve(ROOT, args.json);
  await mkdir(dirname(json), { recursive: true });
  await writeFile(json, `${JSON.stringify(results, null, 2)}\n`);
  say(`wrote ${out} and ${json}`);
  process.exitCode = results.targets.every((t) => t.pass) ? 0 : 1;
}

function markdown(r: Results): string {
  const lines: string[] = [];
  lines.push('# netswim benchmark (`npm run bench`)', '');
  lines.push(`Measured ${r.date} on ${r.machine.cores} cores (${r.machine.cpuModel}), ${r.machine.memoryGiB} GiB, Node.js ${r.machine.node}.`);
  lines.push(
    'Processes: Temporal dev server (SQLite file), the lab (simulated Catalyst 9300s over SSH, ' +
      `reloads of ${r.settings.reloadMs} ms, no faults, no command latency), netswim as \`npm start\` runs it ` +
      '(API, image service and worker in one process on PGlite: "worker" below), and an HTTP distribution server. ' +
      `Temporal SQLite pragmas: ${r.settings.sqlitePragmas.length ? r.settings.sqlitePragmas.join(', ') : 'the dev server\'s defaults'}. ` +
      'CPU from /proc/<pid>/stat (utime + stime, all threads), peak memory from /proc/<pid>/status VmHWM.',
    '',
  );
  lines.push('## Targets', '', '| what | target | measured | |', '| --- | --- | --- | --- |');
  for (const t of r.targets) lines.push(`| ${t.what} | ${t.target} | ${t.measured} | **${t.pass ? 'PASS' : 'MISS'}** |`);
  lines.push('');
  const c = r.campaign;
  if (c) {
    lines.push(`## Campaign: ${c.devices} devices, ${r.settings.smallImageMb} MB image`, '');
    lines.push(`One campaign (canary 1, then 100 %), at most ${r.settings.maxInFlight} devices in flight, full upgrade per device ` + '(inventory, prechecks, distribute, activate, reload, verify, postcheck).', '');
    lines.push('| figure | value |', '| --- | --- |');
    lines.push(`| devices upgraded | ${c.upgraded} of ${c.devices} (${c.failed} failed, ${c.skipped} skipped; campaign ${c.state}) |`);
    lines.push(`| wall time (POST /campaigns → campaign workflow closed, Temporal's close time) | ${c.wallSeconds} s |`);
    lines.push(`| devices per minute | ${c.devicesPerMinute} |`);
    lines.push(`| worker CPU per device | ${c.workerCpuSecondsPerDevice} s |`);
    lines.push(`| Temporal server CPU per device | ${c.temporalCpuSecondsPerDevice} s |`);
    lines.push(`| lab CPU per device | ${c.labCpuSecondsPerDevice} s |`);
    lines.push(`| machine busy during the campaign | ${c.machine.busyPercent} % of ${r.machine.cores} cores; bench processes ${c.machine.benchProcessesCpuSeconds} CPU s, other processes on the machine ${c.machine.otherCpuSeconds} CPU s |`);
    lines.push(`| peak RSS worker / Temporal / lab (VmHWM) | ${c.peakRssMiB.worker} / ${c.peakRssMiB.temporal} / ${c.peakRssMiB.lab} MiB |`);
    lines.push(`| peak RSS polled every 0.5 s | ${c.polledPeakRssMiB.worker} / ${c.polledPeakRssMiB.temporal} / ${c.polledPeakRssMiB.lab} MiB |`);
    if (r.setup.inventorySeconds !== undefined) lines.push(`| (setup) inventory of every lab device before the campaign | ${r.setup.inventorySeconds} s |`);
    if (c.failures.length) lines.push('', 'Failures (first 10):', '', ...c.failures.map((f) => `- ${f}`));
    lines.push('');
  }
  const d = r.distribution;
  if (d) {
    lines.push(`## Distribution: ${d.devices} devices × ${d.imageMiB} MiB from one HTTP site server`, '');
    lines.push(
      `netswim: a distribute-only campaign (\`plan: {activate: {kind: 'never'}}\`, no canary, ${d.devices} in flight) over the site whose primary server is the HTTP server; ` +
        'wall time from POST /campaigns until the campaign workflow closed, as Temporal recorded it (inventory, prechecks, the staging check that finds the image on the server, copies, `verify /md5`). ' +
        `Plain client: the same devices, the file deleted first, ${d.devices} concurrent SSH sessions each running \`copy ${d.url} flash:\`; wall time from the first login to the last copy done. ` +
        'The transfers compared are the copies from the site server, so the image is staged there once before both, with netswim\'s staging (its file and `.sha256`; the time it took is shown, and a second ratio counts it into netswim\'s time). ' +
        'The plain client runs once before netswim and once after; the ratio compares netswim with the mean wall time of the two. ' +
        'Aggregate throughput = devices × image size / wall time. The copy window is first copy start to last copy end as the lab saw it.',
      '',
    );
    const [b, a] = [d.plainBefore, d.plainAfter];
    lines.push('| figure | netswim | plain client before | plain client after |', '| --- | --- | --- | --- |');
    lines.push(`| copies ok | ${d.netswim.distributed} of ${d.devices} | ${d.devices - b.failures} of ${d.devices} | ${d.devices - a.failures} of ${d.devices} |`);
    lines.push(`| wall time | ${d.netswim.wallSeconds} s | ${b.wallSeconds} s | ${a.wallSeconds} s |`);
    lines.push(`| aggregate throughput | ${d.netswim.throughputMiBps} MiB/s | ${b.throughputMiBps} MiB/s | ${a.throughputMiBps} MiB/s |`);
    lines.push(`| copy window (lab) | ${d.netswim.copyWindowSeconds} s, ${d.netswim.copyWindowMiBps} MiB/s | ${b.copyWindowSeconds} s, ${b.copyWindowMiBps} MiB/s | ${a.copyWindowSeconds} s, ${a.copyWindowMiBps} MiB/s |`);
    lines.push(`| staging the image on the server, once before both | ${d.stagingSeconds} s | | |`);
    lines.push(`| before the first copy (inventory, prechecks, staging check) | ${d.netswim.beforeFirstCopySeconds} s | (login only) | (login only) |`);
    lines.push(`| after the last copy (\`verify /md5\`, health capture, records) | ${d.netswim.afterLastCopySeconds} s | — | — |`);
    const cpu = (c: Record<string, number>) => Object.entries(c).map(([name, s]) => `${name} ${s}`).join(', ');
    lines.push(`| CPU seconds during the run, per process | ${cpu(d.netswim.cpuSeconds)} | ${cpu(b.cpuSeconds)} | ${cpu(a.cpuSeconds)} |`);
    const phases = d.netswim.cpuSecondsByPhase;
    lines.push(`| … before the first copy | ${cpu(phases.beforeFirstCopy)} | — | — |`);
    lines.push(`| … in the copy window | ${cpu(phases.copyWindow)} | ${cpu(b.copyWindowCpuSeconds)} | ${cpu(a.copyWindowCpuSeconds)} |`);
    lines.push(`| … after the last copy | ${cpu(phases.afterLastCopy)} | — | — |`);
    lines.push(`| **ratio netswim / plain (mean of both)** | **${d.ratio}** (${d.netswim.throughputMiBps} / ${d.plainMeanMiBps} MiB/s; copy window only: ${d.copyWindowRatio}; with the staging counted into netswim's time: ${d.ratioWithStaging}) | | |`);
    if (d.netswim.failures.length) lines.push('', 'Failures (first 10):', '', ...d.netswim.failures.map((f) => `- ${f}`));
    lines.push('');
  }
  lines.push('## Peak resident memory over the whole run (VmHWM)', '', '| process | MiB |', '| --- | --- |');
  for (const [name, value] of Object.entries(r.peakRssMiB)) lines.push(`| ${name} | ${value} |`);
  if (r.setup.firstStartPeakRssMiB !== undefined) {
    lines.push(`| (netswim's very first start, creating the PGlite database: a separate process, stopped before the run) | ${r.setup.firstStartPeakRssMiB} |`);
  }
  lines.push('');
  return lines.join('\n');
}

main().catch(async (error: Error) => {
  say(`failed: ${error.stack ?? error.message}`);
  await stopAll();
  process.exit(1);
});
