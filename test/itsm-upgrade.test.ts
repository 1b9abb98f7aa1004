// ITSM approvals in the device upgrade: "now" refused, a change opened per upgrade, approve →
// upgraded and the change implemented, reject → failed with approver and reason and the device
// untouched, no decision in time → cancelled, each written back to the change record; a decision
// whose signal was lost (Temporal down when the callback came) is found by the workflow's re-check.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { UpgradeView } from '../api/upgrade-status.ts';
import type { ItsmLab } from '../lab/itsm-server.ts';
import type { Lab } from '../lab/types.ts';
import { startItsmHarness, type ItsmHarness } from './support/itsm-harness.ts';
import type { TestNetswim } from './support/netswim.ts';
import { postJson } from './support/upgrades.ts';

const HOSTNAMES = ['it-approve', 'it-reject', 'it-timeout', 'it-lost-signal'];

let harness: ItsmHarness;
let netswim: TestNetswim;
let itsm: ItsmLab;
let lab: Lab;
let imageId: string;

before(async () => {
  harness = await startItsmHarness({ hostnames: HOSTNAMES, imageFile: 'cat9k_iosxe.17.09.04a.SPA.bin', env: { NETSWIM_ITSM_DECISION_RECHECK: '2s' } });
  ({ netswim, itsm, lab, imageId } = harness);
});

after(async () => {
  await harness?.stop();
});

const planned = { activate: { kind: 'at', at: new Date(Date.now() + 1000).toISOString() } };
const view = async (id: string) => (await (await netswim.api(`/upgrades/${id}`)).json()) as UpgradeView & { status?: { change?: string } };

async function waitFor(id: string, done: (v: Awaited<ReturnType<typeof view>>) => boolean) {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const v = await view(id);
    if (done(v)) return v;
    if (Date.now() > deadline) throw new Error(`${id} stuck at ${v.stage}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function startAndGetChange(hostname: string): Promise<{ workflowId: string; change: string }> {
  const { workflowId } = await postJson<{ workflowId: string }>(netswim, '/upgrades', { device: hostname, imageId, reloadTimeoutSeconds: 60, plan: planned });
  const v = await waitFor(workflowId, (x) => x.stage === 'approval' && Boolean(x.status?.change) && /waiting for the decision/.test(x.status?.events.at(-1)?.message ?? ''));
  return { workflowId, change: v.status!.change! };
}

describe('ITSM approvals in the upgrade', () => {
  it('refuses "now" with the integration on, and starts nothing', async () => {
    const res = await netswim.api('/upgrades', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ device: 'it-approve', imageId }) });
    assert.equal(res.status, 422);
    assert.match(((await res.json()) as { error: string }).error, /cannot run "now"/);
  });

  it('approve: the change opened for the upgrade lets it run; the outcome is written back', async () => {
    const { workflowId, change } = await startAndGetChange('it-approve');
    assert.equal(lab.device('it-approve').state().reloadCount, 0, 'nothing changes before the approval');
    assert.match(itsm.change(change)?.short_description ?? '', /upgrade it-approve to 17\.09\.04a/);
    const answer = await itsm.decide(change, { decision: 'approved', approver: 'alice', reason: 'CAB ok' });
    assert.equal(answer.status, 200);
    const v = await waitFor(workflowId, (x) => x.execution !== 'RUNNING');
    assert.equal(v.execution, 'COMPLETED', v.error);
    assert.equal(lab.device('it-approve').state().version, '17.09.04a');
    const record = itsm.change(change)!;
    assert.equal(record.state, '3', 'closed');
    assert.match(record.journal.map((j) => j.text).join('\n'), /it-approve upgraded/);
  });

  it('reject: the upgrade ends "rejected by <approver>: <reason>" and the device is untouched', async () => {
    const { workflowId, change } = await startAndGetChange('it-reject');
    await itsm.decide(change, { decision: 'rejected', approver: 'bob', reason: 'freeze week' });
    const v = await waitFor(workflowId, (x) => x.execution !== 'RUNNING');
    assert.equal(v.execution, 'FAILED');
    assert.match(v.error ?? '', /rejected by bob: freeze week/);
    const state = lab.device('it-reject').state();
    assert.equal(state.reloadCount, 0);
    assert.ok(!state.flash.some((f) => f.name === 'cat9k_iosxe.17.09.04a.SPA.bin'), 'nothing was copied');
    assert.equal(itsm.change(change)?.state, '4');
  });

  it('no decision within the approval timeout cancels the upgrade and the change', async () => {
    const { workflowId, change } = await startAndGetChange('it-timeout');
    const v = await waitFor(workflowId, (x) => x.execution !== 'RUNNING');
    assert.equal(v.execution, 'CANCELLED', v.error);
    assert.match(v.status?.error ?? '', /no decision|timed out|within/i);
    assert.equal(lab.device('it-timeout').state().reloadCount, 0);
    assert.equal(itsm.change(change)?.state, '4');
    const late = await itsm.decide(change, { decision: 'approved', approver: 'carol', reason: 'too late' });
    assert.equal(late.status, 401, 'a decision on a closed change is refused');
  });

  it('a decision whose signal was lost while Temporal was down is found by the re-check', async () => {
    const { workflowId, change } = await startAndGetChange('it-lost-signal');
    await harness.stopTemporal();
    try {
      const answer = await itsm.decide(change, { decision: 'approved', approver: 'dave', reason: 'CAB ok' });
      assert.equal(answer.status, 200, 'netswim records the decision');
      assert.deepEqual((answer.body as { signalled: string[]; failed: string[] }).failed, [workflowId], 'the signal could not be delivered');
    } finally {
      await harness.startTemporal();
    }
    const v = await waitFor(workflowId, (x) => x.execution !== 'RUNNING');
    assert.equal(v.execution, 'COMPLETED', v.error);
    assert.ok(v.status?.events.some((e) => e.message === `change ${change}: approved by dave: CAB ok`), JSON.stringify(v.status?.events.map((e) => e.message)));
    assert.equal(lab.device('it-lost-signal').state().version, '17.09.04a');
    assert.equal(itsm.change(change)?.state, '3');
  });
});
