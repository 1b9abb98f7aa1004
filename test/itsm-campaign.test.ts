// ITSM approvals for a campaign: one change for all its devices, no device touched before it is
// approved; approve → every device upgraded under that change and the outcome written back once;
// reject → the campaign ends `rejected` with approver and reason; no decision in time, or an
// operator's cancel during the wait → `cancelled`; each written back to the change. A campaign
// that an error ends after the approval closes its change as unsuccessful, with the error.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CampaignView } from '../api/campaign-routes.ts';
import type { UpgradeList } from '../api/upgrade-list.ts';
import type { UpgradeView } from '../api/upgrade-status.ts';
import type { ItsmLab } from '../lab/itsm-server.ts';
import type { Lab } from '../lab/types.ts';
import { startItsmHarness, type ItsmHarness } from './support/itsm-harness.ts';
import type { TestNetswim } from './support/netswim.ts';
import { postJson } from './support/upgrades.ts';

const IMAGE = 'cat9k_iosxe.17.09.04a.SPA.bin';
const HOSTNAMES = ['ic-approve-1', 'ic-approve-2', 'ic-reject', 'ic-timeout', 'ic-cancel', 'ic-error'];

let harness: ItsmHarness;
let netswim: TestNetswim;
let itsm: ItsmLab;
let lab: Lab;
let imageId: string;

before(async () => {
  harness = await startItsmHarness({ hostnames: HOSTNAMES, imageFile: IMAGE });
  ({ netswim, itsm, lab, imageId } = harness);
});

after(async () => {
  await harness?.stop();
});

/** Activation planned a second from now: an ITSM campaign may not run "now". */
const planned = () => ({ distribute: { kind: 'now' }, activate: { kind: 'at', at: new Date(Date.now() + 1000).toISOString() } });

async function view(id: string): Promise<CampaignView> {
  const res = await netswim.api(`/campaigns/${id}`);
  assert.equal(res.status, 200);
  return (await res.json()) as CampaignView;
}

async function waitFor(id: string, done: (v: CampaignView) => boolean): Promise<CampaignView> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const v = await view(id);
    if (done(v)) return v;
    if (Date.now() > deadline) throw new Error(`campaign ${id} stuck: ${JSON.stringify(v.progress)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Starts a campaign over `devices` and waits until it waits for its change; returns both. */
async function startAwaitingApproval(name: string, devices: string[]): Promise<{ id: string; change: string; v: CampaignView }> {
  const { campaignId } = await postJson<{ campaignId: string }>(netswim, '/campaigns', {
    name,
    selector: { devices },
    imageId,
    waves: { canary: 0, percents: [100] },
    maxInFlight: 5,
    plan: planned(),
    reloadTimeoutSeconds: 60,
  });
  const v = await waitFor(campaignId, (x) => x.progress?.state === 'awaiting-approval' && Boolean(x.progress.change?.number));
  return { id: campaignId, change: v.progress!.change!.number, v };
}

const untouched = (hostname: string) => {
  const state = lab.device(hostname).state();
  assert.equal(state.reloadCount, 0, `${hostname} reloaded`);
  assert.ok(!state.flash.some((f) => f.name === IMAGE), `${hostname} received the image`);
};

describe('ITSM approvals in a campaign', () => {
  it('refuses a campaign that would run "now", and starts nothing', async () => {
    const before = (await (await netswim.api('/campaigns')).json()) as unknown[];
    const res = await netswim.api('/campaigns', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'now', selector: { devices: ['ic-approve-1'] }, imageId }),
    });
    assert.equal(res.status, 422);
    assert.match(((await res.json()) as { error: string }).error, /cannot run "now"/);
    assert.equal(((await (await netswim.api('/campaigns')).json()) as unknown[]).length, before.length, 'no campaign recorded');
  });

  it('approve: one change for the whole campaign; devices start only after the approval and run under it', async () => {
    const changesBefore = itsm.changes().length;
    const { id, change, v } = await startAwaitingApproval('approve', ['ic-approve-1', 'ic-approve-2']);
    assert.equal(v.progress?.stages.queued, 2);
    assert.equal(v.progress?.inFlight, 0, 'no device starts before the decision');
    const record = itsm.change(change)!;
    assert.match(record.short_description, /campaign approve: upgrade 2 devices to 17\.09\.04a/);
    assert.match(record.description, /activate at/);
    // Still waiting a moment later: nothing moved.
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal((await view(id)).progress?.state, 'awaiting-approval');
    untouched('ic-approve-1');
    untouched('ic-approve-2');

    assert.equal((await itsm.decide(change, { decision: 'approved', approver: 'alice', reason: 'CAB ok' })).status, 200);
    const done = await waitFor(id, (x) => x.execution !== 'RUNNING');
    assert.equal(done.execution, 'COMPLETED', done.error);
    assert.equal(done.progress?.state, 'completed', JSON.stringify(done.progress));
    assert.equal(done.progress?.stages.upgraded, 2, JSON.stringify(done.progress?.failures));
    assert.equal(done.progress?.change?.decision, 'approved by alice: CAB ok');
    assert.equal(itsm.changes().length, changesBefore + 1, 'one change for the campaign, none per device');
    for (const hostname of ['ic-approve-1', 'ic-approve-2']) {
      assert.equal(lab.device(hostname).state().version, '17.09.04a');
      const list = (await (await netswim.api(`/upgrades?device=${hostname}`)).json()) as UpgradeList;
      assert.equal(list.upgrades.length, 1);
      const upgrade = (await (await netswim.api(`/upgrades/${list.upgrades[0]!.workflowId}`)).json()) as UpgradeView & { status?: { change?: string } };
      assert.equal(upgrade.status?.change, change, `${hostname}'s upgrade names the campaign's change`);
    }
    const closed = itsm.change(change)!;
    assert.equal(closed.state, '3', 'closed');
    assert.match(closed.journal.map((j) => j.text).join('\n'), /campaign approve completed: 2 upgraded of 2/);
  });

  it('reject: the campaign ends "rejected by <approver>: <reason>" and no device is touched', async () => {
    const { id, change } = await startAwaitingApproval('reject', ['ic-reject']);
    await itsm.decide(change, { decision: 'rejected', approver: 'bob', reason: 'freeze week' });
    const done = await waitFor(id, (x) => x.execution !== 'RUNNING');
    assert.equal(done.execution, 'COMPLETED', done.error);
    assert.equal(done.progress?.state, 'rejected');
    assert.equal(done.progress?.reason, 'rejected by bob: freeze week');
    assert.equal(done.progress?.stages.queued, 1, 'the device never started');
    untouched('ic-reject');
    const record = itsm.change(change)!;
    assert.equal(record.state, '4');
    assert.match(record.journal.map((j) => j.text).join('\n'), /rejected by bob: freeze week; no device changed/);
  });

  it('no decision within the approval timeout cancels the campaign and the change', async () => {
    const { id, change } = await startAwaitingApproval('timeout', ['ic-timeout']);
    const done = await waitFor(id, (x) => x.execution !== 'RUNNING');
    assert.equal(done.progress?.state, 'cancelled');
    assert.match(done.progress?.reason ?? '', new RegExp(`change ${change} was not decided within 6 s`));
    untouched('ic-timeout');
    assert.equal(itsm.change(change)?.state, '4');
    const late = await itsm.decide(change, { decision: 'approved', approver: 'carol', reason: 'too late' });
    assert.equal(late.status, 401, 'a decision on a closed change is refused');
  });

  it("an operator's cancel ends the wait for the decision at once", async () => {
    const { id, change } = await startAwaitingApproval('cancel', ['ic-cancel']);
    const res = await netswim.api(`/campaigns/${id}/cancel`, { method: 'POST' });
    assert.equal(res.status, 200);
    const done = await waitFor(id, (x) => x.execution !== 'RUNNING');
    assert.equal(done.progress?.state, 'cancelled');
    assert.equal(done.progress?.reason, 'cancelled by an operator');
    untouched('ic-cancel');
    const record = itsm.change(change)!;
    assert.equal(record.state, '4');
    assert.match(record.journal.map((j) => j.text).join('\n'), /cancelled by an operator; no device changed/);
  });

  it('an error that ends the campaign after the approval closes the change as unsuccessful, with the error', async () => {
    const { id, change } = await startAwaitingApproval('error', ['ic-error']);
    // The campaign's device list cannot be read: loading its first batch fails on every retry.
    await netswim.db.query('ALTER TABLE campaign_devices RENAME TO campaign_devices_hidden');
    try {
      await itsm.decide(change, { decision: 'approved', approver: 'dave', reason: 'CAB ok' });
      const done = await waitFor(id, (x) => x.execution !== 'RUNNING');
      assert.equal(done.execution, 'FAILED');
      assert.match(done.error ?? '', /campaign_devices/);
    } finally {
      await netswim.db.query('ALTER TABLE campaign_devices_hidden RENAME TO campaign_devices');
    }
    untouched('ic-error');
    const record = itsm.change(change)!;
    assert.equal(record.state, '3', 'closed');
    assert.equal(record.close_code, 'unsuccessful');
    assert.match(record.journal.map((j) => j.text).join('\n'), /campaign error stopped by an error \(relation "campaign_devices" does not exist\): no device of 1/);
  });
});
