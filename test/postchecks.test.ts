// Postchecks, the pre/post diff and rollback, and custom checks, through the upgrade workflow
// against lab devices whose health changes after the upgrade (lab faults).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { UpgradeView } from '../api/upgrade-status.ts';
import type { Lab } from '../lab/types.ts';
import type { TestNetswim } from './support/netswim.ts';
import { startUpgradeHarness, type UpgradeHarness } from './support/upgrade-harness.ts';
import { postJson } from './support/upgrades.ts';

const NEW_IMAGE = 'cat9k_iosxe.17.09.04a.SPA.bin';
const OLD_IMAGE = 'cat9k_iosxe.17.06.05.SPA.bin';
const HOSTNAMES = ['po-healthy', 'po-cpu', 'po-iface', 'po-badboot', 'po-around-copy'];

let harness: UpgradeHarness;
let netswim: TestNetswim;
let lab: Lab;
let imageId: string;

before(async () => {
  harness = await startUpgradeHarness({ name: 'postchecks', devices: HOSTNAMES.map((hostname) => ({ hostname })), images: { [NEW_IMAGE]: 1024 * 1024 + 3 } });
  ({ netswim, lab } = harness);
  imageId = harness.images[NEW_IMAGE]!;
});

after(() => harness?.stop());

async function upgrade(hostname: string, extra: Record<string, unknown> = {}): Promise<UpgradeView> {
  const { workflowId } = await postJson<{ workflowId: string }>(netswim, '/upgrades', { device: hostname, imageId, reloadTimeoutSeconds: 60, ...extra });
  for (;;) {
    const view = (await (await netswim.api(`/upgrades/${workflowId}`)).json()) as UpgradeView;
    if (view.execution !== 'RUNNING') return view;
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('custom checks', () => {
  it('refuses a command that changes the device, and runs the accepted ones before and after activation', async () => {
    const bad = await netswim.api('/checks', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'oops', commands: ['reload'], when: 'both', stage: 'activation' }) });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: string }).error, /reloads the device/);
    await postJson(netswim, '/checks', { name: 'inventory', commands: ['show inventory'], when: 'both', stage: 'activation', series: ['cat9300'] });
    await postJson(netswim, '/checks', { name: 'only-nexus', commands: ['show version'], when: 'both', stage: 'both', series: ['n9k'] });
    const list = (await (await netswim.api('/checks')).json()) as { name: string }[];
    assert.deepEqual(list.map((c) => c.name), ['inventory', 'only-nexus']);
  });
});

describe('postchecks', () => {
  it('a healthy upgrade compares the same commands before and after and passes', async () => {
    const view = await upgrade('po-healthy');
    assert.equal(view.execution, 'COMPLETED', view.error);
    assert.equal(view.status?.diff?.status, 'pass');
    assert.ok(view.status?.health?.pre?.interfaces?.length, 'interfaces read before');
    assert.equal(view.status?.health?.post?.interfaces?.length, view.status?.health?.pre?.interfaces?.length);
    const custom = view.status?.checks.filter((c) => c.name === 'custom:inventory') ?? [];
    assert.equal(custom.length, 2, 'the custom check ran before and after activation');
    assert.match(custom[0]?.output ?? '', /PID: C9300/);
    assert.ok(!view.status?.checks.some((c) => c.name === 'custom:only-nexus'), 'a check for another series does not run');
    assert.ok(view.status?.events.every((e) => typeof e.at === 'string'), 'every event has its time');
  });

  it('CPU above the threshold after the upgrade fails the postcheck and rolls back to the previous image', async () => {
    const device = lab.device('po-cpu');
    device.setFaults({ cpuHighAfterUpgrade: true });
    const view = await upgrade('po-cpu');
    assert.equal(view.execution, 'FAILED');
    assert.equal(view.status?.outcome, 'rolled-back');
    assert.match(view.error ?? '', /postcheck failed: .*CPU.*rolled back to 17\.06\.05/i);
    assert.equal(view.status?.diff?.items.find((i) => i.check === 'cpu')?.status, 'fail');
    const state = device.state();
    assert.equal(state.version, '17.06.05');
    assert.equal(state.runningImage, OLD_IMAGE);
    assert.equal(state.reloadCount, 2, 'one reload to upgrade, one to roll back');
    assert.deepEqual(state.savedBootVariables, [`flash:${OLD_IMAGE}`, `flash:${NEW_IMAGE}`]);
  });

  it('with rollback turned off, an interface that went down fails the upgrade and leaves the new image', async () => {
    const device = lab.device('po-iface');
    device.setFaults({ interfaceDownAfterUpgrade: true });
    const view = await upgrade('po-iface', { rollbackOnFailure: false });
    assert.equal(view.execution, 'FAILED');
    assert.equal(view.status?.outcome, 'failed');
    assert.match(view.error ?? '', /TenGigabitEthernet1\/1\/1.*rollback is turned off/);
    assert.equal(device.state().version, '17.09.04a');
    assert.equal(device.state().reloadCount, 1);
  });

  it('a new image that does not boot (fell through to the old one) is rolled back without another reload', async () => {
    const device = lab.device('po-badboot');
    device.setFaults({ badImage: NEW_IMAGE });
    const view = await upgrade('po-badboot');
    assert.equal(view.execution, 'FAILED');
    assert.equal(view.status?.outcome, 'rolled-back');
    assert.match(view.error ?? '', /activation failed: .*booted cat9k_iosxe\.17\.06\.05\.SPA\.bin.*rolled back to 17\.06\.05/);
    const state = device.state();
    assert.equal(state.reloadCount, 1);
    assert.deepEqual(state.savedBootVariables, [`flash:${OLD_IMAGE}`, `flash:${NEW_IMAGE}`], 'the old image boots first from now on');
  });
});

describe('custom checks around distribution', () => {
  it('run with the readiness checks and in the copy\'s session: the image is not on flash before, it is after', async () => {
    await postJson(netswim, '/checks', { name: 'flash-around-copy', commands: ['show flash:'], when: 'both', stage: 'distribution', series: ['cat9300'] });
    const view = await upgrade('po-around-copy');
    assert.equal(view.execution, 'COMPLETED', view.error);
    const checks = view.status?.checks ?? [];
    const around = checks.filter((c) => c.name === 'custom:flash-around-copy');
    assert.equal(around.length, 2, 'once before and once after distribution');
    assert.doesNotMatch(around[0]?.output ?? '', new RegExp(NEW_IMAGE.replace(/\./g, '\\.')));
    assert.match(around[1]?.output ?? '', new RegExp(NEW_IMAGE.replace(/\./g, '\\.')));
    const names = checks.map((c) => c.name);
    // In order: the readiness checks, the check before the copy, the one after, then activation's.
    assert.ok(names.indexOf('custom:flash-around-copy') > names.indexOf('file-transfer'));
    assert.ok(names.lastIndexOf('custom:flash-around-copy') < names.indexOf('custom:inventory'));
  });
});
