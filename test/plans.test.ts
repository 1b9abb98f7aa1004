// Upgrade plans through the workflow: distribute only, activation at a time (a durable timer),
// distribution at a time, and rescheduling a waiting upgrade through the workflow update.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { UpgradeView } from '../api/upgrade-status.ts';
import type { Lab } from '../lab/types.ts';
import type { TestNetswim } from './support/netswim.ts';
import { startUpgradeHarness, type UpgradeHarness } from './support/upgrade-harness.ts';
import { postJson } from './support/upgrades.ts';

const NEW_IMAGE = 'cat9k_iosxe.17.09.04a.SPA.bin';
const HOSTNAMES = ['pl-only', 'pl-at', 'pl-later', 'pl-resched'];

let harness: UpgradeHarness;
let netswim: TestNetswim;
let lab: Lab;
let imageId: string;

before(async () => {
  harness = await startUpgradeHarness({ name: 'plans', devices: HOSTNAMES.map((hostname) => ({ hostname })), images: { [NEW_IMAGE]: 1024 * 1024 + 9 } });
  ({ netswim, lab } = harness);
  imageId = harness.images[NEW_IMAGE]!;
});

after(() => harness?.stop());

const view = async (workflowId: string) => (await (await netswim.api(`/upgrades/${workflowId}`)).json()) as UpgradeView;

async function until(workflowId: string, done: (v: UpgradeView) => boolean, timeoutMs = 90_000): Promise<UpgradeView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await view(workflowId);
    if (done(v)) return v;
    if (Date.now() > deadline) throw new Error(`${workflowId} stuck at ${v.stage} (${v.execution})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const start = (hostname: string, plan: unknown) => postJson<{ workflowId: string }>(netswim, '/upgrades', { device: hostname, imageId, reloadTimeoutSeconds: 60, plan });
const patchPlan = (workflowId: string, plan: unknown) => netswim.api(`/upgrades/${workflowId}/plan`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify(plan) });
const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

describe('upgrade plans', () => {
  it('distribute only: the image lands on flash, verified, and the device is not reloaded', async () => {
    const { workflowId } = await start('pl-only', { activate: { kind: 'never' } });
    const v = await until(workflowId, (x) => x.execution !== 'RUNNING');
    assert.equal(v.execution, 'COMPLETED', v.error);
    assert.equal(v.result?.outcome, 'distributed');
    const state = lab.device('pl-only').state();
    assert.ok(state.flash.some((f) => f.name === NEW_IMAGE));
    assert.equal(state.reloadCount, 0);
    assert.equal(state.version, '17.06.05');
  });

  it('activation at a time waits on a durable timer, then activates', async () => {
    const at = inSeconds(6);
    const { workflowId } = await start('pl-at', { activate: { kind: 'at', at } });
    const waiting = await until(workflowId, (x) => x.stage === 'waiting');
    assert.match(waiting.status?.events.at(-1)?.message ?? '', /activation planned at/);
    assert.equal(lab.device('pl-at').state().reloadCount, 0, 'no reload before the planned time');
    const v = await until(workflowId, (x) => x.execution !== 'RUNNING');
    assert.equal(v.execution, 'COMPLETED', v.error);
    const activated = v.status?.events.find((e) => e.stage === 'activate')?.at ?? '';
    assert.ok(Date.parse(activated) >= Date.parse(at), `activated at ${activated}, planned ${at}`);
    assert.equal(lab.device('pl-at').state().version, '17.09.04a');
  });

  it('distribution at a time: nothing is read or copied before it', async () => {
    const { workflowId } = await start('pl-later', { distribute: { kind: 'at', at: inSeconds(5) } });
    await until(workflowId, (x) => x.stage === 'scheduled');
    assert.ok(!lab.device('pl-later').state().flash.some((f) => f.name === NEW_IMAGE));
    const v = await until(workflowId, (x) => x.execution !== 'RUNNING');
    assert.equal(v.execution, 'COMPLETED', v.error);
  });

  it('a waiting upgrade is rescheduled through the update; what cannot change is refused', async () => {
    const { workflowId } = await start('pl-resched', { activate: { kind: 'at', at: inSeconds(3600) } });
    await until(workflowId, (x) => x.stage === 'waiting');
    const late = await patchPlan(workflowId, { distribute: { kind: 'at', at: inSeconds(60) }, activate: { kind: 'at', at: inSeconds(120) } });
    assert.equal(late.status, 409);
    assert.match(((await late.json()) as { error: string }).error, /only the activation can be rescheduled/);
    const past = await patchPlan(workflowId, { activate: { kind: 'at', at: '2020-01-01T00:00:00Z' } });
    assert.equal(past.status, 409);
    assert.match(((await past.json()) as { error: string }).error, /in the past/);
    const bad = await patchPlan(workflowId, { activate: { kind: 'at', at: 'tomorrow' } });
    assert.equal(bad.status, 400);
    assert.equal(lab.device('pl-resched').state().reloadCount, 0);

    const ok = await patchPlan(workflowId, { activate: { kind: 'at', at: inSeconds(2) } });
    assert.equal(ok.status, 200, await ok.clone().text());
    const v = await until(workflowId, (x) => x.execution !== 'RUNNING');
    assert.equal(v.execution, 'COMPLETED', v.error);
    assert.ok(v.status?.events.some((e) => /rescheduled: distribute now, activate at/.test(e.message)));
    const finished = await patchPlan(workflowId, { activate: { kind: 'after-distribution' } });
    assert.equal(finished.status, 409);
  });
});
