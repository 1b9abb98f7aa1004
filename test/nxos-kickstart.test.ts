// NX-OS with a kickstart and a system image (a lab Nexus 5548 on 7.1(4)N1(1)), end to end through
// the real Temporal workflow, the real API and CLI, and SSH to the lab: the repository pairs a
// kickstart with the system image of its release; the upgrade copies and MD5-verifies both, runs
// `install all kickstart bootflash:<k> system bootflash:<s>`, and after the one reload the switch
// runs the new kickstart and system; a pair that does not match, a single image for a kickstart
// switch and a pair for a single-image switch are refused with the reason, the device untouched.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { UpgradeView } from '../api/upgrade-status.ts';
import type { ImageRecord } from '../store/images.ts';
import { runCli } from './support/cli.ts';
import { startUpgradeHarness, type UpgradeHarness } from './support/upgrade-harness.ts';
import { postJson, runUpgrade } from './support/upgrades.ts';
import { Shell } from './support/lab-shell.ts';
import { nxosDriver } from '../drivers/nxos.ts';
import type { CampaignView } from '../api/campaign-routes.ts';

const KICKSTART = 'n5000-uk9-kickstart.7.3.8.N1.1.bin';
const SYSTEM = 'n5000-uk9.7.3.8.N1.1.bin';
/** A kickstart of another release: it boots no 7.3(8)N1(1) system image. */
const OTHER_KICKSTART = 'n5000-uk9-kickstart.7.3.5.N1.1.bin';
/** A system image whose kickstart was never imported. */
const LONE_SYSTEM = 'n5000-uk9.7.3.7.N1.1.bin';
const NEXUS9K_IMAGE = 'nxos64-cs.10.3.6.M.bin';

let harness: UpgradeHarness;

before(async () => {
  harness = await startUpgradeHarness({
    name: 'nxos-kickstart',
    devices: [
      { hostname: 'ks-n5k', platform: 'n5548' },
      { hostname: 'ks-n5k-refuse', platform: 'n5548' },
      { hostname: 'ks-n9k', platform: 'n9k' },
      { hostname: 'ks-n5k-back', platform: 'n5548' },
      { hostname: 'ks-n5k-camp', platform: 'n5548' },
    ],
    images: { [KICKSTART]: 300_001, [SYSTEM]: 1024 * 1024 + 7, [OTHER_KICKSTART]: 300_002, [LONE_SYSTEM]: 1024 * 1024 + 8, [NEXUS9K_IMAGE]: 1024 * 1024 + 9 },
  });
});

after(() => harness?.stop());

async function startRequest(body: Record<string, unknown>): Promise<{ status: number; json: { error?: string; workflowId?: string } }> {
  const response = await harness.netswim.api('/upgrades', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as { error?: string; workflowId?: string } };
}

async function finished(workflowId: string): Promise<UpgradeView> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const view = (await (await harness.netswim.api(`/upgrades/${workflowId}`)).json()) as UpgradeView;
    if (view.execution !== 'RUNNING') return view;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${workflowId} did not finish in time`);
}

describe('NX-OS kickstart + system', () => {
  it('the repository knows the kickstart belongs with the system image of its release', async () => {
    const images = (await (await harness.netswim.api('/images')).json()) as ImageRecord[];
    const byName = new Map(images.map((i) => [i.fileName, i]));
    assert.equal(byName.get(KICKSTART)?.imageType, 'kickstart');
    assert.equal(byName.get(KICKSTART)?.version, '7.3(8)N1(1)');
    assert.equal(byName.get(KICKSTART)?.baseImageId, harness.images[SYSTEM], 'linked to n5000-uk9.7.3.8.N1.1.bin');
    assert.equal(byName.get(SYSTEM)?.imageType, 'base');
    // No system image of 7.3(5)N1(1) in the repository: nothing to link it to.
    assert.equal(byName.get(OTHER_KICKSTART)?.baseImageId, null);
    // Nor may an operator link it to a system image of another release.
    const link = await harness.netswim.api(`/images/${harness.images[OTHER_KICKSTART]}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ baseImageId: harness.images[SYSTEM] }),
    });
    assert.equal(link.status, 422);
    assert.match(((await link.json()) as { error: string }).error, /^baseImageId: kickstart n5000-uk9-kickstart\.7\.3\.5\.N1\.1\.bin is release 7\.3\(5\)N1\(1\)/);
  });

  it('upgrades a Nexus 5548: both images copied and verified, install all kickstart … system …, one reload, both new images boot', async () => {
    const device = harness.lab.device('ks-n5k');
    const from = device.state();
    assert.equal(from.version, '7.1(4)N1(1)');
    assert.equal(from.runningKickstart, 'n5000-uk9-kickstart.7.1.4.N1.1.bin');
    const { view } = await runUpgrade(harness.netswim, 'ks-n5k', harness.images[SYSTEM]!);
    assert.equal(view.execution, 'COMPLETED', view.error);
    assert.equal(view.result?.outcome, 'upgraded');
    // The record says what runs now: the kickstart and the system image of the new release.
    assert.equal(view.result?.toVersion, '7.3(8)N1(1)');
    assert.equal(view.result?.runningImage, SYSTEM);
    assert.equal(view.result?.kickstartImage, KICKSTART);
    const state = device.state();
    assert.equal(state.version, '7.3(8)N1(1)');
    assert.equal(state.runningImage, SYSTEM);
    assert.equal(state.runningKickstart, KICKSTART);
    assert.deepEqual(state.savedKickstartBootVariables, [`bootflash:${KICKSTART}`]);
    assert.deepEqual(state.savedBootVariables, [`bootflash:${SYSTEM}`]);
    assert.equal(state.reloadCount, 1, 'one reload');
    const messages = (view.status?.events ?? []).map((e) => e.message);
    assert.ok(messages.some((m) => m.includes(`install all kickstart bootflash:${KICKSTART} system bootflash:${SYSTEM}`)), messages.join('\n'));
    // Both files were copied and MD5-verified, the kickstart first.
    const copies = messages.filter((m) => /^copying /.test(m));
    assert.deepEqual(copies.map((m) => /^copying (?:kickstart )?(\S+) /.exec(m)?.[1]), [KICKSTART, SYSTEM]);
    assert.equal(messages.filter((m) => /copied and verified MD5/.test(m)).length, 2);
    const space = view.status?.checks.find((c) => c.name === 'flash-space');
    assert.equal(space?.status, 'pass');
    assert.ok(messages.some((m) => m.includes(`(kickstart ${KICKSTART}, system ${SYSTEM})`)), 'verify names both images');
    // Asked again, the switch runs the pair already: nothing copied, no reload.
    const again = await runUpgrade(harness.netswim, 'ks-n5k', harness.images[SYSTEM]!);
    assert.equal(again.view.result?.outcome, 'already-running', again.view.error);
    assert.equal(again.view.result?.kickstartImage, KICKSTART);
    assert.equal(device.state().reloadCount, 1);
  });

  it('a failed postcheck installs the previous kickstart and system again, together', async () => {
    const device = harness.lab.device('ks-n5k-back');
    const before = device.state();
    device.setFaults({ fewerRoutesAfterUpgrade: true });
    const { view } = await runUpgrade(harness.netswim, 'ks-n5k-back', harness.images[SYSTEM]!);
    assert.equal(view.execution, 'FAILED');
    assert.equal(view.status?.outcome, 'rolled-back', view.error);
    const messages = (view.status?.events ?? []).map((e) => e.message);
    assert.ok(messages.some((m) => m.includes(`install all kickstart bootflash:${before.runningKickstart} system bootflash:${before.runningImage} again`)), messages.join('\n'));
    const state = device.state();
    assert.equal(state.version, before.version);
    assert.equal(state.runningImage, before.runningImage);
    assert.equal(state.runningKickstart, before.runningKickstart);
    assert.equal(state.reloadCount, 2, 'the upgrade and the rollback: one reload each');
  });

  it('refuses a kickstart of another release: a 4xx naming kickstartImageId, no upgrade started', async () => {
    const before = harness.lab.device('ks-n5k-refuse').state();
    const mismatched = await startRequest({ device: 'ks-n5k-refuse', imageId: harness.images[SYSTEM], kickstartImageId: harness.images[OTHER_KICKSTART] });
    assert.equal(mismatched.status, 422);
    assert.match(mismatched.json.error ?? '', /^kickstartImageId: kickstart n5000-uk9-kickstart\.7\.3\.5\.N1\.1\.bin is release 7\.3\(5\)N1\(1\), system n5000-uk9\.7\.3\.8\.N1\.1\.bin is 7\.3\(8\)N1\(1\)/);
    // A system image offered as the kickstart.
    const notKickstart = await startRequest({ device: 'ks-n5k-refuse', imageId: harness.images[SYSTEM], kickstartImageId: harness.images[LONE_SYSTEM] });
    assert.equal(notKickstart.status, 422);
    assert.match(notKickstart.json.error ?? '', /^kickstartImageId: n5000-uk9\.7\.3\.7\.N1\.1\.bin is a base image, not a kickstart image/);
    const malformed = await startRequest({ device: 'ks-n5k-refuse', imageId: harness.images[SYSTEM], kickstartImageId: 'not-a-uuid' });
    assert.equal(malformed.status, 400);
    assert.match(malformed.json.error ?? '', /kickstartImageId/);
    assert.equal(harness.lab.device('ks-n5k-refuse').state().reloadCount, before.reloadCount);
  });

  it('a switch that boots a kickstart is never upgraded with a single image: refused after inventory, nothing copied', async () => {
    const device = harness.lab.device('ks-n5k-refuse');
    const flashBefore = device.state().flash.map((f) => f.name);
    const { view } = await runUpgrade(harness.netswim, 'ks-n5k-refuse', harness.images[LONE_SYSTEM]!);
    assert.equal(view.execution, 'FAILED');
    assert.match(view.error ?? '', /ks-n5k-refuse boots kickstart n5000-uk9-kickstart\.7\.1\.4\.N1\.1\.bin with its system image: it needs a kickstart \+ system pair, and n5000-uk9\.7\.3\.7\.N1\.1\.bin comes without a kickstart image/);
    const state = device.state();
    assert.equal(state.reloadCount, 0);
    assert.deepEqual(state.flash.map((f) => f.name), flashBefore, 'nothing copied');
  });

  it('a single-image switch never gets a pair: refused after inventory, nothing copied', async () => {
    const device = harness.lab.device('ks-n9k');
    const flashBefore = device.state().flash.map((f) => f.name);
    const { view } = await runUpgrade(harness.netswim, 'ks-n9k', harness.images[SYSTEM]!);
    assert.equal(view.execution, 'FAILED');
    assert.match(view.error ?? '', /ks-n9k boots a single image \(no kickstart image in show version\): it takes no kickstart image, and n5000-uk9-kickstart\.7\.3\.8\.N1\.1\.bin was offered/);
    assert.equal(device.state().reloadCount, 0);
    assert.deepEqual(device.state().flash.map((f) => f.name), flashBefore, 'nothing copied');
  });

  it('CLI: upgrades start --kickstart names the pair; a mismatched kickstart exits non-zero with the API\'s reason', async () => {
    const env = { NETSWIM_API_URL: harness.netswim.apiUrl, NETSWIM_API_TOKEN: harness.netswim.generatedAdminToken ?? '' };
    const bad = await runCli(['upgrades', 'start', 'ks-n5k-refuse', harness.images[SYSTEM]!, '--kickstart', OTHER_KICKSTART], env);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /kickstartImageId: kickstart n5000-uk9-kickstart\.7\.3\.5\.N1\.1\.bin is release 7\.3\(5\)N1\(1\)/);
    const unknown = await runCli(['upgrades', 'start', 'ks-n5k-refuse', harness.images[SYSTEM]!, '--kickstart', 'n5000-uk9-kickstart.9.9.9.N1.1.bin'], env);
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /no image n5000-uk9-kickstart\.9\.9\.9\.N1\.1\.bin/);
    // The matching pair, the kickstart named by file name, starts and upgrades the switch.
    const good = await runCli(['upgrades', 'start', 'ks-n5k-refuse', harness.images[SYSTEM]!, '--kickstart', KICKSTART, '--json'], env);
    assert.equal(good.code, 0, good.stderr);
    const started = JSON.parse(good.stdout) as { workflowId: string; kickstart?: string };
    assert.equal(started.kickstart, KICKSTART);
    const view = await finished(started.workflowId);
    assert.equal(view.execution, 'COMPLETED', view.error);
    assert.equal(harness.lab.device('ks-n5k-refuse').state().runningKickstart, KICKSTART);
  });

  it('a campaign upgrades a kickstart switch with the pair linked to the system image', async () => {
    const { campaignId } = await postJson<{ campaignId: string }>(harness.netswim, '/campaigns', {
      name: 'kickstart pair',
      imageId: harness.images[SYSTEM],
      selector: { devices: ['ks-n5k-camp'] },
      waves: { canary: 0, percents: [100] },
      reloadTimeoutSeconds: 60,
    });
    const deadline = Date.now() + 120_000;
    let view: CampaignView | undefined;
    while (Date.now() < deadline) {
      view = (await (await harness.netswim.api(`/campaigns/${campaignId}`)).json()) as CampaignView;
      if (view.execution !== 'RUNNING') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(view?.progress?.state, 'completed', JSON.stringify(view?.progress));
    const state = harness.lab.device('ks-n5k-camp').state();
    assert.equal(state.runningKickstart, KICKSTART);
    assert.equal(state.runningImage, SYSTEM);
    assert.equal(state.reloadCount, 1);
  });

  it('the lab switch refuses a kickstart of another release, and the driver reads its failure line; nothing changes', async () => {
    // ks-n5k holds both releases' pairs now: the 7.1(4)N1(1) kickstart with the 7.3(8)N1(1) system image.
    const device = harness.lab.device('ks-n5k');
    const before = device.state();
    const install = nxosDriver.installCommand('install-all', 'bootflash', SYSTEM, 'n5000-uk9-kickstart.7.1.4.N1.1.bin')!;
    assert.equal(install.command, `install all kickstart bootflash:n5000-uk9-kickstart.7.1.4.N1.1.bin system bootflash:${SYSTEM}`);
    const s = await Shell.open(device);
    try {
      s.send('enable\r');
      if (/Password: $/.test(await s.expect(/Password: $|#$/))) {
        s.send(`${harness.password}\r`);
        await s.expect(/#$/);
      }
      await s.run('terminal length 0');
      const output = await s.run(install.command);
      assert.match(output, /Verifying image bootflash:\/n5000-uk9-kickstart\.7\.1\.4\.N1\.1\.bin for boot variable "kickstart"\./);
      assert.doesNotMatch(output, /Do you want to continue/);
      const failed = install.failure.exec(output);
      assert.ok(failed, output);
      assert.match(output, /Install has failed\. Return code 0x[0-9A-F]+ \(kickstart 7\.1\(4\)N1\(1\) and system 7\.3\(8\)N1\(1\) images are not compatible\)/);
    } finally {
      s.close();
    }
    const after = device.state();
    assert.equal(after.reloadCount, before.reloadCount);
    assert.deepEqual(after.savedKickstartBootVariables, before.savedKickstartBootVariables);
    assert.deepEqual(after.savedBootVariables, before.savedBootVariables);
  });
});
