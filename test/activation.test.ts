// Activation by platform through the upgrade workflow: IOS-XE INSTALL mode (`install add file …
// activate commit`), NX-OS (`install all nxos …`), and an NX-OS rollback after a failed postcheck.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Lab, LabPlatform } from '../lab/types.ts';
import type { TestNetswim } from './support/netswim.ts';
import { startUpgradeHarness, type UpgradeHarness } from './support/upgrade-harness.ts';
import { runUpgrade } from './support/upgrades.ts';

const DEVICES: [string, LabPlatform][] = [
  ['ac-install', 'cat9300-install'],
  ['ac-nexus', 'n9k'],
  ['ac-nexus-back', 'n9k'],
];
const XE_BUNDLE = 'cat9k_iosxe.17.09.04a.SPA.bin';
const NXOS_IMAGE = 'nxos64-cs.10.3.6.M.bin';

let harness: UpgradeHarness;
let netswim: TestNetswim;
let lab: Lab;
let xeImage: string;
let nxosImage: string;

before(async () => {
  harness = await startUpgradeHarness({
    name: 'activation',
    devices: DEVICES.map(([hostname, platform]) => ({ hostname, platform })),
    images: { [XE_BUNDLE]: 1024 * 1024 + 1, [NXOS_IMAGE]: 1024 * 1024 + 2 },
  });
  ({ netswim, lab } = harness);
  xeImage = harness.images[XE_BUNDLE]!;
  nxosImage = harness.images[NXOS_IMAGE]!;
});

after(() => harness?.stop());

describe('activation', () => {
  it('INSTALL mode: install add file … activate commit, one reload, packages.conf boots the new release', async () => {
    const device = lab.device('ac-install');
    assert.equal(device.state().runningImage, 'packages.conf');
    const { view } = await runUpgrade(netswim, 'ac-install', xeImage);
    assert.equal(view.execution, 'COMPLETED', view.error);
    assert.equal(view.result?.outcome, 'upgraded');
    assert.match(view.status?.events.find((e) => e.stage === 'activate')?.message ?? '', /install add file … activate commit of flash:cat9k_iosxe\.17\.09\.04a\.SPA\.bin/);
    const state = device.state();
    assert.equal(state.version, '17.09.04a');
    assert.equal(state.runningImage, 'packages.conf');
    assert.equal(state.reloadCount, 1);
    const again = await runUpgrade(netswim, 'ac-install', xeImage);
    assert.equal(again.view.result?.outcome, 'already-running', 'INSTALL mode is judged by version, not by boot file');
  });

  it('NX-OS: install all nxos bootflash:…, one reload, the new image boots', async () => {
    const device = lab.device('ac-nexus');
    const from = device.state().version;
    const { view } = await runUpgrade(netswim, 'ac-nexus', nxosImage);
    assert.equal(view.execution, 'COMPLETED', view.error);
    const state = device.state();
    assert.notEqual(state.version, from);
    assert.equal(state.runningImage, NXOS_IMAGE);
    assert.equal(state.reloadCount, 1);
    assert.ok(view.status?.diff, 'postchecks compared health on NX-OS too');
  });

  it('NX-OS: a failed postcheck installs the previous image again', async () => {
    const device = lab.device('ac-nexus-back');
    const before = device.state();
    device.setFaults({ fewerRoutesAfterUpgrade: true });
    const { view } = await runUpgrade(netswim, 'ac-nexus-back', nxosImage);
    assert.equal(view.execution, 'FAILED');
    assert.equal(view.status?.outcome, 'rolled-back', view.error);
    assert.match(view.error ?? '', /postcheck failed: .*routes.*rolled back/i);
    const state = device.state();
    assert.equal(state.runningImage, before.runningImage);
    assert.equal(state.version, before.version);
    assert.equal(state.reloadCount, 2);
  });
});
