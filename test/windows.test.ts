// Activation in maintenance windows through the workflow: an occurrence with too little time left
// is skipped and the device activates when the next one opens; the site's window is inherited;
// a restart of the Temporal server during the wait changes nothing (durable timer, SQLite state).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { UpgradeView } from '../api/upgrade-status.ts';
import { startLab } from '../lab/fleet.ts';
import type { Lab } from '../lab/types.ts';
import { freePort, type DevServer } from '../scripts/temporal-dev-server.ts';
import { startTestNetswim, type TestNetswim } from './support/netswim.ts';
import { startTestTemporal } from './support/temporal.ts';
import { postJson, uploadImage } from './support/upgrades.ts';

const PASSWORD = `pw-${randomBytes(6).toString('hex')}`;
const HOSTNAMES = ['mw-next', 'mw-restart'];

let temporal: DevServer;
let netswim: TestNetswim;
let lab: Lab;
let dir: string;
let imageId: string;
let port: number;
const dbFile = () => join(dir, 'temporal.db');

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'netswim-windows-'));
  port = await freePort();
  temporal = await startTestTemporal({ port, dbFile: dbFile() });
  netswim = await startTestNetswim(temporal.address);
  lab = await startLab({
    stateDir: join(dir, 'lab'),
    devices: HOSTNAMES.map((hostname) => ({ hostname, address: '127.0.0.1', port: 0, platform: 'cat9300' as const, username: 'netswim', password: PASSWORD, enableSecret: PASSWORD, reloadDurationMs: 1000 })),
  });
  for (const d of lab.devices) {
    await postJson(netswim, '/devices', { hostname: d.hostname, address: d.address, port: d.port, platform: 'cat9300', site: 'Global/Lab/Night', username: 'netswim', password: PASSWORD, enableSecret: PASSWORD });
  }
  imageId = await uploadImage(netswim, 'cat9k_iosxe.17.09.04a.SPA.bin', randomBytes(512 * 1024 + 5));
  // Open every minute for one minute: at any moment the current occurrence has under a minute left.
  await postJson(netswim, '/windows', { name: 'every-minute', timeZone: 'Europe/Paris', duration: 1, cron: '* * * * *' });
  const put = await netswim.api(`/sites/${encodeURIComponent('Global/Lab')}/window`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ window: 'every-minute' }) });
  assert.equal(put.status, 200, await put.text());
});

after(async () => {
  await lab?.stop();
  await netswim?.stopAll();
  await temporal?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function finished(workflowId: string): Promise<UpgradeView> {
  const deadline = Date.now() + 150_000;
  for (;;) {
    try {
      const v = (await (await netswim.api(`/upgrades/${workflowId}`)).json()) as UpgradeView;
      if (v.execution && v.execution !== 'RUNNING') return v;
    } catch {
      // The server is restarting.
    }
    if (Date.now() > deadline) throw new Error(`${workflowId} did not finish`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Starts upgrades only in the second half of a minute, so the open occurrence has too little left. */
async function lateInTheMinute(): Promise<void> {
  while (new Date().getUTCSeconds() < 25 || new Date().getUTCSeconds() > 50) await new Promise((r) => setTimeout(r, 500));
}

describe('maintenance windows', () => {
  it("skips an occurrence that closes too soon and activates when the site's window opens again", async () => {
    await lateInTheMinute();
    const { workflowId } = await postJson<{ workflowId: string }>(netswim, '/upgrades', { device: 'mw-next', imageId, reloadTimeoutSeconds: 60, plan: { activate: { kind: 'window', minimumMinutesLeft: 0.75 } } });
    const v = await finished(workflowId);
    assert.equal(v.execution, 'COMPLETED', v.error);
    const waited = v.status?.events.find((e) => e.stage === 'waiting' && /waits for maintenance window every-minute \(site Global\/Lab\)/.test(e.message));
    assert.ok(waited, JSON.stringify(v.status?.events));
    const activated = new Date(v.status?.events.find((e) => e.stage === 'activate')?.at ?? 0);
    assert.ok(activated.getUTCSeconds() < 15, `activated at ${activated.toISOString()}, right after the next occurrence opened`);
    assert.equal(lab.device('mw-next').state().version, '17.09.04a');
  });

  it('a restart of the Temporal server during the wait changes nothing', async () => {
    await lateInTheMinute();
    const { workflowId } = await postJson<{ workflowId: string }>(netswim, '/upgrades', { device: 'mw-restart', imageId, reloadTimeoutSeconds: 60, plan: { activate: { kind: 'window', window: 'every-minute', minimumMinutesLeft: 0.75 } } });
    for (;;) {
      const v = (await (await netswim.api(`/upgrades/${workflowId}`)).json()) as UpgradeView;
      if (v.stage === 'waiting') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    await temporal.stop();
    assert.equal(lab.device('mw-restart').state().reloadCount, 0);
    temporal = await startTestTemporal({ port, dbFile: dbFile() });
    const v = await finished(workflowId);
    assert.equal(v.execution, 'COMPLETED', v.error);
    assert.equal(lab.device('mw-restart').state().reloadCount, 1);
    assert.equal(lab.device('mw-restart').state().version, '17.09.04a');
  });
});
