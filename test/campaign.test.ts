// Campaigns end to end: real Temporal dev server, netswim (API + worker) and lab devices over
// SSH. Waves with a canary, at most N devices in flight, the failure budget, pause and resume,
// cancel during distribution (never during a reload), skips, and the outdated selector.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { CampaignView } from '../api/campaign-routes.ts';
import { startLab } from '../lab/fleet.ts';
import type { Lab, LabEvent } from '../lab/types.ts';
import type { DevServer } from '../scripts/temporal-dev-server.ts';
import { startTestNetswim, type TestNetswim } from './support/netswim.ts';
import { startTestTemporal } from './support/temporal.ts';
import { startHttpUploadServer } from './support/transfer-servers.ts';
import { postJson, runUpgrade, uploadImage } from './support/upgrades.ts';

const PASSWORD = `pw-${randomBytes(6).toString('hex')}`;
const NEW_IMAGE = 'cat9k_iosxe.17.09.04a.SPA.bin';
const GROUPS = {
  'Global/Canary': ['ca-1', 'ca-2', 'ca-3'],
  'Global/Waves': ['wv-1', 'wv-2', 'wv-3', 'wv-4', 'wv-5'],
  'Global/Pause': ['pr-1', 'pr-2', 'pr-3'],
  'Global/Cancel': ['cx-1', 'cx-2', 'cx-3', 'cx-busy'],
  'Global/Outdated': ['od-1', 'od-2', 'od-3'],
  'Global/Staged': ['st-1', 'st-2', 'st-3'],
  'Global/Stalled': ['sl-1', 'sl-2'],
};

let temporal: DevServer;
let netswim: TestNetswim;
let lab: Lab;
let labDir: string;
let imageId: string;
const events: LabEvent[] = [];

before(async () => {
  temporal = await startTestTemporal();
  netswim = await startTestNetswim(temporal.address);
  labDir = await mkdtemp(join(tmpdir(), 'netswim-campaign-lab-'));
  const hostnames = Object.values(GROUPS).flat();
  lab = await startLab({
    stateDir: labDir,
    onEvent: (e) => events.push(e),
    devices: hostnames.map((hostname) => ({ hostname, address: '127.0.0.1', port: 0, platform: 'cat9300' as const, username: 'netswim', password: PASSWORD, reloadDurationMs: 800 })),
  });
  for (const [site, names] of Object.entries(GROUPS)) {
    for (const hostname of names) {
      const d = lab.device(hostname);
      await postJson(netswim, '/devices', { hostname, address: d.address, port: d.port, platform: 'cat9300', site, username: 'netswim', password: PASSWORD });
    }
  }
  imageId = await uploadImage(netswim, NEW_IMAGE, randomBytes(1024 * 1024 + 11));
});

after(async () => {
  await lab?.stop();
  await netswim?.stopAll();
  await temporal?.stop();
  if (labDir) await rm(labDir, { recursive: true, force: true });
});

const send = (path: string, body?: unknown) =>
  netswim.api(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body === undefined ? '{}' : JSON.stringify(body) });

async function start(body: Record<string, unknown>): Promise<string> {
  const started = await postJson<{ campaignId: string; workflowId: string }>(netswim, '/campaigns', { name: 'test', imageId, reloadTimeoutSeconds: 60, ...body });
  assert.equal(started.workflowId, `campaign/${started.campaignId}`);
  return started.campaignId;
}

async function view(id: string): Promise<CampaignView> {
  const res = await netswim.api(`/campaigns/${id}`);
  assert.equal(res.status, 200);
  return (await res.json()) as CampaignView;
}

/** Polls the campaign until `done` holds (default: closed); returns the view and the most in flight seen. */
async function waitFor(id: string, done: (v: CampaignView) => boolean = (v) => v.execution !== 'RUNNING', timeoutMs = 90_000): Promise<{ v: CampaignView; maxInFlight: number }> {
  const deadline = Date.now() + timeoutMs;
  let maxInFlight = 0;
  while (Date.now() < deadline) {
    const v = await view(id);
    maxInFlight = Math.max(maxInFlight, v.progress?.inFlight ?? 0);
    if (done(v)) return { v, maxInFlight };
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`campaign ${id} did not reach the expected state in time: ${JSON.stringify(await view(id))}`);
}

/** Copies of the image into a device's flash (the file-transfer precheck copies a probe file first). */
const copies = (hostname: string) => events.filter((e) => e.event === 'copy' && e.hostname === hostname && e.phase === 'start' && e.file === NEW_IMAGE);
const anyCopy = (hostname: string) => events.some((e) => e.event === 'copy' && e.hostname === hostname);
const firstTime = (hostname: string, match: (e: LabEvent) => boolean) => events.find((e) => e.hostname === hostname && match(e))?.time;
const copyStart = (h: string) => firstTime(h, (e) => e.event === 'copy' && e.phase === 'start');
const reloadUp = (h: string) => firstTime(h, (e) => e.event === 'reload' && e.phase === 'up');

describe('campaigns', () => {
  it('refuses bad input with the reason and starts nothing', async () => {
    const cases: [unknown, number, RegExp][] = [
      [{ name: 'x', imageId, selector: { devices: ['ca-1', 'nope-9'] } }, 404, /no device nope-9/],
      [{ name: 'x', selector: { site: 'Global/Canary' } }, 400, /imageId is required/],
      [{ name: 'x', imageId, selector: {} }, 400, /name the devices/],
      [{ name: 'x', imageId, selector: { family: 'c9999' } }, 422, /no device to upgrade/],
      [{ name: 'x', imageId, selector: { site: 'Global/Nowhere' } }, 404, /no site Global\/Nowhere/],
      [{ name: 'x', imageId: '00000000-0000-4000-8000-000000000000', selector: { site: 'Global/Canary' } }, 404, /no image/],
    ];
    for (const [body, status, reason] of cases) {
      const res = await send('/campaigns', body);
      assert.equal(res.status, status, JSON.stringify(body));
      assert.match(((await res.json()) as { error: string }).error, reason);
    }
    assert.deepEqual(await (await netswim.api('/campaigns')).json(), []);
  });

  it('a campaign whose canary fails halts: no other device is touched', async () => {
    lab.device('ca-1').setFaults({ corruptTransfer: true });
    const id = await start({ selector: { site: 'Global/Canary' }, waves: { canary: 1, percents: [50] }, maxInFlight: 2, failureBudget: { count: 5 } });
    const { v } = await waitFor(id);
    assert.equal(v.execution, 'COMPLETED');
    const p = v.progress!;
    assert.equal(p.state, 'halted');
    assert.match(p.reason ?? '', /canary failed/);
    assert.deepEqual(p.waves, [1, 2]);
    assert.deepEqual([p.stages.failed, p.stages.queued, p.stages.upgraded], [1, 2, 0]);
    assert.equal(p.failures[0]?.hostname, 'ca-1');
    assert.match(p.failures[0]?.reason ?? '', /MD5 mismatch/);
    for (const h of ['ca-2', 'ca-3']) {
      assert.ok(!anyCopy(h), `${h} got no copy, not even the precheck's probe`);
      assert.equal(lab.device(h).state().reloadCount, 0);
    }
    assert.equal(lab.device('ca-1').state().reloadCount, 0);
    lab.device('ca-1').setFaults({ corruptTransfer: false });
  });

  it('stages the image on the site server once, before it starts any device, and every device copies from there', async () => {
    const server = await startHttpUploadServer();
    try {
      await postJson(netswim, '/distribution-servers', { name: 'staged-http', protocol: 'http', host: '127.0.0.1', port: server.port, rootLocation: '/images' });
      const assigned = await netswim.api('/sites/Global/Staged/distribution', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ primary: 'staged-http' }) });
      assert.equal(assigned.status, 200, await assigned.text());
      const id = await start({ selector: { site: 'Global/Staged' }, waves: { canary: 0, percents: [100] }, maxInFlight: 3, plan: { distribute: { kind: 'now' }, activate: { kind: 'never' } } });
      const { v } = await waitFor(id);
      assert.equal(v.progress?.stages.distributed, 3, JSON.stringify(v.progress));

      const history = await netswim.temporal.workflow.getHandle(`campaign/${id}`).fetchHistory();
      const historyEvents = history.events ?? [];
      const stagings = historyEvents.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'stageOnSiteServers');
      assert.equal(stagings.length, 1, 'one staging for the one site and image');
      const firstChild = historyEvents.findIndex((e) => e.startChildWorkflowExecutionInitiatedEventAttributes);
      assert.ok(firstChild > historyEvents.indexOf(stagings[0]!), 'the staging is scheduled before the first device starts');

      const images = (await (await netswim.api('/images')).json()) as { id: string; sha256: string }[];
      const sha256 = images.find((i) => i.id === imageId)?.sha256;
      assert.match(sha256 ?? '', /^[0-9a-f]{64}$/);
      assert.equal(await readFile(join(server.root, 'images', `${NEW_IMAGE}.sha256`), 'utf8'), `${sha256}  ${NEW_IMAGE}\n`);
      for (const hostname of GROUPS['Global/Staged']) {
        const copied = copies(hostname);
        assert.equal(copied.length, 1, hostname);
        assert.ok(copied[0]?.event === 'copy' && copied[0].url === `http://127.0.0.1:${server.port}/images/${NEW_IMAGE}`, `${hostname} copied from the site server: ${JSON.stringify(copied)}`);
      }
    } finally {
      await server.close();
    }
  });

  it('cancel while the site server takes the upload forever: the campaign ends cancelled, no device copies', async () => {
    // A web server that finds no file and never finishes answering an upload (a byte a second, so
    // no idle timeout ends it): the staging hangs, heartbeating, until it is cancelled.
    const puts: string[] = [];
    const trickles: NodeJS.Timeout[] = [];
    const server = createServer((req, res) => {
      if (req.method === 'PUT') {
        puts.push(req.url ?? '');
        req.resume();
        res.writeHead(200, { 'content-type': 'text/plain' });
        trickles.push(setInterval(() => res.write('.'), 1000));
        return;
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      await postJson(netswim, '/distribution-servers', { name: 'stalled-http', protocol: 'http', host: '127.0.0.1', port, rootLocation: '/images' });
      const assigned = await netswim.api('/sites/Global/Stalled/distribution', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ primary: 'stalled-http' }) });
      assert.equal(assigned.status, 200, await assigned.text());
      const id = await start({ selector: { site: 'Global/Stalled' }, waves: { canary: 0, percents: [100] }, maxInFlight: 2, plan: { distribute: { kind: 'now' }, activate: { kind: 'never' } } });
      await waitFor(id, (v) => (v.inFlightStages?.distribute ?? 0) === 2 && puts.length > 0);
      assert.equal((await send(`/campaigns/${id}/cancel`)).status, 200);
      const end = (await waitFor(id, undefined, 30_000)).v;
      assert.equal(end.execution, 'COMPLETED');
      assert.equal(end.progress?.state, 'cancelled');
      assert.equal(end.progress?.stages.cancelled, 2, JSON.stringify(end.progress));
      for (const hostname of GROUPS['Global/Stalled']) assert.equal(copies(hostname).length, 0, `${hostname} copied nothing`);
    } finally {
      for (const trickle of trickles) clearInterval(trickle);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('runs waves in order, never more than maxInFlight devices at once', async () => {
    const id = await start({ selector: { site: 'Global/Waves' }, waves: { canary: 1, percents: [20] }, maxInFlight: 2 });
    const { v, maxInFlight } = await waitFor(id);
    const p = v.progress!;
    assert.equal(p.state, 'completed', JSON.stringify(p));
    assert.deepEqual(p.waves, [1, 1, 3]);
    assert.equal(p.stages.upgraded, 5);
    assert.ok(maxInFlight <= 2 && maxInFlight >= 1, `in flight seen: ${maxInFlight}`);
    // Wave order from the devices themselves: a wave's copies start after the previous wave's reloads.
    assert.ok(reloadUp('wv-1')! < copyStart('wv-2')!, 'the canary finished before wave 2 started');
    for (const h of ['wv-3', 'wv-4', 'wv-5']) assert.ok(reloadUp('wv-2')! < copyStart(h)!, `${h} started after wave 2 ended`);
    // At most two devices between their first copy and their reload at any time.
    const spans = ['wv-1', 'wv-2', 'wv-3', 'wv-4', 'wv-5'].map((h) => [copyStart(h)!, reloadUp(h)!] as const);
    for (const [s] of spans) assert.ok(spans.filter(([a, b]) => a <= s && s < b).length <= 2, 'never more than 2 devices busy');
    // Each device's upgrade is a child findable by campaign.
    const children: string[] = [];
    for await (const e of netswim.temporal.workflow.list({ query: `NetswimCampaign = '${id}' AND WorkflowType = 'deviceUpgrade'` })) children.push(e.workflowId);
    assert.deepEqual(children.sort(), ['wv-1', 'wv-2', 'wv-3', 'wv-4', 'wv-5'].map((h) => `upgrade/${h}/${id}`));
  });

  it('pause: no new device starts, running ones finish; resume: completes all', async () => {
    const id = await start({ selector: { devices: ['pr-1', 'pr-2', 'pr-3'] }, waves: { canary: 1, percents: [] }, maxInFlight: 2 });
    const paused = await send(`/campaigns/${id}/pause`);
    assert.equal(paused.status, 200);
    assert.equal(((await paused.json()) as { state: string }).state, 'paused');
    const again = await send(`/campaigns/${id}/pause`);
    assert.equal(again.status, 409);
    assert.match(((await again.json()) as { error: string }).error, /campaign is paused: only a running campaign can be paused/);
    // The canary (started, or starting) may finish; nothing else starts while paused.
    const { v } = await waitFor(id, (x) => (x.progress?.stages.upgraded ?? 0) + (x.progress?.stages.queued ?? 0) === 3 && x.progress?.inFlight === 0 && (x.progress?.stages.queued ?? 0) >= 2);
    await new Promise((r) => setTimeout(r, 2000));
    const still = (await view(id)).progress!;
    assert.equal(still.state, 'paused');
    assert.equal(still.inFlight, 0);
    assert.equal(still.stages.queued, v.progress!.stages.queued);
    for (const h of ['pr-2', 'pr-3']) assert.ok(!anyCopy(h), `${h} did not start while paused`);
    const resumed = await send(`/campaigns/${id}/resume`);
    assert.equal(resumed.status, 200);
    assert.equal((await send(`/campaigns/${id}/resume`)).status, 409);
    const end = (await waitFor(id)).v.progress!;
    assert.equal(end.state, 'completed');
    assert.equal(end.stages.upgraded, 3);
    for (const h of GROUPS['Global/Pause']) assert.equal(lab.device(h).state().version, '17.09.04a');
    const over = await send(`/campaigns/${id}/pause`);
    assert.equal(over.status, 409);
    assert.match(((await over.json()) as { error: string }).error, /the campaign is over \(completed\)/);
  });

  it('cancel during distribution stops the devices before activation; a device already upgrading is skipped', async () => {
    for (const h of GROUPS['Global/Cancel']) lab.device(h).setFaults({ slowLinkBytesPerSecond: 100_000 });
    const busy = await postJson<{ workflowId: string }>(netswim, '/upgrades', { device: 'cx-busy', imageId, reloadTimeoutSeconds: 60 });
    const id = await start({ selector: { site: 'Global/Cancel' }, waves: { canary: 0, percents: [] }, maxInFlight: 3 });
    const { v } = await waitFor(id, (x) => x.progress?.inFlight === 3 && ['cx-1', 'cx-2', 'cx-3'].every((h) => copies(h).length > 0), 60_000);
    assert.deepEqual(v.progress!.skipped, [{ hostname: 'cx-busy', reason: `an upgrade is already running (${busy.workflowId})` }]);
    assert.equal(v.progress!.total, 4);
    // The single-upgrade API refuses a device the campaign is upgrading.
    const second = await send('/upgrades', { device: 'cx-1', imageId });
    assert.equal(second.status, 409);
    assert.match(((await second.json()) as { error: string }).error, new RegExp(`upgrade/cx-1/${id}`));

    const cancelled = await send(`/campaigns/${id}/cancel`);
    assert.equal(cancelled.status, 200);
    assert.equal(((await cancelled.json()) as { state: string }).state, 'cancelling');
    const end = (await waitFor(id)).v.progress!;
    assert.equal(end.state, 'cancelled');
    assert.equal(end.stages.cancelled, 3);
    assert.equal(end.stages.skipped, 1);
    for (const h of ['cx-1', 'cx-2', 'cx-3']) {
      assert.equal(lab.device(h).state().reloadCount, 0, `${h} was not reloaded`);
      assert.equal(lab.device(h).state().version, '17.06.05');
      const child = await netswim.temporal.workflow.getHandle(`upgrade/${h}/${id}`).describe();
      assert.equal(child.status.name, 'CANCELLED');
    }
    assert.equal((await send(`/campaigns/${id}/cancel`)).status, 409);
    // A single upgrade cancelled before activation ends cancelled too, the device untouched.
    await netswim.temporal.workflow.getHandle(busy.workflowId).cancel();
    const deadline = Date.now() + 30_000;
    while ((await netswim.temporal.workflow.getHandle(busy.workflowId).describe()).status.name === 'RUNNING' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    assert.equal((await netswim.temporal.workflow.getHandle(busy.workflowId).describe()).status.name, 'CANCELLED');
    assert.equal(lab.device('cx-busy').state().reloadCount, 0);
  });

  it('outdated: picks exactly the devices compliance reports outdated, each to its golden image', async () => {
    const { view: first } = await runUpgrade(netswim, 'od-1', imageId);
    assert.equal(first.execution, 'COMPLETED', first.error);
    const inventory = await postJson<{ workflowId: string }>(netswim, '/inventory', { devices: GROUPS['Global/Outdated'] });
    for (let i = 0; i < 200; i++) {
      const run = (await (await netswim.api(`/inventory/${inventory.workflowId}`)).json()) as { execution: string };
      if (run.execution !== 'RUNNING') break;
      await new Promise((r) => setTimeout(r, 150));
    }
    const patched = await netswim.api(`/images/${imageId}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ families: ['cat9300'] }) });
    assert.equal(patched.status, 200);
    await postJson(netswim, `/images/${imageId}/golden`, { family: 'cat9300' });
    const outdated = (await (await netswim.api('/compliance?status=outdated')).json()) as { devices: { hostname: string }[] };
    assert.deepEqual(outdated.devices.map((d) => d.hostname), ['od-2', 'od-3']);

    const started = await postJson<{ campaignId: string; devices: number }>(netswim, '/campaigns', { name: 'outdated', selector: { outdated: true }, waves: { canary: 1, percents: [] }, reloadTimeoutSeconds: 60 });
    assert.equal(started.devices, 2);
    const end = (await waitFor(started.campaignId)).v.progress!;
    assert.equal(end.state, 'completed');
    assert.deepEqual([end.total, end.stages.upgraded], [2, 2]);
    assert.equal(copies('od-1').length, 1, 'od-1 (compliant) was left alone');
    for (const h of ['od-2', 'od-3']) assert.equal(lab.device(h).state().version, '17.09.04a');
    const list = (await (await netswim.api('/campaigns')).json()) as { campaignId: string; execution: string }[];
    assert.equal(list.length, 7);
    assert.ok(list.every((c) => c.execution === 'COMPLETED'));
  });
});
