// What an operator's request or a device's state must never make netswim do, on lab devices with
// the device checked afterwards (boot variables, reloads, files on flash), not only the answers:
// an image that does not fit the device, a downgrade nobody asked for, an image damaged on flash
// after its verification, a probe file a crashed run left behind, a reload marker saved.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PROBE_PATH } from '../distribution/image-service.ts';
import type { UpgradeView } from '../api/upgrade-status.ts';
import { Shell } from './support/lab-shell.ts';
import { startUpgradeHarness, type UpgradeHarness } from './support/upgrade-harness.ts';
import { postJson } from './support/upgrades.ts';

const TARGET = 'cat9k_iosxe.17.09.04a.SPA.bin';
const OLDER = 'cat9k_iosxe.16.12.05.SPA.bin';
const ISR_IMAGE = 'c2900-universalk9-mz.SPA.152-4.M7.bin';
const PROBE_FILE = 'netswim-probe.txt';

let h: UpgradeHarness;

before(async () => {
  h = await startUpgradeHarness({
    name: 'safety',
    devices: ['sf-probe', 'sf-damaged', 'sf-known', 'sf-fresh', 'sf-down', 'sf-down-ok', 'sf-down-fresh'].map((hostname) => ({ hostname })),
    images: { [TARGET]: 400_000, [OLDER]: 300_000, [ISR_IMAGE]: 200_000 },
  });
});

after(async () => {
  await h?.stop();
});

async function api(path: string, init: RequestInit = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await h.netswim.api(path, { ...init, headers: { 'content-type': 'application/json', ...(init.headers as Record<string, string> | undefined) } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function finished(workflowId: string, timeoutMs = 120_000): Promise<UpgradeView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const view = (await api(`/upgrades/${workflowId}`)).body as unknown as UpgradeView;
    if (view.execution !== 'RUNNING') return view;
    if (Date.now() > deadline) throw new Error(`${workflowId} still ${view.stage} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function inventory(hostname: string): Promise<void> {
  await postJson(h.netswim, '/inventory', { devices: [hostname] });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const devices = (await (await h.netswim.api('/devices')).json()) as { hostname: string; inventoriedAt: string | null; family: string | null }[];
    const device = devices.find((d) => d.hostname === hostname);
    if (device?.inventoriedAt && device.family) return;
    if (Date.now() > deadline) throw new Error(`no inventory of ${hostname}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** What an upgrade must not have changed on the device. */
function untouched(hostname: string, before: ReturnType<UpgradeHarness['lab']['devices'][number]['state']>): void {
  const now = h.lab.device(hostname).state();
  assert.equal(now.reloadCount, before.reloadCount, `${hostname} did not reload`);
  assert.deepEqual(now.bootVariables, before.bootVariables, `${hostname}: boot variables unchanged`);
  assert.deepEqual(now.savedBootVariables, before.savedBootVariables, `${hostname}: saved boot variables unchanged`);
  assert.equal(now.runningImage, before.runningImage);
}

async function upgradesOf(hostname: string): Promise<number> {
  return ((await api(`/upgrades?device=${hostname}`)).body as unknown as { upgrades: unknown[] }).upgrades.length;
}

describe('an image that does not fit the device', () => {
  it('is refused with both named when the records know the family (409, nothing started)', async () => {
    await inventory('sf-known');
    const before = h.lab.device('sf-known').state();
    const answer = await api('/upgrades', { method: 'POST', body: JSON.stringify({ device: 'sf-known', imageId: h.images[ISR_IMAGE] }) });
    assert.equal(answer.status, 409);
    assert.match(String(answer.body.error), new RegExp(`${ISR_IMAGE.replace(/[.()]/g, '\\$&')} is an image for isr2900; sf-known is a cat9300`));
    assert.equal(await upgradesOf('sf-known'), 0, 'no upgrade recorded');
    untouched('sf-known', before);
  });

  it('stops the workflow at inventory when only the device can tell (never inventoried): nothing copied, nothing reloaded', async () => {
    const before = h.lab.device('sf-fresh').state();
    const { workflowId } = await postJson<{ workflowId: string }>(h.netswim, '/upgrades', { device: 'sf-fresh', imageId: h.images[ISR_IMAGE] });
    const view = await finished(workflowId);
    assert.equal(view.execution, 'FAILED');
    assert.match(String(view.status?.error), /does not fit the device: c2900-universalk9-mz\.SPA\.152-4\.M7\.bin is an IOS image; sf-fresh runs IOS-XE/);
    untouched('sf-fresh', before);
    assert.deepEqual(h.lab.device('sf-fresh').state().flash.map((f) => f.name), before.flash.map((f) => f.name), 'nothing copied to flash');
  });
});

describe('a downgrade', () => {
  it('is refused unless asked for (409 naming both versions); a campaign skips the device with the same reason', async () => {
    await inventory('sf-down');
    const before = h.lab.device('sf-down').state();
    const answer = await api('/upgrades', { method: 'POST', body: JSON.stringify({ device: 'sf-down', imageId: h.images[OLDER] }) });
    assert.equal(answer.status, 409);
    assert.match(String(answer.body.error), /16\.12\.05 is a downgrade from 17\.06\.05, which sf-down runs: refused unless the request says allowDowngrade: true/);
    const campaign = await api('/campaigns', { method: 'POST', body: JSON.stringify({ name: 'down', selector: { devices: ['sf-down'] }, imageId: h.images[OLDER] }) });
    assert.equal(campaign.status, 422, 'no device left to upgrade');
    assert.match(JSON.stringify(campaign.body.skipped), /sf-down.*downgrade from 17\.06\.05/);
    assert.equal(await upgradesOf('sf-down'), 0);
    untouched('sf-down', before);
  });

  it('runs with allowDowngrade and says "downgrade" in the answer, the events and the result', async () => {
    await inventory('sf-down-ok');
    const answer = await api('/upgrades', { method: 'POST', body: JSON.stringify({ device: 'sf-down-ok', imageId: h.images[OLDER], allowDowngrade: true, reloadTimeoutSeconds: 60 }) });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    assert.equal(answer.body.direction, 'downgrade');
    const view = await finished(String(answer.body.workflowId));
    assert.equal(view.execution, 'COMPLETED', view.error);
    assert.equal(view.result?.downgrade, true);
    assert.ok(view.status?.events.some((e) => /downgraded from 17\.06\.05 to 16\.12\.05/.test(e.message)));
    assert.equal(h.lab.device('sf-down-ok').state().runningImage, OLDER);
  });

  it('is refused by the workflow when the records did not know the running version', async () => {
    const before = h.lab.device('sf-down-fresh').state();
    const { workflowId } = await postJson<{ workflowId: string }>(h.netswim, '/upgrades', { device: 'sf-down-fresh', imageId: h.images[OLDER] });
    const view = await finished(workflowId);
    assert.equal(view.execution, 'FAILED');
    assert.match(String(view.status?.error), /16\.12\.05 is a downgrade from 17\.06\.05/);
    untouched('sf-down-fresh', before);
  });
});

describe('an image damaged on flash between its verification and a planned activation', () => {
  it('is hashed again before it becomes the boot image: nothing activated, boot variables as they were, the damaged file deleted', async () => {
    const hostname = 'sf-damaged';
    const before = h.lab.device(hostname).state();
    const at = new Date(Date.now() + 25_000).toISOString();
    const { workflowId } = await postJson<{ workflowId: string }>(h.netswim, '/upgrades', { device: hostname, imageId: h.images[TARGET], plan: { activate: { kind: 'at', at } } });
    const deadline = Date.now() + 25_000;
    for (;;) {
      const view = (await api(`/upgrades/${workflowId}`)).body as unknown as UpgradeView;
      if (view.stage === 'waiting') break;
      assert.equal(view.execution, 'RUNNING', `the upgrade ended before its activation: ${view.error}`);
      assert.ok(Date.now() < deadline, `still ${view.stage}: the copy did not finish before the planned activation`);
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(h.lab.device(hostname).damageFile(TARGET), 'the copied image is on flash');
    const view = await finished(workflowId);
    assert.equal(view.execution, 'FAILED');
    assert.match(String(view.status?.error), new RegExp(`flash:${TARGET.replace(/\./g, '\\.')} changed on flash since it was verified.*nothing was activated and the corrupt file was deleted`));
    untouched(hostname, before);
    assert.ok(!h.lab.device(hostname).state().flash.some((f) => f.name === TARGET), 'the damaged file is gone');
  });
});

describe('a probe file left on flash by a crashed precheck', () => {
  it('is removed by the next transfer check, which passes, and no probe file stays behind', async () => {
    const device = h.lab.device('sf-probe');
    const shell = await Shell.open(device);
    try {
      shell.send('enable\r');
      await shell.expect(/Password:/);
      shell.send(`${h.password}\r`);
      await shell.expect(/#$/);
      shell.send(`copy ${h.netswim.imageServiceUrl}${PROBE_PATH} flash:${PROBE_FILE}\r`);
      await shell.expect(/Destination filename/);
      shell.send('\r');
      await shell.expect(/#$/, 20_000);
    } finally {
      shell.close();
    }
    assert.ok(device.state().flash.some((f) => f.name === PROBE_FILE), 'the leftover probe is on flash');
    const { workflowId } = await postJson<{ workflowId: string }>(h.netswim, '/upgrades', { device: 'sf-probe', imageId: h.images[TARGET], reloadTimeoutSeconds: 60 });
    const view = await finished(workflowId);
    assert.equal(view.execution, 'COMPLETED', view.error);
    const transfer = view.status?.checks.find((c) => c.name === 'file-transfer');
    assert.equal(transfer?.status, 'pass', transfer?.reason);
    assert.ok(!device.state().flash.some((f) => f.name === PROBE_FILE), 'no probe file on flash');
  });

  it('leaves no reload marker behind: the reload dropped it, and it was never saved', () => {
    const state = h.lab.device('sf-probe').state();
    assert.equal(state.reloadCount, 1);
    assert.deepEqual(state.aliases, []);
    assert.deepEqual(state.savedAliases, []);
  });
});
