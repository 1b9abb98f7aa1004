// Golden SMUs are activated with their base image: POST /upgrades resolves the device's golden
// add-ons, the workflow activates each one after the image (install add file … activate commit,
// a cold SMU reload, verified in show install summary), already-running needs them active, and a
// device that cannot take SMUs (BUNDLE mode) stops at precheck. Real Temporal, netswim, lab devices.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { UpgradeView } from '../api/upgrade-status.ts';
import { startLab } from '../lab/fleet.ts';
import type { Lab, LabPlatform } from '../lab/types.ts';
import type { DevServer } from '../scripts/temporal-dev-server.ts';
import { Shell } from './support/lab-shell.ts';
import { startTestNetswim, type TestNetswim } from './support/netswim.ts';
import { startTestTemporal } from './support/temporal.ts';
import { postJson, uploadImage } from './support/upgrades.ts';

const PASSWORD = `pw-${randomBytes(6).toString('hex')}`;
const BASE = 'cat9k_iosxe.17.09.04a.SPA.bin';
const SMU = 'cat9k_iosxe.17.09.04a.CSCwh87343.SPA.smu.bin';
const SMU_2 = 'cat9k_iosxe.17.09.04a.CSCwi11111.SPA.smu.bin';
const DEVICES: [string, LabPlatform, string][] = [
  ['smu-install', 'cat9300-install', 'Global/Lab'],
  ['smu-bundle', 'cat9300', 'Global/Lab'],
  ['smu-elsewhere', 'cat9300-install', 'Global/Other'],
];

let temporal: DevServer;
let netswim: TestNetswim;
let lab: Lab;
let labDir: string;
let baseId: string;
let smuId: string;
let smu2Id: string;

interface Started {
  workflowId: string;
  targetVersion: string;
  addOns: string[];
}

/** POST /upgrades, then GET /upgrades/:id until the workflow closes. */
async function upgrade(hostname: string, imageId: string, extra: Record<string, unknown> = {}): Promise<{ started: Started; view: UpgradeView }> {
  const started = await postJson<Started>(netswim, '/upgrades', { device: hostname, imageId, reloadTimeoutSeconds: 60, ...extra });
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    const view = (await (await netswim.api(`/upgrades/${started.workflowId}`)).json()) as UpgradeView;
    if (view.execution !== 'RUNNING') return { started, view };
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`upgrade of ${hostname} did not finish in time`);
}

async function tag(imageId: string, site: string): Promise<void> {
  await postJson(netswim, `/images/${imageId}/golden`, { family: 'cat9300', site });
}

async function installSummary(hostname: string): Promise<string> {
  const shell = await Shell.open(lab.device(hostname));
  try {
    return await shell.run('show install summary');
  } finally {
    shell.close();
  }
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

before(async () => {
  temporal = await startTestTemporal();
  netswim = await startTestNetswim(temporal.address);
  labDir = await mkdtemp(join(tmpdir(), 'netswim-smu-'));
  lab = await startLab({
    stateDir: labDir,
    devices: DEVICES.map(([hostname, platform, site]) => ({ hostname, address: '127.0.0.1', port: 0, platform, site, username: 'netswim', password: PASSWORD, reloadDurationMs: 1000 })),
  });
  for (const [hostname, , site] of DEVICES) {
    const d = lab.device(hostname);
    await postJson(netswim, '/devices', { hostname, address: d.address, port: d.port, platform: d.spec.platform, family: 'cat9300', site, username: 'netswim', password: PASSWORD });
  }
  baseId = await uploadImage(netswim, BASE, randomBytes(1024 * 1024 + 3));
  smuId = await uploadImage(netswim, SMU, randomBytes(64 * 1024 + 1));
  smu2Id = await uploadImage(netswim, SMU_2, randomBytes(48 * 1024 + 5));
  // Golden for cat9300 at Global/Lab only: the image and its SMU (linked to the base at import).
  await tag(baseId, 'Global/Lab');
  await tag(smuId, 'Global/Lab');
});

after(async () => {
  await lab?.stop();
  await netswim?.stopAll();
  await temporal?.stop();
  if (labDir) await rm(labDir, { recursive: true, force: true });
});

describe('golden SMUs', () => {
  it('INSTALL mode: the golden base and then its golden SMU, two reloads, the SMU active', async () => {
    const device = lab.device('smu-install');
    const { started, view } = await upgrade('smu-install', baseId);
    assert.deepEqual(started.addOns, [SMU], 'the start answer names the add-ons');
    assert.equal(view.execution, 'COMPLETED', view.error);
    assert.equal(view.result?.outcome, 'upgraded');
    assert.deepEqual(view.result?.addOnsActivated, [SMU]);
    assert.deepEqual(view.status?.addOns, [SMU]);
    assert.deepEqual(view.status?.addOnsActivated, [SMU]);
    const state = device.state();
    assert.equal(state.version, '17.09.04a');
    assert.equal(state.runningImage, 'packages.conf');
    assert.deepEqual(state.activeSmus, [SMU]);
    assert.equal(state.reloadCount, 2, 'one reload for the image, one for the cold SMU');
    assert.match(await installSummary('smu-install'), new RegExp(`^SMU {3}C {4}flash:${escape(SMU)}$`, 'm'));

    const events = view.status?.events ?? [];
    const activations = events.filter((e) => e.stage === 'activate').map((e) => e.message);
    assert.equal(activations.length, 2);
    assert.match(activations[0] ?? '', new RegExp(`activate commit of flash:${escape(BASE)}`));
    assert.match(activations[1] ?? '', new RegExp(`golden add-on flash:${escape(SMU)}`));
    assert.ok(events.some((e) => e.stage === 'distribute' && e.message.includes(`golden add-on ${SMU}`)), 'the SMU was copied');
    assert.ok(events.some((e) => e.stage === 'verify' && e.message.includes(`golden add-on ${SMU} active`)));
    assert.match(events.at(-1)?.message ?? '', new RegExp(`upgraded from 17\\.06\\.05 to 17\\.09\\.04a; golden add-ons activated: ${escape(SMU)}`));
    assert.equal(view.status?.checks.find((c) => c.name === 'golden-smus')?.status, 'pass');
    const smuFile = state.flash.find((f) => f.name === SMU);
    assert.equal(smuFile?.size, 64 * 1024 + 1, 'the SMU on flash is the repository file');
  });

  it('a second upgrade to the same golden image is already-running: the image runs and its SMU is active', async () => {
    const device = lab.device('smu-install');
    const { started, view } = await upgrade('smu-install', baseId);
    assert.deepEqual(started.addOns, [SMU]);
    assert.equal(view.execution, 'COMPLETED', view.error);
    assert.equal(view.result?.outcome, 'already-running');
    assert.deepEqual(view.result?.addOnsAlreadyActive, [SMU]);
    assert.deepEqual(view.result?.addOnsActivated, []);
    assert.equal(device.state().reloadCount, 2);
  });

  it('BUNDLE mode cannot take a golden SMU: the upgrade stops at precheck, saying why, and nothing changes', async () => {
    const device = lab.device('smu-bundle');
    const before = device.state();
    const { started, view } = await upgrade('smu-bundle', baseId);
    assert.deepEqual(started.addOns, [SMU]);
    assert.equal(view.execution, 'FAILED');
    assert.equal(view.status?.outcome, 'failed');
    assert.equal(view.status?.stage, 'failed');
    assert.match(
      view.error ?? '',
      new RegExp(`precheck failed: stopped before any change: golden-smus \\(golden SMU ${escape(SMU)} needs INSTALL mode; this device boots a bundle \\(flash:cat9k_iosxe\\.17\\.06\\.05\\.SPA\\.bin\\)`),
    );
    const check = view.status?.checks.find((c) => c.name === 'golden-smus');
    assert.equal(check?.status, 'fail');
    const now = device.state();
    assert.equal(now.reloadCount, before.reloadCount);
    assert.equal(now.runningImage, before.runningImage);
    assert.deepEqual(now.savedBootVariables, before.savedBootVariables);
    assert.deepEqual(now.flash.map((f) => f.name), before.flash.map((f) => f.name), 'nothing was copied');
  });

  it('with golden-smus turned off, a BUNDLE-mode device takes the image without its SMU, and says so', async () => {
    const device = lab.device('smu-bundle');
    const { view } = await upgrade('smu-bundle', baseId, { disabledChecks: ['golden-smus'] });
    assert.equal(view.execution, 'COMPLETED', view.error);
    assert.equal(view.result?.outcome, 'upgraded');
    assert.deepEqual(view.result?.addOnsActivated, []);
    assert.equal(view.status?.checks.find((c) => c.name === 'golden-smus')?.status, 'skipped');
    assert.ok(view.status?.events.some((e) => e.message.includes(`golden add-ons ${SMU} not activated: golden-smus is turned off`)));
    assert.equal(device.state().version, '17.09.04a');
    assert.equal(device.state().reloadCount, 1);
    assert.equal(device.state().flash.some((f) => f.name === SMU), false, 'the SMU was not copied');
  });

  it('an image that is not golden for the device carries no add-ons', async () => {
    const device = lab.device('smu-elsewhere');
    const { started, view } = await upgrade('smu-elsewhere', baseId);
    assert.deepEqual(started.addOns, []);
    assert.equal(view.execution, 'COMPLETED', view.error);
    assert.equal(view.result?.outcome, 'upgraded');
    assert.deepEqual(view.result?.addOnsActivated, []);
    assert.equal(view.status?.addOns, undefined);
    assert.match(view.status?.checks.find((c) => c.name === 'golden-smus')?.reason ?? '', /^not applicable/);
    const state = device.state();
    assert.equal(state.version, '17.09.04a');
    assert.deepEqual(state.activeSmus, []);
    assert.equal(state.reloadCount, 1);
    assert.equal(state.flash.some((f) => f.name === SMU), false);
  });

  it('a golden SMU missing on a device that runs the image: only that SMU is installed, not the image again', async () => {
    const device = lab.device('smu-install');
    await tag(smu2Id, 'Global/Lab');
    const { started, view } = await upgrade('smu-install', baseId);
    assert.deepEqual(started.addOns, [SMU, SMU_2]);
    assert.equal(view.execution, 'COMPLETED', view.error);
    assert.equal(view.result?.outcome, 'upgraded');
    assert.deepEqual(view.result?.addOnsActivated, [SMU_2]);
    assert.deepEqual(view.result?.addOnsAlreadyActive, [SMU]);
    const activations = (view.status?.events ?? []).filter((e) => e.stage === 'activate').map((e) => e.message);
    assert.equal(activations.length, 1, 'the image is not installed again');
    assert.match(activations[0] ?? '', new RegExp(`golden add-on flash:${escape(SMU_2)}`));
    assert.equal((view.status?.events ?? []).some((e) => e.stage === 'distribute' && e.message.includes(BASE)), false, 'the image is not copied again');
    const state = device.state();
    assert.equal(state.version, '17.09.04a');
    assert.deepEqual(state.activeSmus, [SMU, SMU_2]);
    assert.equal(state.reloadCount, 3, 'one more reload: the second SMU');
    const summary = await installSummary('smu-install');
    assert.match(summary, new RegExp(`^SMU {3}C {4}flash:${escape(SMU)}\\nSMU {3}C {4}flash:${escape(SMU_2)}$`, 'm'));
  });
});
