// A campaign survives a restart of the Temporal server in its middle: the server keeps its state
// in SQLite, the worker reconnects, and the campaign completes every device.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startLab } from '../lab/fleet.ts';
import type { Lab } from '../lab/types.ts';
import { freePort, type DevServer } from '../scripts/temporal-dev-server.ts';
import { startTestNetswim, type TestNetswim } from './support/netswim.ts';
import { startTestTemporal } from './support/temporal.ts';
import { postJson, uploadImage } from './support/upgrades.ts';

const PASSWORD = `pw-${randomBytes(6).toString('hex')}`;
const HOSTNAMES = ['cr-1', 'cr-2', 'cr-3', 'cr-4', 'cr-5', 'cr-6'];

let temporal: DevServer;
let netswim: TestNetswim;
let lab: Lab;
let dir: string;
let imageId: string;
let port: number;

interface Progress {
  state: string;
  total: number;
  stages: Record<string, number>;
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'netswim-campaign-restart-'));
  port = await freePort();
  temporal = await startTestTemporal({ port, dbFile: join(dir, 'temporal.db') });
  netswim = await startTestNetswim(temporal.address);
  lab = await startLab({
    stateDir: join(dir, 'lab'),
    devices: HOSTNAMES.map((hostname) => ({ hostname, address: '127.0.0.1', port: 0, platform: 'cat9300' as const, username: 'netswim', password: PASSWORD, enableSecret: PASSWORD, reloadDurationMs: 2500 })),
  });
  for (const d of lab.devices) {
    await postJson(netswim, '/devices', { hostname: d.hostname, address: d.address, port: d.port, platform: 'cat9300', site: 'Global/Restart', username: 'netswim', password: PASSWORD, enableSecret: PASSWORD });
  }
  imageId = await uploadImage(netswim, 'cat9k_iosxe.17.09.04a.SPA.bin', randomBytes(512 * 1024 + 1));
});

after(async () => {
  await lab?.stop();
  await netswim?.stopAll();
  await temporal?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function progress(id: string): Promise<{ execution: string; progress?: Progress } | undefined> {
  try {
    const res = await netswim.api(`/campaigns/${id}`);
    return res.ok ? ((await res.json()) as { execution: string; progress?: Progress }) : undefined;
  } catch {
    return undefined; // the server is restarting
  }
}

describe('campaign across a Temporal server restart', () => {
  it('completes every device after the server restarts in the middle', async () => {
    const { campaignId } = await postJson<{ campaignId: string }>(netswim, '/campaigns', {
      name: 'restart',
      imageId,
      selector: { site: 'Global/Restart' },
      waves: { canary: 1, percents: [] },
      maxInFlight: 2,
      reloadTimeoutSeconds: 60,
    });
    // Restart once the canary is done and the next wave is under way.
    for (;;) {
      const p = await progress(campaignId);
      if ((p?.progress?.stages.upgraded ?? 0) >= 1 && (p?.progress?.stages.running ?? 0) >= 1) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const doneBefore = lab.devices.filter((d) => d.state().reloadCount > 0).length;
    assert.ok(doneBefore < HOSTNAMES.length, 'the restart happens in the middle of the campaign');
    await temporal.stop();
    temporal = await startTestTemporal({ port, dbFile: join(dir, 'temporal.db') });

    const deadline = Date.now() + 180_000;
    let last: Awaited<ReturnType<typeof progress>>;
    for (;;) {
      last = await progress(campaignId);
      if (last && last.execution !== 'RUNNING') break;
      if (Date.now() > deadline) throw new Error(`campaign did not finish: ${JSON.stringify(last)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.equal(last.execution, 'COMPLETED', JSON.stringify(last));
    assert.equal(last.progress?.state, 'completed');
    assert.equal(last.progress?.stages.upgraded, HOSTNAMES.length);
    for (const d of lab.devices) {
      assert.equal(d.state().version, '17.09.04a', d.hostname);
      assert.equal(d.state().reloadCount, 1, `${d.hostname} reloaded exactly once`);
    }
  });
});
