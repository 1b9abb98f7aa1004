// "A reload is never sent twice for one upgrade, even when the worker dies between sending it and
// the device coming back." The worker runs as its own OS process (as `npm run worker` does, on
// PostgreSQL) and is killed with SIGKILL at the dangerous points of the reload step; a new worker
// process then finishes the workflow, and the lab device must have reloaded exactly once.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { UpgradeResult } from '../domain/upgrade.ts';
import { startLab } from '../lab/fleet.ts';
import type { Lab } from '../lab/types.ts';
import type { DevServer } from '../scripts/temporal-dev-server.ts';
import { startTestNetswim, type TestNetswim } from './support/netswim.ts';
import { findPostgresBinDir, startTestPostgres, type TestPostgres } from './support/postgres.ts';
import { startTestTemporal } from './support/temporal.ts';
import { postJson, uploadImage } from './support/upgrades.ts';
import { startWorkerProcess, type WorkerProcess } from './support/worker-process.ts';

const binDir = await findPostgresBinDir();
// Separate API and worker processes need PostgreSQL (PGlite is one process's database).
const skip = binDir ? false : 'no PostgreSQL server binaries (initdb, postgres) on this machine';

const TARGET = { fileName: 'cat9k_iosxe.17.09.04a.SPA.bin', version: '17.09.04a' };
const PASSWORD = 'lab-password';
/** temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED */
const PENDING_ACTIVITY_STARTED = 2;

type History = Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;
type HistoryEvent = NonNullable<History['events']>[number];

/** One activity's trace in a closed workflow's history: its attempts as Temporal recorded them. */
interface ActivityTrace {
  scheduled: number;
  /** Started events (for a retried activity only the last attempt's is kept, with `lastFailure`). */
  started: Array<{ attempt: number; identity: string; lastFailure: string }>;
  completed: Array<{ identity: string; result: unknown }>;
}

function traceOf(history: History, activityType: string): ActivityTrace {
  const events: HistoryEvent[] = history.events ?? [];
  const scheduledIds = new Set<string>();
  for (const event of events) {
    if (event.activityTaskScheduledEventAttributes?.activityType?.name === activityType) scheduledIds.add(String(event.eventId));
  }
  const trace: ActivityTrace = { scheduled: scheduledIds.size, started: [], completed: [] };
  for (const event of events) {
    const started = event.activityTaskStartedEventAttributes;
    if (started && scheduledIds.has(String(started.scheduledEventId))) {
      trace.started.push({ attempt: started.attempt ?? 0, identity: started.identity ?? '', lastFailure: started.lastFailure?.message ?? '' });
    }
    const completed = event.activityTaskCompletedEventAttributes;
    if (completed && scheduledIds.has(String(completed.scheduledEventId))) {
      const payload = completed.result?.payloads?.[0];
      trace.completed.push({ identity: completed.identity ?? '', result: payload ? defaultPayloadConverter.fromPayload(payload) : undefined });
    }
  }
  return trace;
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

async function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The workflow's result, or a timeout error saying where it stands and what the workers logged. */
async function resultWithin(handle: WorkflowHandle, timeoutMs: number, workers: WorkerProcess[]): Promise<UpgradeResult> {
  try {
    return (await within(handle.result(), timeoutMs, `${handle.workflowId} to complete`)) as UpgradeResult;
  } catch (error) {
    const pending = (await handle.describe()).raw.pendingActivities ?? [];
    const where = pending.map((a) => `${a.activityType?.name} state=${a.state} attempt=${a.attempt} worker=${a.lastWorkerIdentity} failure=${a.lastFailure?.message ?? ''}`).join('; ');
    const logs = workers.map((w) => `--- worker ${w.pid}:\n${w.logTail().slice(-1500)}`).join('\n');
    throw new Error(`${(error as Error).message}; pending: ${where || 'none'}\n${logs}`, { cause: error });
  }
}

async function pendingActivity(handle: WorkflowHandle, activityType: string) {
  const description = await handle.describe();
  return (description.raw.pendingActivities ?? []).find((a) => a.activityType?.name === activityType);
}

describe('a worker process killed during the reload step', { skip }, () => {
  let postgres: TestPostgres;
  let temporal: DevServer;
  let apiSide: TestNetswim;
  let lab: Lab;
  let labDir: string;
  let imageId: string;
  let workerEnv: Record<string, string>;
  const workers: WorkerProcess[] = [];
  /** Reloads each lab device began (its sessions dropped), counted as they happen. */
  const reloadsBegun = new Map<string, number>();
  /** Called synchronously when a lab device begins a reload, before it drops its SSH sessions. */
  let onReloadBegins: ((hostname: string) => void) | undefined;

  const startWorker = async (): Promise<WorkerProcess> => {
    const worker = await startWorkerProcess(workerEnv);
    workers.push(worker);
    return worker;
  };

  before(async () => {
    postgres = await startTestPostgres(binDir!);
    temporal = await startTestTemporal();
    const token = randomBytes(18).toString('base64url');
    const shared = {
      DATABASE_URL: postgres.url,
      NETSWIM_SECRET_KEY: randomBytes(32).toString('hex'),
      NETSWIM_TASK_QUEUE: `crash-${randomBytes(4).toString('hex')}`,
    };
    // The API (and its image service) in this process; workers only in child processes.
    apiSide = await startTestNetswim(temporal.address, { runWorker: false, env: { ...shared, NETSWIM_API_TOKENS: `admin:${token}` }, adminToken: token });
    workerEnv = { ...shared, TEMPORAL_ADDRESS: temporal.address, NETSWIM_IMAGE_SERVICE_URL: apiSide.imageServiceUrl };

    labDir = await mkdtemp(join(tmpdir(), 'netswim-crash-lab-'));
    lab = await startLab({
      stateDir: labDir,
      // Long enough reloads that the kill lands, and a new worker starts, while the device is down.
      devices: [
        ...['crash-a', 'crash-b'].map((hostname) => ({ hostname, address: '127.0.0.1', port: 0, platform: 'cat9300' as const, username: 'netswim', password: PASSWORD, reloadDurationMs: 8_000 })),
        // Booted seconds before the upgrade, and back from a reload in 1.5 s: IOS prints its
        // uptime in minutes, so the uptime cannot tell that such a device reloaded.
        ...['crash-c', 'crash-d'].map((hostname) => ({ hostname, address: '127.0.0.1', port: 0, platform: 'cat9300' as const, username: 'netswim', password: PASSWORD, reloadDurationMs: 1_500, bootedSecondsAgo: 5 })),
      ],
      onEvent: (event) => {
        if (event.event !== 'reload' || event.phase !== 'down') return;
        reloadsBegun.set(event.hostname, (reloadsBegun.get(event.hostname) ?? 0) + 1);
        onReloadBegins?.(event.hostname);
      },
    });
    for (const d of lab.devices) {
      await postJson(apiSide, '/devices', { hostname: d.hostname, address: d.address, port: d.port, platform: 'cat9300', username: 'netswim', password: PASSWORD });
      assert.notEqual(d.state().version, TARGET.version);
    }
    imageId = await uploadImage(apiSide, TARGET.fileName, randomBytes(300_000));
  });

  after(async () => {
    onReloadBegins = undefined;
    for (const worker of workers) await worker.kill();
    await lab?.stop();
    await apiSide?.stopAll();
    await temporal?.stop();
    await postgres?.stop();
    if (labDir) await rm(labDir, { recursive: true, force: true });
  });

  it('killed after the reload went out, while waiting for the device: the new worker waits for it and never reloads it again', { timeout: 240_000 }, async () => {
    const first = await startWorker();
    const { workflowId } = await postJson<{ workflowId: string }>(apiSide, '/upgrades', { device: 'crash-a', imageId, reloadTimeoutSeconds: 120 });
    const handle = apiSide.temporal.workflow.getHandle(workflowId);

    // The kill point: sendReload has completed in the history and waitForReload runs in `first`.
    await until(
      'sendReload completed and waitForReload started',
      async () => {
        if (traceOf(await handle.fetchHistory(), 'sendReload').completed.length === 0) return undefined;
        const waiting = await pendingActivity(handle, 'waitForReload');
        return Number(waiting?.state) === PENDING_ACTIVITY_STARTED ? waiting : undefined;
      },
      90_000,
    );
    assert.equal(await first.kill(), 'SIGKILL');
    const down = lab.device('crash-a').state();
    assert.equal(down.reachable, false, 'the worker died while the device was still reloading');
    assert.equal(reloadsBegun.get('crash-a'), 1);
    const orphan = await pendingActivity(handle, 'waitForReload');
    assert.equal(orphan?.attempt, 1);
    assert.ok(orphan?.lastWorkerIdentity?.startsWith(first.identityPrefix), `waitForReload ran in the killed worker (${orphan?.lastWorkerIdentity})`);

    // Temporal notices the silent worker by the missing heartbeats (1 minute) and retries elsewhere.
    const second = await startWorker();
    const result = await resultWithin(handle, 150_000, workers);
    assert.equal(result.outcome, 'upgraded');
    assert.equal(result.toVersion, TARGET.version);

    const state = lab.device('crash-a').state();
    assert.equal(reloadsBegun.get('crash-a'), 1, 'one reload began on the device');
    assert.equal(state.reloadCount, 1);
    assert.equal(state.version, TARGET.version);
    assert.equal(state.runningImage, TARGET.fileName);

    const history = await handle.fetchHistory();
    const sendReload = traceOf(history, 'sendReload');
    assert.equal(sendReload.scheduled, 1);
    assert.deepEqual(sendReload.started.map((s) => s.attempt), [1], 'sendReload ran once');
    assert.ok(sendReload.started[0]!.identity.startsWith(first.identityPrefix));
    assert.deepEqual(sendReload.completed.map((c) => c.result), ['sent']);

    const wait = traceOf(history, 'waitForReload');
    assert.equal(wait.scheduled, 1);
    assert.equal(wait.started.length, 1);
    assert.equal(wait.started[0]!.attempt, 2, 'waitForReload was attempted again after the crash');
    assert.ok(wait.started[0]!.identity.startsWith(second.identityPrefix), `the retry ran in the new worker (${wait.started[0]!.identity})`);
    assert.match(wait.started[0]!.lastFailure, /heartbeat/i, 'the first attempt ended by its heartbeat timeout');
    assert.ok(wait.completed[0]?.identity.startsWith(second.identityPrefix));
  });

  it('killed inside sendReload once the device took the reload: the retried step sees it already rebooted', { timeout: 300_000 }, async () => {
    // The worker that finished the first case, or a new one when this case runs alone.
    const last = workers.at(-1);
    const worker = last && !last.hasExited() ? last : await startWorker();
    // Killed synchronously when the device begins its reload, before it drops the SSH session
    // that would let sendReload return: the device has reloaded, Temporal has no result.
    onReloadBegins = (hostname) => {
      if (hostname === 'crash-b') worker.killNow();
    };
    const { workflowId } = await postJson<{ workflowId: string }>(apiSide, '/upgrades', { device: 'crash-b', imageId, reloadTimeoutSeconds: 120 });
    const handle = apiSide.temporal.workflow.getHandle(workflowId);
    const signal = await within(worker.exited, 90_000, 'crash-b to begin its reload');
    onReloadBegins = undefined;
    assert.equal(signal, 'SIGKILL');
    assert.equal(reloadsBegun.get('crash-b'), 1);
    assert.equal(lab.device('crash-b').state().reachable, false);

    const orphan = await pendingActivity(handle, 'sendReload');
    assert.equal(Number(orphan?.state), PENDING_ACTIVITY_STARTED, 'sendReload was still running when the worker died');
    assert.ok(orphan);
    assert.equal(orphan.attempt, 1);
    assert.ok(orphan.lastWorkerIdentity?.startsWith(worker.identityPrefix));
    assert.equal(traceOf(await handle.fetchHistory(), 'sendReload').completed.length, 0, 'no result of sendReload reached Temporal');

    const next = await startWorker();
    // Back up and answering SSH: the case where only the uptime check stands between a retry and a
    // second reload.
    await until('crash-b to come back', () => (lab.device('crash-b').state().reachable ? true : undefined), 60_000);
    // sendReload has no heartbeat timeout: Temporal would time the lost attempt out after its
    // 5-minute start-to-close timeout. Failing it by id is that same timeout, earlier.
    await apiSide.temporal.activity.fail({ workflowId, activityId: orphan.activityId! }, new Error('worker process killed (test stands in for the start-to-close timeout)'));

    const result = await resultWithin(handle, 90_000, workers);
    assert.equal(result.outcome, 'upgraded');

    const state = lab.device('crash-b').state();
    assert.equal(reloadsBegun.get('crash-b'), 1, 'one reload began on the device');
    assert.equal(state.reloadCount, 1);
    assert.equal(state.version, TARGET.version);
    assert.equal(state.runningImage, TARGET.fileName);

    const sendReload = traceOf(await handle.fetchHistory(), 'sendReload');
    assert.equal(sendReload.scheduled, 1);
    assert.equal(sendReload.started.length, 1);
    assert.equal(sendReload.started[0]!.attempt, 2, 'sendReload was attempted again after the crash');
    assert.ok(sendReload.started[0]!.identity.startsWith(next.identityPrefix), `the retry ran in the new worker (${sendReload.started[0]!.identity})`);
    assert.match(sendReload.started[0]!.lastFailure, /worker process killed/);
    assert.deepEqual(sendReload.completed.map((c) => c.result), ['already-rebooted']);
  });

  /**
   * The worker dies inside sendReload as the device takes the reload; the device is back 1.5 s
   * later, having booted less than a minute before its inventory, so its uptime reads the same
   * minutes as before. The retried step must see the reload marker gone (and, where the new image
   * booted, the image running) and never reload again. `badImage` makes the device fall back to
   * its old image: then only the marker tells.
   */
  for (const [hostname, badImage] of [['crash-c', false], ['crash-d', true]] as const) {
    it(`killed inside sendReload of a device up for seconds, back in 1.5 s${badImage ? ', booting its old image again' : ''}: reloaded once`, { timeout: 300_000 }, async () => {
      const last = workers.at(-1);
      const worker = last && !last.hasExited() ? last : await startWorker();
      if (badImage) lab.device(hostname).setFaults({ badImage: TARGET.fileName });
      onReloadBegins = (name) => {
        if (name === hostname) worker.killNow();
      };
      const { workflowId } = await postJson<{ workflowId: string }>(apiSide, '/upgrades', { device: hostname, imageId, reloadTimeoutSeconds: 120 });
      const handle = apiSide.temporal.workflow.getHandle(workflowId);
      assert.equal(await within(worker.exited, 90_000, `${hostname} to begin its reload`), 'SIGKILL');
      onReloadBegins = undefined;
      const orphan = await pendingActivity(handle, 'sendReload');
      assert.ok(orphan, 'sendReload was running when the worker died');
      const next = await startWorker();
      await until(`${hostname} to come back`, () => (lab.device(hostname).state().reachable ? true : undefined), 30_000);
      await apiSide.temporal.activity.fail({ workflowId, activityId: orphan.activityId! }, new Error('worker process killed (test stands in for the start-to-close timeout)'));

      let outcome: string;
      try {
        outcome = (await resultWithin(handle, 120_000, workers)).outcome;
      } catch (error) {
        // A device that falls back to its old image ends rolled back (a failed workflow).
        if (!badImage) throw error;
        outcome = String((await handle.query<{ outcome?: string }>('status')).outcome);
      }
      assert.equal(outcome, badImage ? 'rolled-back' : 'upgraded');
      const state = lab.device(hostname).state();
      assert.equal(reloadsBegun.get(hostname), 1, 'one reload began on the device');
      assert.equal(state.reloadCount, 1);
      assert.equal(state.runningImage, badImage ? 'cat9k_iosxe.17.06.05.SPA.bin' : TARGET.fileName);
      assert.deepEqual(state.savedAliases, [], 'no reload marker was saved');
      const sendReload = traceOf(await handle.fetchHistory(), 'sendReload');
      assert.equal(sendReload.started.at(-1)?.attempt, 2, 'sendReload was attempted again after the crash');
      assert.ok(sendReload.started.at(-1)!.identity.startsWith(next.identityPrefix));
      assert.deepEqual(sendReload.completed.map((c) => c.result), ['already-rebooted']);
    });
  }
});
