// GET /upgrades: upgrade tasks listed by status, device, site subtree and image, newest first and
// paged, against a real Temporal dev server, real netswim and lab devices over SSH. One upgrade
// succeeds, two fail (flash too small, refused credentials), one is still copying over a slow link.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { UpgradeList, UpgradeListItem } from '../api/upgrade-list.ts';
import type { UpgradeView } from '../api/upgrade-status.ts';
import { startLab } from '../lab/fleet.ts';
import type { Lab } from '../lab/types.ts';
import type { DevServer } from '../scripts/temporal-dev-server.ts';
import { startTestNetswim, type TestNetswim } from './support/netswim.ts';
import { startTestTemporal } from './support/temporal.ts';
import { postJson, runUpgrade, uploadImage } from './support/upgrades.ts';

const PASSWORD = `pw-${randomBytes(6).toString('hex')}`;
const ENABLE_SECRET = `en-${randomBytes(6).toString('hex')}`;
const ADMIN_TOKEN = randomBytes(16).toString('hex');
const VIEWER_TOKEN = randomBytes(16).toString('hex');

// ul-auth logs in to ul-ok's lab device with a wrong password; Global/Lab/AB checks that the
// Global/Lab/A subtree is not a string prefix.
const SITES: Record<string, string> = { 'ul-ok': 'Global/Lab/A', 'ul-slow': 'Global/Lab/A/Rack-1', 'ul-small': 'Global/Lab/B', 'ul-auth': 'Global/Lab/AB' };
const LAB_HOSTNAMES = ['ul-ok', 'ul-small', 'ul-slow'];

let temporal: DevServer;
let netswim: TestNetswim;
let lab: Lab;
let labDir: string;
let image1709: string;
let image1712: string;
/** Workflow ids by device, in the order the upgrades were requested. */
const ids: Record<string, string> = {};

async function list(query = '', token = VIEWER_TOKEN): Promise<UpgradeList> {
  const response = await netswim.api(`/upgrades${query}`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await response.json()) as UpgradeList & { error?: string };
  assert.equal(response.status, 200, `GET /upgrades${query}: ${body.error ?? ''}`);
  return body;
}

const workflowIds = (answer: UpgradeList): string[] => answer.upgrades.map((u) => u.workflowId);

/** The one task of a device, straight after the call that closed it. */
async function onlyTaskOf(hostname: string): Promise<UpgradeListItem> {
  const { upgrades } = await list(`?device=${hostname}`);
  assert.equal(upgrades.length, 1, JSON.stringify(upgrades));
  return upgrades[0]!;
}

async function view(workflowId: string): Promise<UpgradeView> {
  return (await (await netswim.api(`/upgrades/${workflowId}`)).json()) as UpgradeView;
}

before(async () => {
  temporal = await startTestTemporal();
  netswim = await startTestNetswim(temporal.address, { env: { NETSWIM_API_TOKENS: `admin:${ADMIN_TOKEN},viewer:${VIEWER_TOKEN}` }, adminToken: ADMIN_TOKEN });
  labDir = await mkdtemp(join(tmpdir(), 'netswim-lab-'));
  lab = await startLab({
    stateDir: labDir,
    devices: LAB_HOSTNAMES.map((hostname) => ({
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
  for (const hostname of Object.keys(SITES)) {
    const d = lab.device(hostname === 'ul-auth' ? 'ul-ok' : hostname);
    const password = hostname === 'ul-auth' ? 'not-the-password' : PASSWORD;
    await postJson(netswim, '/devices', { hostname, address: d.address, port: d.port, platform: 'cat9300', site: SITES[hostname], username: 'netswim', password, enableSecret: ENABLE_SECRET });
  }
  image1709 = await uploadImage(netswim, 'cat9k_iosxe.17.09.04a.SPA.bin', randomBytes(2 * 1024 * 1024 + 123));
  image1712 = await uploadImage(netswim, 'cat9k_iosxe.17.12.01.SPA.bin', randomBytes(2 * 1024 * 1024 + 321));
});

after(async () => {
  if (ids['ul-slow']) await netswim?.temporal.workflow.getHandle(ids['ul-slow']).terminate('test over').catch(() => undefined);
  await lab?.stop();
  await netswim?.stopAll();
  await temporal?.stop();
  if (labDir) await rm(labDir, { recursive: true, force: true });
});

describe('GET /upgrades', () => {
  it('lists each task with its final status right after its workflow closes', async () => {
    const ok = await runUpgrade(netswim, 'ul-ok', image1709);
    assert.equal(ok.view.execution, 'COMPLETED', ok.view.error);
    ids['ul-ok'] = ok.view.workflowId;
    const okTask = await onlyTaskOf('ul-ok');
    assert.equal(okTask.status, 'success');
    assert.equal(okTask.execution, 'COMPLETED');
    assert.equal(okTask.stage, 'done');
    assert.ok(okTask.closedAt, 'a closed task has closedAt');

    const used = lab
      .device('ul-small')
      .state()
      .flash.reduce((sum, f) => sum + f.size, 0);
    lab.device('ul-small').setFlashSize(used + 1000);
    const small = await runUpgrade(netswim, 'ul-small', image1712);
    assert.equal(small.view.execution, 'FAILED');
    ids['ul-small'] = small.view.workflowId;
    const smallTask = await onlyTaskOf('ul-small');
    assert.equal(smallTask.status, 'failed');
    assert.equal(smallTask.execution, 'FAILED');
    assert.equal(smallTask.stage, 'failed');

    const auth = await runUpgrade(netswim, 'ul-auth', image1709);
    assert.equal(auth.view.execution, 'FAILED');
    ids['ul-auth'] = auth.view.workflowId;
    assert.equal((await onlyTaskOf('ul-auth')).status, 'failed');

    // Still copying when the remaining tests run: 2 MiB at 4 KiB/s.
    lab.device('ul-slow').setFaults({ slowLinkBytesPerSecond: 4096 });
    const { workflowId } = await postJson<{ workflowId: string }>(netswim, '/upgrades', { device: 'ul-slow', imageId: image1709 });
    ids['ul-slow'] = workflowId;
    const deadline = Date.now() + 60_000;
    while ((await view(workflowId)).stage !== 'distribute') {
      assert.ok(Date.now() < deadline, 'ul-slow reached distribute');
      await new Promise((r) => setTimeout(r, 200));
    }
    const slowTask = await onlyTaskOf('ul-slow');
    assert.equal(slowTask.status, 'in-progress');
    assert.equal(slowTask.execution, 'RUNNING');
    assert.equal(slowTask.stage, 'distribute');
    assert.equal(slowTask.closedAt, undefined);
  });

  it('answers every task newest first, with device, site, image, requester and times', async () => {
    const { upgrades, nextCursor } = await list();
    assert.deepEqual(workflowIds({ upgrades }), [ids['ul-slow'], ids['ul-auth'], ids['ul-small'], ids['ul-ok']]);
    assert.equal(nextCursor, undefined);
    const small = upgrades.find((u) => u.device === 'ul-small')!;
    assert.equal(small.site, 'Global/Lab/B');
    assert.equal(small.imageId, image1712);
    assert.equal(small.fileName, 'cat9k_iosxe.17.12.01.SPA.bin');
    assert.equal(small.targetVersion, '17.12.01');
    assert.equal(small.requestedBy, 'admin');
    for (const u of upgrades) {
      assert.ok(!Number.isNaN(Date.parse(u.requestedAt)) && !Number.isNaN(Date.parse(u.startedAt ?? '')), JSON.stringify(u));
      assert.equal(u.closedAt === undefined, u.status === 'in-progress', JSON.stringify(u));
    }
    const times = upgrades.map((u) => Date.parse(u.requestedAt));
    assert.deepEqual(times, [...times].sort((a, b) => b - a));
  });

  it('filters by status: in-progress, success, failed', async () => {
    assert.deepEqual(workflowIds(await list('?status=in-progress')), [ids['ul-slow']]);
    assert.deepEqual(workflowIds(await list('?status=success')), [ids['ul-ok']]);
    assert.deepEqual(workflowIds(await list('?status=failed')), [ids['ul-auth'], ids['ul-small']]);
  });

  it('filters by device hostname', async () => {
    assert.deepEqual(workflowIds(await list('?device=ul-small')), [ids['ul-small']]);
    assert.deepEqual(workflowIds(await list('?device=ul-unknown')), []);
  });

  it('filters by site, including the sites below it but not sibling names sharing a prefix', async () => {
    assert.deepEqual(workflowIds(await list('?site=Global/Lab/A')), [ids['ul-slow'], ids['ul-ok']]);
    assert.deepEqual(workflowIds(await list('?site=Global/Lab/A/Rack-1')), [ids['ul-slow']]);
    assert.deepEqual(workflowIds(await list(`?site=${encodeURIComponent('Global/Lab/B')}`)), [ids['ul-small']]);
    assert.deepEqual(workflowIds(await list('?site=Global/Lab')), [ids['ul-slow'], ids['ul-auth'], ids['ul-small'], ids['ul-ok']]);
    assert.deepEqual(workflowIds(await list('?site=Global/Elsewhere')), []);
  });

  it('filters by image, and combines filters', async () => {
    assert.deepEqual(workflowIds(await list(`?image=${image1709}`)), [ids['ul-slow'], ids['ul-auth'], ids['ul-ok']]);
    assert.deepEqual(workflowIds(await list(`?image=${image1712}`)), [ids['ul-small']]);
    assert.deepEqual(workflowIds(await list(`?image=${image1709}&status=failed`)), [ids['ul-auth']]);
    assert.deepEqual(workflowIds(await list('?site=Global/Lab/A&status=success')), [ids['ul-ok']]);
    assert.deepEqual(workflowIds(await list(`?site=Global/Lab/A&image=${image1712}`)), []);
  });

  it('pages with limit=1: the cursors walk every task once, newest first', async () => {
    for (const [filter, expected] of [
      ['', [ids['ul-slow'], ids['ul-auth'], ids['ul-small'], ids['ul-ok']]],
      ['&status=failed', [ids['ul-auth'], ids['ul-small']]],
      ['&site=Global/Lab/A', [ids['ul-slow'], ids['ul-ok']]],
    ] as const) {
      const walked: string[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 10; pages++) {
        const page = await list(`?limit=1${filter}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        assert.ok(page.upgrades.length <= 1);
        walked.push(...workflowIds(page));
        cursor = page.nextCursor;
        if (!cursor) break;
      }
      assert.deepEqual(walked, expected, `limit=1${filter}`);
    }
    const two = await list('?limit=2');
    assert.deepEqual(workflowIds(two), [ids['ul-slow'], ids['ul-auth']]);
    assert.deepEqual(workflowIds(await list(`?limit=2&cursor=${two.nextCursor}`)), [ids['ul-small'], ids['ul-ok']]);
  });

  it('refuses bad query values with 400 and zod’s message', async () => {
    for (const [query, message] of [
      ['?status=done', /status/],
      ['?limit=0', /limit/],
      ['?limit=1001', /limit/],
      ['?limit=many', /limit/],
      ['?image=not-an-id', /image/],
      ['?site=Europe', /must start with Global/],
      ['?device=bad%20name', /device/],
      ['?cursor=not-a-cursor', /cursor/],
      [`?cursor=${Buffer.from(JSON.stringify(['yesterday', 'x'])).toString('base64url')}`, /cursor/],
      ['?sort=asc', /sort/],
    ] as const) {
      const response = await netswim.api(`/upgrades${query}`);
      const body = (await response.json()) as { error?: string };
      assert.equal(response.status, 400, query);
      assert.match(body.error ?? '', message, query);
    }
    assert.equal((await fetch(`${netswim.apiUrl}/upgrades`)).status, 401);
  });

  it('GET /upgrades/<workflowId> still answers one upgrade', async () => {
    const one = await view(ids['ul-ok']!);
    assert.equal(one.workflowId, ids['ul-ok']);
    assert.equal(one.execution, 'COMPLETED');
    assert.equal((await netswim.api('/upgrades/upgrade/ul-ok/nope')).status, 404);
  });

  it('the workflows are findable in Temporal by the custom search attributes', async () => {
    const find = async (query: string): Promise<string[]> => {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const found: string[] = [];
        for await (const execution of netswim.temporal.workflow.list({ query })) found.push(execution.workflowId);
        if (found.length > 0 || Date.now() > deadline) return found.sort();
        await new Promise((r) => setTimeout(r, 250));
      }
    };
    assert.deepEqual(await find(`NetswimDevice = 'ul-ok'`), [ids['ul-ok']]);
    assert.deepEqual(await find(`NetswimSite = 'Global/Lab/B' AND NetswimStage = 'failed'`), [ids['ul-small']]);
    assert.deepEqual(await find(`NetswimDevice = 'ul-slow' AND ExecutionStatus = 'Running'`), [ids['ul-slow']]);
    assert.deepEqual(await find(`NetswimStage = 'distribute' AND NetswimTargetVersion = '17.09.04a'`), [ids['ul-slow']]);
    // What the Temporal UI shows: the summary given at start and the stage the workflow is in now.
    const handle = netswim.temporal.workflow.getHandle(ids['ul-slow']!);
    assert.match((await (await handle.describe()).staticSummary()) ?? '', /Upgrade ul-slow to 17\.09\.04a/);
    const metadata = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    assert.match(metadata.currentDetails ?? '', /\*\*distribute\*\*/);
  });

  it('a task terminated in Temporal is failed at once, whatever visibility says yet', async () => {
    await netswim.temporal.workflow.getHandle(ids['ul-slow']!).terminate('operator gave up');
    assert.deepEqual(workflowIds(await list('?status=in-progress')), []);
    assert.deepEqual(workflowIds(await list('?status=failed')), [ids['ul-slow'], ids['ul-auth'], ids['ul-small']]);
    const slow = await onlyTaskOf('ul-slow');
    assert.equal(slow.execution, 'TERMINATED');
    assert.ok(slow.closedAt);
  });
});
