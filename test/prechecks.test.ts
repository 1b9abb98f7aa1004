// Readiness prechecks and auto flash cleanup in the upgrade workflow, against lab devices with the
// matching faults: each failing check stops its device before anything on it changes.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CleanupAuditEntry } from '../store/flash-cleanup-audit.ts';
import { startLab } from '../lab/fleet.ts';
import type { Lab, LabFaults, LabPlatform } from '../lab/types.ts';
import type { DevServer } from '../scripts/temporal-dev-server.ts';
import { Shell } from './support/lab-shell.ts';
import { startTestNetswim, type TestNetswim } from './support/netswim.ts';
import { startTestTemporal } from './support/temporal.ts';
import { postJson, runUpgrade, uploadImage } from './support/upgrades.ts';

const PASSWORD = `pw-${randomBytes(6).toString('hex')}`;
const NEW_IMAGE = 'cat9k_iosxe.17.09.04a.SPA.bin';
const OLD_UNUSED = 'cat9k_iosxe.17.03.05.SPA.bin';
// Each device gets an image of its own OS: netswim refuses the others before any precheck.
const ISR_IMAGE = 'c2900-universalk9-mz.SPA.157-3.M5.bin';
const NXOS_IMAGE = 'nxos64-cs.10.3.6.M.bin';

/** One device per fault, and the check that must fail because of it. */
const FAULTED: { hostname: string; faults: Partial<LabFaults>; check: string; reason: RegExp; platform?: LabPlatform }[] = [
  { hostname: 'pc-clock', faults: { clockSkewSeconds: 900 }, check: 'ntp-clock', reason: /15 min|900|skew|off by/i },
  { hostname: 'pc-rsa', faults: { noRsaKey: true }, check: 'crypto-rsa-key', reason: /RSA/ },
  { hostname: 'pc-domain', faults: { noDomainName: true }, check: 'ip-domain-name', reason: /domain/ },
  { hostname: 'pc-confreg', faults: { configRegister: '0x2142' }, check: 'config-register', reason: /0x2142/ },
  { hostname: 'pc-startup', faults: { noStartupConfig: true }, check: 'startup-config', reason: /startup/i },
  { hostname: 'pc-tls', faults: { tlsBelow12: true }, check: 'tls-1.2', reason: /TLS/ },
  { hostname: 'pc-license', faults: { licenseInvalid: true }, check: 'license', reason: /NOT AUTHORIZED|not authorized/i },
  { hostname: 'pc-transfer', faults: { transferDropAt: 0.0001 }, check: 'file-transfer', reason: /cannot reach|Error/i },
  { hostname: 'pc-isr-license', faults: { licenseInvalid: true }, check: 'license', reason: /expired|eval|not/i, platform: 'isr2900' },
];
const OTHERS = ['pc-skip', 'pc-cleanup', 'pc-nxos-full'];

let temporal: DevServer;
let netswim: TestNetswim;
let lab: Lab;
let labDir: string;
let imageId: string;
let isrImageId: string;
let nxosImageId: string;
let oldImage: { id: string; sha256: string };
const imageBytes = randomBytes(2 * 1024 * 1024 + 11);
const oldBytes = randomBytes(3 * 1024 * 1024 + 5);

before(async () => {
  temporal = await startTestTemporal();
  netswim = await startTestNetswim(temporal.address);
  labDir = await mkdtemp(join(tmpdir(), 'netswim-prechecks-'));
  const platformOf = (h: string): LabPlatform => FAULTED.find((f) => f.hostname === h)?.platform ?? (h === 'pc-nxos-full' ? 'n9k' : 'cat9300');
  const hostnames = [...FAULTED.map((f) => f.hostname), ...OTHERS];
  lab = await startLab({
    stateDir: labDir,
    devices: hostnames.map((hostname) => ({ hostname, address: '127.0.0.1', port: 0, platform: platformOf(hostname), username: 'netswim', password: PASSWORD, enableSecret: PASSWORD, reloadDurationMs: 1000 })),
  });
  for (const d of lab.devices) {
    await postJson(netswim, '/devices', { hostname: d.hostname, address: d.address, port: d.port, platform: d.spec.platform, site: 'Global/Lab', username: 'netswim', password: PASSWORD, enableSecret: PASSWORD });
  }
  imageId = await uploadImage(netswim, NEW_IMAGE, imageBytes);
  isrImageId = await uploadImage(netswim, ISR_IMAGE, randomBytes(1024 * 1024 + 3));
  nxosImageId = await uploadImage(netswim, NXOS_IMAGE, randomBytes(1024 * 1024 + 7));
  const res = await netswim.api(`/images?fileName=${OLD_UNUSED}`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: oldBytes });
  oldImage = (await res.json()) as { id: string; sha256: string };
});

after(async () => {
  await lab?.stop();
  await netswim?.stopAll();
  await temporal?.stop();
  if (labDir) await rm(labDir, { recursive: true, force: true });
});

describe('readiness prechecks', () => {
  for (const { hostname, faults, check, reason, platform } of FAULTED) {
    it(`${check} fails on a device with ${Object.keys(faults).join(', ')}, before anything changes`, async () => {
      const device = lab.device(hostname);
      device.setFaults(faults);
      const before = device.state();
      const { view } = await runUpgrade(netswim, hostname, platform === 'isr2900' ? isrImageId : imageId);
      assert.equal(view.execution, 'FAILED');
      assert.match(view.error ?? '', new RegExp(`precheck failed: stopped before any change: .*${check}`));
      const result = view.status?.checks.find((c) => c.name === check);
      assert.equal(result?.status, 'fail', JSON.stringify(result));
      assert.match(result?.reason ?? '', reason);
      assert.ok((result?.commands.length ?? 0) > 0, 'the check names the CLI it ran');
      assert.equal(typeof result?.output, 'string', 'the check keeps the output (empty when the device printed nothing)');
      const after = device.state();
      assert.equal(after.reloadCount, 0);
      assert.deepEqual(after.savedBootVariables, before.savedBootVariables);
      assert.ok(!after.flash.some((f) => f.name === NEW_IMAGE), 'nothing was copied');
      assert.ok(!after.flash.some((f) => f.name === 'netswim-probe.txt'), 'no probe file left behind');
    });
  }

  it('a check turned off for the run is reported as skipped and the upgrade goes on', async () => {
    lab.device('pc-skip').setFaults({ noDomainName: true });
    const res = await netswim.api('/upgrades', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ device: 'pc-skip', imageId, disabledChecks: ['no-such-check'] }) });
    assert.equal(res.status, 400, 'unknown check names are refused');
    const { workflowId } = await postJson<{ workflowId: string }>(netswim, '/upgrades', { device: 'pc-skip', imageId, disabledChecks: ['ip-domain-name'], reloadTimeoutSeconds: 60 });
    let view: { execution: string; error?: string; status?: { checks: { name: string; status: string }[] } } = { execution: 'RUNNING' };
    while (view.execution === 'RUNNING') {
      await new Promise((r) => setTimeout(r, 250));
      view = (await (await netswim.api(`/upgrades/${workflowId}`)).json()) as typeof view;
    }
    assert.equal(view.execution, 'COMPLETED', view.error);
    assert.equal(view.status?.checks.find((c) => c.name === 'ip-domain-name')?.status, 'skipped');
    assert.ok(view.status?.checks.filter((c) => c.name !== 'ip-domain-name').every((c) => c.status === 'pass'), JSON.stringify(view.status?.checks));
    assert.equal(lab.device('pc-skip').state().version, '17.09.04a');
  });
});

describe('auto flash cleanup', () => {
  it('deletes an unused image to make room, never the running one, and audits each deletion', async () => {
    const device = lab.device('pc-cleanup');
    // Put an old, unused image on flash the way an operator once did.
    const shell = await Shell.open(device);
    shell.send('enable\r');
    await shell.expect(/Password:\s*$/);
    await shell.run(PASSWORD);
    shell.send(`copy ${netswim.imageServiceUrl}/images/${oldImage.sha256}/${OLD_UNUSED} flash:\r`);
    await shell.expect(/Destination filename \[[^\]]*\]\?\s*$/);
    await shell.run('', 30_000);
    shell.close();
    const state = device.state();
    assert.ok(state.flash.some((f) => f.name === OLD_UNUSED));
    // Flash so small that the new image fits only once the old one is gone.
    const used = state.flash.reduce((sum, f) => sum + f.size, 0);
    device.setFlashSize(used + 4096);

    const { view } = await runUpgrade(netswim, 'pc-cleanup', imageId);
    assert.equal(view.execution, 'COMPLETED', `${view.error} ${JSON.stringify(view.status?.checks.find((c) => c.name === 'flash-space'))}`);
    assert.equal(view.status?.checks.find((c) => c.name === 'flash-space')?.status, 'warn');
    const after = device.state();
    assert.equal(after.version, '17.09.04a');
    assert.ok(!after.flash.some((f) => f.name === OLD_UNUSED), 'the unused image was deleted');
    assert.ok(after.flash.some((f) => f.name === state.runningImage), 'the previous running image (the fallback) stays');

    const audit = (await (await netswim.api('/flash-cleanup?device=pc-cleanup')).json()) as CleanupAuditEntry[];
    assert.deepEqual(audit.map((a) => [a.fileName, a.sizeBytes]), [[OLD_UNUSED, oldBytes.length]]);
    assert.match(audit[0]!.workflowId, /^upgrade\/pc-cleanup\//);
  });

  it('NX-OS has no auto cleanup: a full bootflash fails the check with a clear error', async () => {
    const device = lab.device('pc-nxos-full');
    const used = device.state().flash.reduce((sum, f) => sum + f.size, 0);
    device.setFlashSize(used + 1000);
    const { view } = await runUpgrade(netswim, 'pc-nxos-full', nxosImageId);
    assert.equal(view.execution, 'FAILED');
    const flash = view.status?.checks.find((c) => c.name === 'flash-space');
    assert.equal(flash?.status, 'fail', `${view.error} ${JSON.stringify(view.status?.checks)}`);
    assert.match(flash?.reason ?? '', /NX-OS has no auto cleanup/);
    assert.equal(device.state().reloadCount, 0);
  });
});
