// One device upgraded end to end through the API and the workflow, against a real Temporal dev
// server, real lab devices over SSH, and real HTTP transfers from netswim's image service.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { UpgradeView } from '../api/upgrade-status.ts';
import { startLab } from '../lab/fleet.ts';
import type { Lab, LabDevice } from '../lab/types.ts';
import type { DevServer } from '../scripts/temporal-dev-server.ts';
import { startTestNetswim, type TestNetswim } from './support/netswim.ts';
import { startTestTemporal } from './support/temporal.ts';
import { postJson, runUpgrade, uploadImage } from './support/upgrades.ts';

const PASSWORD = `pw-${randomBytes(6).toString('hex')}`;
const ENABLE_SECRET = `en-${randomBytes(6).toString('hex')}`;
const HOSTNAMES = ['sw-ok', 'sw-corrupt', 'sw-small', 'sw-twice'];
const OLD_IMAGE = 'cat9k_iosxe.17.06.05.SPA.bin';
const NEW_IMAGE = 'cat9k_iosxe.17.09.04a.SPA.bin';

let temporal: DevServer;
let netswim: TestNetswim;
let lab: Lab;
let labDir: string;
let imageId: string;
const imageBytes = randomBytes(2 * 1024 * 1024 + 123);

const post = <T>(path: string, body: unknown) => postJson<T>(netswim, path, body);
const upgrade = (hostname: string) => runUpgrade(netswim, hostname, imageId);

function device(hostname: string): LabDevice {
  return lab.device(hostname);
}

before(async () => {
  temporal = await startTestTemporal();
  netswim = await startTestNetswim(temporal.address);
  labDir = await mkdtemp(join(tmpdir(), 'netswim-lab-'));
  lab = await startLab({
    stateDir: labDir,
    devices: HOSTNAMES.map((hostname) => ({
      hostname,
      address: '127.0.0.1',
      port: 0,
      platform: 'cat9300' as const,
      username: 'netswim',
      password: PASSWORD,
      enableSecret: ENABLE_SECRET,
      reloadDurationMs: 1500,
    })),
  });
  for (const d of lab.devices) {
    await post('/devices', { hostname: d.hostname, address: d.address, port: d.port, platform: 'cat9300', site: 'Global/Lab', username: 'netswim', password: PASSWORD, enableSecret: ENABLE_SECRET });
  }
  imageId = await uploadImage(netswim, NEW_IMAGE, imageBytes);
});

after(async () => {
  await lab?.stop();
  await netswim?.stopAll();
  await temporal?.stop();
  if (labDir) await rm(labDir, { recursive: true, force: true });
});

describe('device upgrade workflow', () => {
  it('upgrades a lab device: new version running, old image kept on flash and as fallback boot entry', async () => {
    const { view, stagesSeen } = await upgrade('sw-ok');
    assert.equal(view.execution, 'COMPLETED', view.error);
    assert.equal(view.result?.outcome, 'upgraded');
    assert.equal(view.result?.fromVersion, '17.06.05');
    assert.equal(view.stage, 'done');
    assert.equal(view.percent, 100);
    assert.ok(stagesSeen.size >= 2, `progress was observable while running: ${[...stagesSeen].join(', ')}`);

    const state = device('sw-ok').state();
    assert.equal(state.version, '17.09.04a');
    assert.equal(state.runningImage, NEW_IMAGE);
    assert.equal(state.reloadCount, 1);
    assert.deepEqual(state.savedBootVariables, [`flash:${NEW_IMAGE}`, `flash:${OLD_IMAGE}`]);
    assert.ok(state.flash.some((f) => f.name === OLD_IMAGE), 'the previous image stays on flash for rollback');
    assert.equal(state.flash.find((f) => f.name === NEW_IMAGE)?.size, imageBytes.length);
  });

  it('a second upgrade to the same image reports already-running and does not reload', async () => {
    const { view } = await upgrade('sw-ok');
    assert.equal(view.execution, 'COMPLETED', view.error);
    assert.equal(view.result?.outcome, 'already-running');
    assert.equal(device('sw-ok').state().reloadCount, 1);
  });

  it('a corrupted transfer is reported as an MD5 mismatch; no reload, boot variables unchanged', async () => {
    const lab = device('sw-corrupt');
    lab.setFaults({ corruptTransfer: true });
    const bootBefore = lab.state().savedBootVariables;
    const { view } = await upgrade('sw-corrupt');
    assert.equal(view.execution, 'FAILED');
    assert.equal(view.stage, 'failed');
    assert.match(view.error ?? '', /MD5 mismatch/);
    const state = lab.state();
    assert.equal(state.reloadCount, 0);
    assert.equal(state.version, '17.06.05');
    assert.deepEqual(state.savedBootVariables, bootBefore);
    assert.deepEqual(state.bootVariables, bootBefore);
    assert.ok(!state.flash.some((f) => f.name === NEW_IMAGE), 'the corrupt copy was removed from flash');
  });

  it('flash too small stops the upgrade at precheck, naming free and needed bytes', async () => {
    const lab = device('sw-small');
    const used = lab.state().flash.reduce((sum, f) => sum + f.size, 0);
    lab.setFlashSize(used + 1000);
    const { view } = await upgrade('sw-small');
    assert.equal(view.execution, 'FAILED');
    assert.match(view.error ?? '', /precheck failed: stopped before any change: flash-space \(not enough space on flash: — 2\.0 MiB needed, 1000 bytes free/);
    const flashCheck = view.status?.checks.find((c) => c.name === 'flash-space');
    assert.equal(flashCheck?.status, 'fail');
    assert.match(flashCheck?.reason ?? '', /auto cleanup could free only 0 bytes/);
    assert.deepEqual(flashCheck?.commands, ['dir flash:']);
    const state = lab.state();
    assert.equal(state.reloadCount, 0);
    assert.ok(!state.flash.some((f) => f.name === NEW_IMAGE), 'nothing was copied');
  });

  it('an image already on flash with the right MD5 is not copied again', async () => {
    const { view } = await upgrade('sw-twice');
    assert.equal(view.execution, 'COMPLETED', view.error);
    const copyEvent = view.status?.events.find((e) => e.stage === 'distribute' && /MD5/.test(e.message));
    assert.match(copyEvent?.message ?? '', /copied and verified/);
    // Put the device back on the old image, keeping the new file on flash, and upgrade again.
    const again = await upgradeAfterBootingBack('sw-twice');
    assert.equal(again.execution, 'COMPLETED', again.error);
    const second = again.status?.events.find((e) => e.stage === 'distribute' && /MD5/.test(e.message));
    assert.match(second?.message ?? '', /already on flash/);
  });

  it('a device that refuses the credentials fails at inventory at once, without retries', async () => {
    const d = device('sw-small');
    await post('/devices', { hostname: 'sw-wrong-password', address: d.address, port: d.port, platform: 'cat9300', username: 'netswim', password: 'not-the-password' });
    const { view } = await upgrade('sw-wrong-password');
    assert.equal(view.execution, 'FAILED');
    assert.match(view.error ?? '', /inventory failed: .*refused the SSH credentials of user netswim/);
    const closed = Date.parse(view.closedAt ?? '') - Date.parse(view.startedAt ?? '');
    assert.ok(closed < 5_000, `failed after ${closed} ms; an authentication failure is not retried`);
  });

  it('no device password or enable secret appears anywhere in workflow histories', async () => {
    let histories = 0;
    for await (const execution of netswim.temporal.workflow.list({ query: `WorkflowType = 'deviceUpgrade'` })) {
      const history = await netswim.temporal.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
      const text = JSON.stringify(history, decodeBytes);
      assert.ok(!text.includes(PASSWORD), `${execution.workflowId} history contains the device password`);
      assert.ok(!text.includes(ENABLE_SECRET), `${execution.workflowId} history contains the enable secret`);
      assert.ok(text.includes('deviceId'), 'the history was decoded (it carries the device reference)');
      histories += 1;
    }
    assert.ok(histories >= 5, `checked ${histories} histories`);
  });

  it('upgrades are findable by device and stage through the search attributes', async () => {
    const ids: string[] = [];
    for await (const execution of netswim.temporal.workflow.list({ query: `NetswimDevice = 'sw-small' AND NetswimStage = 'failed'` })) ids.push(execution.workflowId);
    assert.equal(ids.length, 1);
    assert.match(ids[0]!, /^upgrade\/sw-small\//);
  });
});

/** Payload bytes as text: fetched histories carry them base64-encoded in `data` fields. */
function decodeBytes(key: string, value: unknown): unknown {
  if (key === 'data' && typeof value === 'string') return Buffer.from(value, 'base64').toString('utf8');
  return value;
}

/** Boots sw-twice back to the old image (through its CLI, as an engineer would) and upgrades again. */
async function upgradeAfterBootingBack(hostname: string): Promise<UpgradeView> {
  const { CliSession } = await import('../activities/cli-session.ts');
  const d = device(hostname);
  const session = await CliSession.open({ host: d.address, port: d.port, username: 'netswim', password: PASSWORD, enableSecret: ENABLE_SECRET });
  for (const command of ['configure terminal', 'no boot system', `boot system flash:${OLD_IMAGE}`, 'end', 'write memory']) await session.run(command);
  await session.run('reload', { expectClose: true, answers: [{ prompt: /\[confirm\]\s*$/, reply: '' }] });
  session.close();
  const deadline = Date.now() + 30_000;
  while (d.state().version !== '17.06.05' || !d.state().reachable) {
    if (Date.now() > deadline) throw new Error(`${hostname} did not come back on the old image`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return (await upgrade(hostname)).view;
}
