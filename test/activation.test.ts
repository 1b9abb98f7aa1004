// Activation by platform through the upgrade workflow: a classic IOS router (boot variable read
// with `show bootvar`), a classic IOS Catalyst access switch (`show boot` with `BOOT path-list`,
// its running image in a flash directory), IOS-XE INSTALL mode (`install add file … activate commit`), NX-OS
// (`install all nxos …`), and an NX-OS rollback after a failed postcheck; an ASR 1001-X in
// INSTALL mode on `bootflash:`.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Lab, LabPlatform } from '../lab/types.ts';
import type { TestNetswim } from './support/netswim.ts';
import { startUpgradeHarness, type UpgradeHarness } from './support/upgrade-harness.ts';
import { runUpgrade } from './support/upgrades.ts';

const DEVICES: [string, LabPlatform][] = [
  ['ac-isr', 'isr2900'],
  ['ac-2960x', 'c2960x'],
  ['ac-install', 'cat9300-install'],
  ['ac-nexus', 'n9k'],
  ['ac-nexus-back', 'n9k'],
  ['ac-asr', 'asr1000-install'],
];
const XE_BUNDLE = 'cat9k_iosxe.17.09.04a.SPA.bin';
const NXOS_IMAGE = 'nxos64-cs.10.3.6.M.bin';
const ISR_IMAGE = 'c2900-universalk9-mz.SPA.157-3.M8.bin';
const C2960X_IMAGE = 'c2960x-universalk9-mz.152-7.E2.bin';
const ASR_IMAGE = 'asr1001x-universalk9.17.09.04a.SPA.bin';

let harness: UpgradeHarness;
let netswim: TestNetswim;
let lab: Lab;
let xeImage: string;
let nxosImage: string;
let isrImage: string;
let c2960xImage: string;
let asrImage: string;

before(async () => {
  harness = await startUpgradeHarness({
    name: 'activation',
    devices: DEVICES.map(([hostname, platform]) => ({ hostname, platform })),
    images: { [XE_BUNDLE]: 1024 * 1024 + 1, [NXOS_IMAGE]: 1024 * 1024 + 2, [ISR_IMAGE]: 1024 * 1024 + 3, [C2960X_IMAGE]: 1024 * 1024 + 4, [ASR_IMAGE]: 1024 * 1024 + 5 },
  });
  ({ netswim, lab } = harness);
  xeImage = harness.images[XE_BUNDLE]!;
  nxosImage = harness.images[NXOS_IMAGE]!;
  isrImage = harness.images[ISR_IMAGE]!;
  c2960xImage = harness.images[C2960X_IMAGE]!;
  asrImage = harness.images[ASR_IMAGE]!;
});

after(() => harness?.stop());

describe('activation', () => {
  it('classic IOS router: boot system flash:<new> then the running image, saved, one reload, the new release boots', async () => {
    const device = lab.device('ac-isr');
    const from = device.state();
    assert.equal(from.version, '15.2(4)M7');
    const { view } = await runUpgrade(netswim, 'ac-isr', isrImage);
    assert.equal(view.execution, 'COMPLETED', view.error);
    assert.equal(view.result?.outcome, 'upgraded');
    const state = device.state();
    assert.equal(state.version, '15.7(3)M8');
    assert.equal(state.runningImage, ISR_IMAGE);
    // The old image stays second in the boot list: the router falls back to it if the new one fails.
    assert.deepEqual(state.bootVariables, [`flash:${ISR_IMAGE}`, `flash:${from.runningImage}`]);
    assert.equal(state.reloadCount, 1);
    assert.ok(state.flash.some((file) => file.name === from.runningImage), 'the previous image is kept on flash');
  });

  it('Catalyst 2960-X on classic IOS: the fallback boot entry keeps the directory of the running image, one reload, the new release boots', async () => {
    const device = lab.device('ac-2960x');
    const from = device.state();
    assert.equal(from.runningImage, 'c2960x-universalk9-mz.152-2.E7/c2960x-universalk9-mz.152-2.E7.bin');
    const { view } = await runUpgrade(netswim, 'ac-2960x', c2960xImage);
    assert.equal(view.execution, 'COMPLETED', view.error);
    assert.equal(view.result?.outcome, 'upgraded');
    const state = device.state();
    assert.equal(state.version, '15.2(7)E2');
    assert.equal(state.runningImage, C2960X_IMAGE);
    // A fallback of `flash:c2960x-…E7.bin` (the file name alone) would name a file that is not there.
    assert.deepEqual(state.savedBootVariables, [`flash:${C2960X_IMAGE}`, `flash:${from.runningImage}`]);
    assert.equal(state.reloadCount, 1);
  });

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

  it('ASR 1000 in INSTALL mode: the image goes to bootflash:, install add file bootflash:… activate commit, one reload, packages.conf boots the new release', async () => {
    const device = lab.device('ac-asr');
    const from = device.state();
    assert.equal(from.runningImage, 'packages.conf');
    assert.equal(from.version, '17.06.05');
    const { view } = await runUpgrade(netswim, 'ac-asr', asrImage);
    assert.equal(view.execution, 'COMPLETED', view.error);
    assert.equal(view.result?.outcome, 'upgraded');
    assert.match(view.status?.events.find((e) => e.stage === 'activate')?.message ?? '', /install add file … activate commit of bootflash:asr1001x-universalk9\.17\.09\.04a\.SPA\.bin/);
    const state = device.state();
    assert.equal(state.version, '17.09.04a');
    assert.equal(state.runningImage, 'packages.conf');
    assert.deepEqual(state.savedBootVariables, ['bootflash:packages.conf']);
    assert.equal(state.reloadCount, 1);
    assert.ok(state.flash.some((f) => f.name === ASR_IMAGE), 'the bundle was copied to bootflash:');
    assert.ok(state.flash.some((f) => f.name === 'asr1001x-mono-universalk9.17.09.04a.SPA.pkg'), 'the new release is expanded on bootflash:');
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
