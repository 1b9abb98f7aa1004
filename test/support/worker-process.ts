// netswim's worker as its own OS process (`node --import tsx workers/main.ts`, what `npm run worker`
// runs), so a test can kill it with SIGKILL at a chosen point: no shutdown hook, no finally block,
// no last message to Temporal — what a crashed or OOM-killed worker host leaves behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface WorkerProcess {
  readonly pid: number;
  /** The worker identity Temporal records on the activities it starts (the SDK's `<pid>@<host>`). */
  readonly identityPrefix: string;
  /** Resolves when the process has exited, with the signal that ended it, if any. */
  readonly exited: Promise<NodeJS.Signals | null>;
  /** SIGKILL now, synchronously (safe to call from inside an event callback); no-op once exited. */
  killNow(): void;
  hasExited(): boolean;
  /** SIGKILL and wait for the exit; then removes its data folder. */
  kill(): Promise<NodeJS.Signals | null>;
  /** The last lines it wrote to stderr (its JSON log), for failure messages. */
  logTail(): string;
}

/**
 * Starts a worker process with `env` (DATABASE_URL, TEMPORAL_ADDRESS, NETSWIM_TASK_QUEUE, …) and
 * resolves once it logged `started`, i.e. its Temporal worker is polling.
 */
export async function startWorkerProcess(env: Record<string, string>, startTimeoutMs = 90_000): Promise<WorkerProcess> {
  const dataDir = await mkdtemp(join(tmpdir(), 'netswim-worker-'));
  const inherited: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    // Nothing of the test runner's own netswim or node:test settings leaks into the worker.
    if (value === undefined || /^(NETSWIM_|TEMPORAL_|DATABASE_URL$|NODE_TEST_CONTEXT$)/.test(key)) continue;
    inherited[key] = value;
  }
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'workers/main.ts'], {
    cwd: REPO_ROOT,
    env: { ...inherited, NETSWIM_DATA_DIR: dataDir, NETSWIM_LOG_LEVEL: 'info', NETSWIM_INVENTORY_EVERY: 'off', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('the worker process did not start');

  let tail = '';
  let pending = '';
  let onStarted: (() => void) | undefined;
  child.stderr?.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    tail = (tail + text).slice(-4000);
    pending += text;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (/"message":"started"/.test(line)) onStarted?.();
    }
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));

  const killNow = () => {
    if (!handle.hasExited()) child.kill('SIGKILL');
  };
  const handle: WorkerProcess = {
    pid,
    identityPrefix: `${pid}@`,
    exited,
    killNow,
    hasExited: () => child.exitCode !== null || child.signalCode !== null,
    async kill() {
      killNow();
      const signal = await exited;
      await rm(dataDir, { recursive: true, force: true });
      return signal;
    },
    logTail: () => tail,
  };

  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`worker process ${pid} did not start within ${startTimeoutMs} ms:\n${tail}`)), startTimeoutMs);
      onStarted = () => {
        clearTimeout(timer);
        resolve();
      };
      void exited.then((signal) => {
        clearTimeout(timer);
        reject(new Error(`worker process ${pid} exited (${signal ?? `code ${child.exitCode}`}) before it started:\n${tail}`));
      });
    });
  } catch (error) {
    await handle.kill();
    throw error;
  }
  return handle;
}
