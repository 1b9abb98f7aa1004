// `npm run bench:lab -- [--devices 1000] [--sessions 100] [--commands 20] [--port 10022]
//                       [--base-address 127.20.0.1] [--mix] [--out data/bench/lab.json]`
// Measures the lab at fleet scale: one child process runs N devices (each its own loopback
// address, all on one port, state in a temp folder removed afterwards; Catalyst 9300s, or with
// --mix every platform the lab simulates in turn) and reports how long they
// took to start and its resident memory idle (before and after a full GC); this process then opens
// `sessions` concurrent SSH shells with netswim's own CliSession (login, enable, terminal length 0)
// and times `commands` `show version` round trips in each, sampling the lab's memory meanwhile.
// Prints the figures and writes them as JSON to --out. Bounded: stops by itself (or fails) within
// a few minutes. Not a test: the figures depend on the machine.
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CliSession } from '../activities/cli-session.ts';
import { startLab } from '../lab/fleet.ts';
import { fleetSpecs, mixPlatforms, writeAtomically, type Credentials } from '../lab/fleet-spec.ts';
import type { Lab } from '../lab/types.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The whole run (start, load, stop) must finish within this, or the bench fails. */
const OVERALL_TIMEOUT_MS = 10 * 60_000;
const MiB = 1024 * 1024;

// --- messages between the bench and its lab child ---------------------------------------------

interface MemorySample {
  rssBytes: number;
  heapUsedBytes: number;
  externalBytes: number;
}

type ChildMessage =
  | {
      type: 'ready';
      devices: number;
      startMs: number;
      baseline: MemorySample;
      idle: MemorySample;
      idleAfterGc: MemorySample;
      credentials: Credentials;
      addresses: string[];
      platforms: string[];
    }
  | { type: 'memory'; sample: MemorySample }
  | { type: 'failed'; error: string };

type ParentMessage = { type: 'memory'; gc?: boolean } | { type: 'stop' };

/** Resident memory as the kernel counts it (VmRSS), plus V8's view. */
async function memorySample(): Promise<MemorySample> {
  const status = await readFile('/proc/self/status', 'utf8').catch(() => '');
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  const usage = process.memoryUsage();
  return {
    rssBytes: kb ? Number(kb) * 1024 : usage.rss,
    heapUsedBytes: usage.heapUsed,
    externalBytes: usage.external,
  };
}

function fullGc(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return;
  // Two passes: the first can leave weakly held objects for the second.
  gc();
  gc();
}

// --- the lab child --------------------------------------------------------------------------

async function serve(count: number, baseAddress: string, port: number, mix: boolean): Promise<void> {
  const send = (message: ChildMessage): void => {
    process.send?.(message);
  };
  // Gone parent, gone child: the lab never outlives the bench.
  process.on('disconnect', () => process.exit(0));
  const stateDir = await mkdtemp(join(tmpdir(), 'netswim-lab-bench-'));
  let lab: Lab | undefined;
  try {
    const credentials: Credentials = {
      username: 'bench',
      password: `lab-${randomBytes(9).toString('base64url')}`,
      enableSecret: `lab-${randomBytes(9).toString('base64url')}`,
    };
    const specs = fleetSpecs({ count, baseAddress, port, credentials, ...(mix ? { platforms: mixPlatforms() } : {}) });
    fullGc();
    const baseline = await memorySample();
    const started = performance.now();
    lab = await startLab({ stateDir, devices: specs });
    const startMs = performance.now() - started;
    const idle = await memorySample();
    fullGc();
    const idleAfterGc = await memorySample();
    send({
      type: 'ready',
      devices: lab.devices.length,
      startMs,
      baseline,
      idle,
      idleAfterGc,
      credentials,
      addresses: lab.devices.map((d) => d.address),
      platforms: [...new Set(lab.devices.map((d) => d.spec.platform))],
    });
  } catch (error) {
    send({ type: 'failed', error: (error as Error).message });
    await lab?.stop();
    await rm(stateDir, { recursive: true, force: true });
    process.exit(1);
  }
  const running = lab;
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'memory') {
      if (message.gc) fullGc();
      void memorySample().then((sample) => send({ type: 'memory', sample }));
    } else if (message.type === 'stop') {
      void running
        .stop()
        .finally(() => rm(stateDir, { recursive: true, force: true }))
        .finally(() => process.exit(0));
    }
  });
}

// --- the bench ------------------------------------------------------------------------------

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

function summary(values: number[]): { samples: number; p50: number; p95: number; max: number; mean: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (n: number): number => Math.round(n * 100) / 100;
  return {
    samples: sorted.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    max: round(sorted[sorted.length - 1] ?? Number.NaN),
    mean: round(sorted.reduce((s, v) => s + v, 0) / Math.max(1, sorted.length)),
  };
}

const mib = (bytes: number): number => Math.round((bytes / MiB) * 10) / 10;

class LabChild {
  private readonly waiting: ((message: ChildMessage) => void)[] = [];
  private exited = false;

  constructor(private readonly child: ChildProcess) {
    child.on('message', (message: ChildMessage) => this.waiting.shift()?.(message));
    child.on('exit', (code, signal) => {
      this.exited = true;
      const reason: ChildMessage = { type: 'failed', error: `lab process exited (${signal ?? code})` };
      for (const waiter of this.waiting.splice(0)) waiter(reason);
    });
  }

  next(timeoutMs: number): Promise<ChildMessage> {
    if (this.exited) return Promise.resolve({ type: 'failed', error: 'lab process is gone' });
    return new Promise((resolvePromise) => {
      const timer = setTimeout(() => {
        const index = this.waiting.indexOf(deliver);
        if (index >= 0) this.waiting.splice(index, 1);
        resolvePromise({ type: 'failed', error: `lab process did not answer within ${timeoutMs} ms` });
      }, timeoutMs);
      const deliver = (message: ChildMessage): void => {
        clearTimeout(timer);
        resolvePromise(message);
      };
      this.waiting.push(deliver);
    });
  }

  async memory(gc = false): Promise<MemorySample> {
    const reply = this.next(10_000);
    this.child.send({ type: 'memory', gc } satisfies ParentMessage);
    const message = await reply;
    if (message.type !== 'memory') throw new Error(message.type === 'failed' ? message.error : 'unexpected reply');
    return message.sample;
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.send({ type: 'stop' } satisfies ParentMessage);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  }

  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }
}

async function bench(options: { devices: number; sessions: number; commands: number; port: number; baseAddress: string; mix: boolean; out: string }): Promise<void> {
  const log = (message: string): void => {
    process.stderr.write(`[bench:lab] ${message}\n`);
  };
  log(`starting ${options.devices} devices on ${options.baseAddress}… port ${options.port}`);
  const child = new LabChild(
    fork(fileURLToPath(import.meta.url), ['--serve', '--devices', String(options.devices), '--base-address', options.baseAddress, '--port', String(options.port), ...(options.mix ? ['--mix'] : [])], {
      cwd: ROOT,
      execArgv: ['--expose-gc', '--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
  const overall = setTimeout(() => {
    log(`gave up after ${OVERALL_TIMEOUT_MS / 1000} s`);
    child.kill();
    process.exit(1);
  }, OVERALL_TIMEOUT_MS);
  try {
    const wallStart = performance.now();
    const ready = await child.next(5 * 60_000);
    if (ready.type !== 'ready') throw new Error(ready.type === 'failed' ? `lab did not start: ${ready.error}` : 'unexpected message');
    const spawnToReadyMs = performance.now() - wallStart;
    log(`${ready.devices} devices listening after ${Math.round(ready.startMs)} ms; idle RSS ${mib(ready.idleAfterGc.rssBytes)} MiB`);

    // Sessions spread over the fleet: every (devices / sessions)-th device.
    const sessionCount = Math.min(options.sessions, ready.addresses.length);
    const stride = ready.addresses.length / sessionCount;
    const targets = Array.from({ length: sessionCount }, (_, i) => ready.addresses[Math.floor(i * stride)]!);

    let peakRss = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const sample = await child.memory().catch(() => undefined);
        if (sample) peakRss = Math.max(peakRss, sample.rssBytes);
        await new Promise((r) => setTimeout(r, 250));
      }
    })();

    const loginMs: number[] = [];
    const loadStart = performance.now();
    const sessions = await Promise.all(
      targets.map(async (host) => {
        const t0 = performance.now();
        const session = await CliSession.open(
          { host, port: options.port, username: ready.credentials.username, password: ready.credentials.password, enableSecret: ready.credentials.enableSecret },
          { connectTimeoutMs: 60_000 },
        );
        loginMs.push(performance.now() - t0);
        return session;
      }),
    );
    log(`${sessions.length} sessions logged in after ${Math.round(performance.now() - loadStart)} ms`);
    const loggedIn = await child.memory();

    const commandMs: number[] = [];
    const commandsStart = performance.now();
    await Promise.all(
      sessions.map(async (session) => {
        for (let i = 0; i < options.commands; i++) {
          const t0 = performance.now();
          const output = await session.run('show version', { timeoutMs: 60_000 });
          commandMs.push(performance.now() - t0);
          if (!/Cisco IOS|NX-OS/.test(output)) throw new Error(`unexpected show version output: ${output.slice(0, 200)}`);
        }
      }),
    );
    const commandsWallMs = performance.now() - commandsStart;
    sampling = false;
    await sampler;
    const underLoad = await child.memory();
    for (const session of sessions) session.close();
    await new Promise((r) => setTimeout(r, 1000));
    const afterLoadGc = await child.memory(true);

    const result = {
      time: new Date().toISOString(),
      machine: { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', totalMemoryMiB: mib(totalmem()) },
      devices: ready.devices,
      platforms: ready.platforms,
      addresses: `${ready.addresses[0]} … ${ready.addresses[ready.addresses.length - 1]}`,
      port: options.port,
      start: { startLabMs: Math.round(ready.startMs), processSpawnToReadyMs: Math.round(spawnToReadyMs) },
      memory: {
        processBeforeLabMiB: mib(ready.baseline.rssBytes),
        idleRssMiB: mib(ready.idle.rssBytes),
        idleRssAfterGcMiB: mib(ready.idleAfterGc.rssBytes),
        idleHeapUsedAfterGcMiB: mib(ready.idleAfterGc.heapUsedBytes),
        perDeviceKiB: Math.round((ready.idleAfterGc.rssBytes - ready.baseline.rssBytes) / 1024 / ready.devices),
        withSessionsRssMiB: mib(loggedIn.rssBytes),
        peakRssUnderLoadMiB: mib(Math.max(peakRss, underLoad.rssBytes, loggedIn.rssBytes)),
        afterLoadRssAfterGcMiB: mib(afterLoadGc.rssBytes),
      },
      load: {
        concurrentSessions: sessions.length,
        commandsPerSession: options.commands,
        loginMs: summary(loginMs),
        showVersionMs: summary(commandMs),
        commandsPerSecond: Math.round((commandMs.length / commandsWallMs) * 1000),
      },
    };
    await mkdir(dirname(options.out), { recursive: true });
    await writeAtomically(options.out, `${JSON.stringify(result, null, 2)}\n`, 0o644);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    log(`wrote ${options.out}`);
  } finally {
    clearTimeout(overall);
    await child.stop();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      serve: { type: 'boolean', default: false },
      mix: { type: 'boolean', default: false },
      devices: { type: 'string', default: '1000' },
      sessions: { type: 'string', default: '100' },
      commands: { type: 'string', default: '20' },
      port: { type: 'string', default: '10022' },
      'base-address': { type: 'string', default: '127.20.0.1' },
      out: { type: 'string', default: 'data/bench/lab.json' },
    },
  });
  const int = (name: string, text: string, min: number, max: number): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer from ${min} to ${max}`);
    return n;
  };
  const devices = int('devices', values.devices, 1, 60_000);
  // One port for every device: port 0 would give each its own.
  const port = int('port', values.port, 1, 65_535);
  if (values.serve) return serve(devices, values['base-address'], port, values.mix);
  await bench({
    devices,
    sessions: int('sessions', values.sessions, 1, 1000),
    commands: int('commands', values.commands, 1, 1000),
    port,
    baseAddress: values['base-address'],
    mix: values.mix,
    out: resolve(ROOT, values.out),
  });
}

main().catch((error: Error) => {
  process.stderr.write(`[bench:lab] ${error.stack ?? error.message}\n`);
  process.exit(1);
});
