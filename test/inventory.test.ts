// Inventory and compliance against a real lab fleet over SSH: an on-demand run and the Temporal
// schedule read every device into its record; compliance follows an upgrade.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ComplianceRow } from '../api/compliance.ts';
import { startLab } from '../lab/fleet.ts';
import { fleetSpecs, loadOrCreateCredentials, mixPlatforms, writeInventory } from '../lab/fleet-spec.ts';
import type { Lab } from '../lab/types.ts';
import type { DevServer } from '../scripts/temporal-dev-server.ts';
import type { DeviceRecord } from '../store/devices.ts';
import type { ImageRecord } from '../store/images.ts';
import type { InventoryProgress } from '../workflows/definitions.ts';
import { startTestNetswim, type TestNetswim } from './support/netswim.ts';
import { startTestTemporal } from './support/temporal.ts';
import { postJson, runUpgrade, uploadImage } from './support/upgrades.ts';

let temporal: DevServer;
let netswim: TestNetswim;
let lab: Lab;
let labDir: string;

before(async () => {
  temporal = await startTestTemporal();
  netswim = await startTestNetswim(temporal.address);
  labDir = await mkdtemp(join(tmpdir(), 'netswim-inventory-lab-'));
  const credentials = await loadOrCreateCredentials(labDir);
  const specs = fleetSpecs({ count: mixPlatforms().length, baseAddress: '127.0.0.1', port: 0, credentials, platforms: mixPlatforms() });
  lab = await startLab({ stateDir: labDir, devices: specs.map((spec, i) => ({ ...spec, address: `127.0.0.${i + 1}`, reloadDurationMs: 1500 })) });
  const { path } = await writeInventory(lab, labDir);
  const entries = JSON.parse(await readFile(path, 'utf8')) as Array<Record<string, unknown>>;
  // One device that never answers: its failure is recorded and the run goes on.
  entries.push({ ...entries[0], hostname: 'gone-001', address: '127.0.0.250', port: 9 });
  await postJson(netswim, '/devices/import', entries);
});

after(async () => {
  await lab?.stop();
  await netswim?.stopAll();
  await temporal?.stop();
  if (labDir) await rm(labDir, { recursive: true, force: true });
});

const get = async <T>(path: string): Promise<T> => {
  const res = await netswim.api(path);
  assert.equal(res.status, 200, `${path}: ${res.status}`);
  return (await res.json()) as T;
};

async function devices(): Promise<Map<string, DeviceRecord>> {
  return new Map((await get<DeviceRecord[]>('/devices')).map((d) => [d.hostname, d]));
}

async function waitForRun(workflowId: string): Promise<{ execution: string; progress?: InventoryProgress }> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const view = await get<{ execution: string; progress?: InventoryProgress }>(`/inventory/${workflowId}`);
    if (view.execution !== 'RUNNING') return view;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`inventory ${workflowId} did not finish`);
}

describe('inventory', () => {
  it('reads every lab device into its record: version, boot file, mode, serial, family; an unreachable one fails alone', async () => {
    const { workflowId, devices: count } = await postJson<{ workflowId: string; devices: number }>(netswim, '/inventory', {});
    assert.equal(count, mixPlatforms().length + 1);
    const view = await waitForRun(workflowId);
    assert.equal(view.execution, 'COMPLETED');
    assert.equal(view.progress?.total, mixPlatforms().length + 1);
    assert.equal(view.progress?.succeeded, mixPlatforms().length);
    assert.equal(view.progress?.failed, 1);
    assert.equal(view.progress?.failures[0]?.hostname, 'gone-001');

    const records = await devices();
    for (const labDevice of lab.devices) {
      const record = records.get(labDevice.hostname);
      const state = labDevice.state();
      assert.ok(record, labDevice.hostname);
      assert.equal(record.runningVersion, state.version, `${labDevice.hostname} version`);
      // The file name: a Catalyst 2960-X boots it from a flash directory.
      assert.equal(record.runningImage, state.runningImage.split('/').pop(), `${labDevice.hostname} boot file`);
      assert.match(record.serial ?? '', /^[A-Z]{3}\d{4}/, `${labDevice.hostname} serial`);
      assert.ok(record.inventoriedAt);
      assert.equal(record.inventoryError, null);
    }
    const byPlatform = (platform: string) => records.get(lab.devices.find((d) => d.spec.platform === platform)!.hostname)!;
    assert.deepEqual([byPlatform('cat9300').family, byPlatform('cat9300').installMode, byPlatform('cat9300').model], ['cat9300', 'BUNDLE', 'C9300-48P']);
    assert.deepEqual([byPlatform('cat9300-install').installMode, byPlatform('cat9300-install').runningImage], ['INSTALL', 'packages.conf']);
    assert.deepEqual([byPlatform('isr2900').family, byPlatform('isr2900').configRegister, byPlatform('isr2900').runningVersion], ['isr2900', '0x2102', '15.2(4)M7']);
    assert.deepEqual([byPlatform('c2960x').family, byPlatform('c2960x').model, byPlatform('c2960x').runningVersion], ['cat2960x', 'WS-C2960X-48FPD-L', '15.2(2)E7']);
    assert.deepEqual([byPlatform('n9k').family, byPlatform('n9k').series], ['n9k', 'Cisco Nexus 9000 Series Switches']);
    // The ASR 1001-X keeps its images on bootflash: (its `dir bootflash:` was read, not `dir flash:`).
    assert.deepEqual(
      [byPlatform('asr1000-install').family, byPlatform('asr1000-install').model, byPlatform('asr1000-install').installMode, byPlatform('asr1000-install').runningImage, byPlatform('asr1000-install').configRegister],
      ['asr1000', 'ASR1001-X', 'INSTALL', 'packages.conf', '0x2102'],
    );
    assert.equal(byPlatform('asr1000-install').series, 'Cisco ASR 1000 Series Aggregation Services Routers');
    const families = await get<Array<{ name: string; series: string | null; devices: number }>>('/families');
    assert.deepEqual(families.find((f) => f.name === 'cat9300'), { name: 'cat9300', series: 'Cisco Catalyst 9300 Series Switches', devices: 3, images: 0, goldenTags: 0 });
    const gone = records.get('gone-001')!;
    assert.match(gone.inventoryError ?? '', /ECONNREFUSED|refused|unreachable/i);
    assert.equal(gone.runningVersion, null);
  });

  it('reads only the devices named, and refuses unknown names without starting anything', async () => {
    const target = lab.devices[2]!.hostname;
    const before = (await devices()).get(target)!.inventoriedAt!;
    const unknown = await netswim.api('/inventory', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ devices: [target, 'no-such-box'] }) });
    assert.equal(unknown.status, 404);
    assert.match(((await unknown.json()) as { error: string }).error, /no device no-such-box/);
    const { workflowId } = await postJson<{ workflowId: string }>(netswim, '/inventory', { devices: [target] });
    const view = await waitForRun(workflowId);
    assert.deepEqual([view.progress?.total, view.progress?.succeeded], [1, 1]);
    const records = await devices();
    assert.ok(records.get(target)!.inventoriedAt! > before);
    assert.equal(records.get(lab.devices[1]!.hostname)!.inventoriedAt! < records.get(target)!.inventoriedAt!, true);
  });

  it('runs on a Temporal schedule that the worker created', async () => {
    const schedule = await get<{ every: string[]; nextRuns: string[]; recentRuns: unknown[] }>('/inventory/schedule');
    assert.equal(schedule.every.length, 1);
    assert.ok(schedule.nextRuns.length > 0);
    const target = lab.devices[0]!.hostname;
    const before = (await devices()).get(target)!.inventoriedAt!;
    await netswim.temporal.schedule.getHandle('netswim-inventory').trigger();
    const deadline = Date.now() + 60_000;
    let recent: { workflowId: string }[] = [];
    while (Date.now() < deadline) {
      recent = (await get<{ recentRuns: { workflowId: string }[] }>('/inventory/schedule')).recentRuns;
      if (recent.length > 0) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.match(recent[0]?.workflowId ?? '', /^inventory\/scheduled/);
    const view = await waitForRun(recent[0]!.workflowId);
    assert.equal(view.progress?.trigger, 'schedule');
    assert.ok((await devices()).get(target)!.inventoriedAt! > before);
  });
});

describe('compliance', () => {
  it('shows a lab device outdated against its golden image, then compliant after the upgrade', async () => {
    const switchName = lab.devices.find((d) => d.spec.platform === 'cat9300')!.hostname;
    const fileName = 'cat9k_iosxe.17.09.04a.SPA.bin';
    const imageId = await uploadImage(netswim, fileName, randomBytes(1024 * 1024 + 7));
    const patched = await netswim.api(`/images/${imageId}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ families: ['cat9300'] }) });
    assert.equal(patched.status, 200);
    await postJson(netswim, `/images/${imageId}/golden`, { family: 'cat9300' });

    const report = await get<{ counts: Record<string, number>; devices: ComplianceRow[] }>('/compliance');
    const row = (name: string, r = report) => r.devices.find((d) => d.hostname === name)!;
    assert.equal(row(switchName).status, 'outdated');
    assert.equal(row(switchName).direction, 'upgrade');
    assert.equal(row(switchName).target?.fileName, fileName);
    // The install-mode 9300 runs 17.06.05 from packages.conf: outdated too.
    const installName = lab.devices.find((d) => d.spec.platform === 'cat9300-install')!.hostname;
    assert.equal(row(installName).status, 'outdated');
    assert.equal(row(lab.devices.find((d) => d.spec.platform === 'n9k')!.hostname).status, 'no-golden');
    // Never read: its family came from the inventory file, its running version is not known.
    assert.equal(row('gone-001').status, 'unknown');
    assert.match(row('gone-001').reason, /not known yet/);
    const outdated = await get<{ devices: ComplianceRow[] }>('/compliance?status=outdated&family=cat9300');
    assert.deepEqual(outdated.devices.map((d) => d.hostname).sort(), [installName, switchName].sort());
    assert.equal((await netswim.api('/compliance?status=late')).status, 400);

    const { view } = await runUpgrade(netswim, switchName, imageId);
    assert.equal(view.execution, 'COMPLETED', view.error);

    const afterUpgrade = await get<{ counts: Record<string, number>; devices: ComplianceRow[] }>('/compliance');
    assert.equal(row(switchName, afterUpgrade).status, 'compliant');
    assert.equal(row(switchName, afterUpgrade).runningVersion, '17.09.04a');
    assert.equal(afterUpgrade.counts.compliant, (report.counts.compliant ?? 0) + 1);
    const images = await get<Array<ImageRecord & { devicesUsing: number }>>('/images');
    assert.equal(images.find((i) => i.id === imageId)?.devicesUsing, 1, '"using image" counts the upgraded switch');
  });
});
