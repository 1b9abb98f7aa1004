// The bench's lab, as its own process (forked with IPC, so its CPU and memory are its own):
// `--campaign-devices N` Catalyst 9300s on the usual lab sites, then `--distribution-devices D`
// more in the site Global/Bench/Distribution, all on consecutive loopback addresses and one port,
// state in a temp folder removed on stop. Writes the inventory netswim imports, sends `ready`, and
// on request reports the copies (lab `copy` events) of the distribution devices since a mark.
// Exits when the bench goes away.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startLab } from '../../lab/fleet.ts';
import { fleetSpecs, loadOrCreateCredentials, writeInventory } from '../../lab/fleet-spec.ts';
import type { Lab, LabEvent } from '../../lab/types.ts';

import { DISTRIBUTION_SITE, type CopyRecord, type LabChildMessage, type LabParentMessage } from './lab-protocol.ts';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'campaign-devices': { type: 'string', default: '1000' },
      'distribution-devices': { type: 'string', default: '50' },
      'base-address': { type: 'string', default: '127.30.0.1' },
      port: { type: 'string', default: '10022' },
      'reload-ms': { type: 'string', default: '500' },
    },
  });
  const campaign = Number(values['campaign-devices']);
  const distribution = Number(values['distribution-devices']);
  const send = (message: LabChildMessage): void => {
    process.send?.(message);
  };
  process.on('disconnect', () => process.exit(0));
  const stateDir = await mkdtemp(join(tmpdir(), 'netswim-bench-lab-'));
  const copies: CopyRecord[] = [];
  const open = new Map<string, CopyRecord>();
  let lab: Lab | undefined;
  const distributionHosts = new Set<string>();
  const onEvent = (event: LabEvent): void => {
    if (event.event !== 'copy' || !distributionHosts.has(event.hostname)) return;
    const now = Date.now();
    if (event.phase === 'start') {
      const record: CopyRecord = { hostname: event.hostname, url: event.url, startMs: now, bytes: 0 };
      open.set(event.hostname, record);
      copies.push(record);
    } else if (event.phase === 'done' || event.phase === 'failed') {
      const record = open.get(event.hostname);
      if (!record) return;
      open.delete(event.hostname);
      record.endMs = now;
      record.bytes = event.bytes;
      record.ok = event.phase === 'done';
      if (event.error) record.error = event.error;
    }
  };
  try {
    const credentials = await loadOrCreateCredentials(stateDir);
    const specs = fleetSpecs({
      count: campaign + distribution,
      baseAddress: values['base-address'],
      port: Number(values.port),
      credentials,
      reloadDurationMs: Number(values['reload-ms']),
    });
    for (const spec of specs.slice(campaign)) {
      spec.site = DISTRIBUTION_SITE;
      distributionHosts.add(spec.hostname);
    }
    const started = performance.now();
    lab = await startLab({ stateDir, devices: specs, onEvent });
    const startMs = performance.now() - started;
    const { path } = await writeInventory(lab, stateDir);
    send({
      type: 'ready',
      inventoryPath: path,
      campaignHosts: specs.slice(0, campaign).map((s) => s.hostname),
      distributionHosts: [...distributionHosts],
      startMs,
    });
  } catch (error) {
    send({ type: 'failed', error: (error as Error).message });
    await lab?.stop();
    await rm(stateDir, { recursive: true, force: true });
    process.exit(1);
  }
  const running = lab;
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void running
      .stop()
      .finally(() => rm(stateDir, { recursive: true, force: true }))
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', () => undefined); // the bench stops us in order
  process.on('message', (message: LabParentMessage) => {
    if (message.type === 'copies') send({ type: 'copies', copies: copies.filter((c) => c.startMs >= message.since) });
    else if (message.type === 'profile') void profile(message.path).then((path) => send({ type: 'profiled', ...(path ? { path } : {}) }), (error: Error) => send({ type: 'profiled', error: error.message }));
    else if (message.type === 'stop') stop();
  });
}

let profiling: { session: Session; path: string } | undefined;
/** Starts a CPU profile to be written to `path`, or (no path) stops the running one and writes it (Chrome DevTools format). */
async function profile(path: string | undefined): Promise<string | undefined> {
  if (path) {
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    profiling = { session, path };
    return undefined;
  }
  if (!profiling) return undefined;
  const { session, path: out } = profiling;
  profiling = undefined;
  const { profile: result } = await session.post('Profiler.stop');
  session.disconnect();
  await writeFile(out, JSON.stringify(result));
  return out;
}

await main();
