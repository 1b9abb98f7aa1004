// Golden tags, image deletion and Known Good Values through the HTTP API (domain rules in domain/golden.ts, domain/kgv.ts).
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { DevServer } from '../scripts/temporal-dev-server.ts';
import type { ImageRecord } from '../store/images.ts';
import { startTestNetswim, type TestNetswim } from './support/netswim.ts';
import { startTestTemporal } from './support/temporal.ts';

let temporal: DevServer;
let netswim: TestNetswim;

before(async () => {
  temporal = await startTestTemporal();
  netswim = await startTestNetswim(temporal.address, { runWorker: false });
});
after(async () => {
  await netswim?.stopAll();
  await temporal?.stop();
});

const hex = (algo: string, bytes: Buffer) => createHash(algo).update(bytes).digest('hex');

async function call<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const init: RequestInit = { method };
  if (body !== undefined) {
    init.headers = { 'content-type': 'application/json' };
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
  }
  const res = await netswim.api(path, init);
  return { status: res.status, body: (await res.json()) as T };
}

async function upload(fileName: string, bytes: Buffer, query = ''): Promise<ImageRecord> {
  const res = await netswim.api(`/images?fileName=${fileName}${query}`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: bytes });
  assert.ok(res.status === 201 || res.status === 200, `upload ${fileName}: ${res.status}`);
  return (await res.json()) as ImageRecord;
}

const BASE = 'cat9k_iosxe.17.09.04a.SPA.bin';
const SMU = 'cat9k_iosxe.17.09.04a.CSCwh87343.SPA.smu.bin';
const SUB = 'cat9k-rpbase.17.09.04a.SPA.pkg';
const scope = { family: 'C9300', site: 'Global/Paris/B1' };

describe('golden tags', () => {
  let base: ImageRecord;
  let smu: ImageRecord;
  let sub: ImageRecord;
  let loose: ImageRecord;

  before(async () => {
    assert.equal((await call('POST', '/sites', { path: 'Global/Paris', kind: 'area' })).status, 201);
    assert.equal((await call('POST', '/sites', { path: 'Global/Paris/B1', kind: 'building' })).status, 201);
    base = await upload(BASE, randomBytes(4096), '&families=C9300,C9400');
    smu = await upload(SMU, randomBytes(1024), `&baseImageId=${base.id}&families=C9300`);
    sub = await upload(SUB, randomBytes(512));
    loose = await upload('isr4300-universalk9.16.09.04.SPA.bin', randomBytes(512));
  });

  it('reads the image type from the file name at import', () => {
    assert.equal(base.imageType, 'base');
    assert.equal(smu.imageType, 'SMU');
    assert.equal(smu.baseImageId, base.id);
    assert.equal(sub.imageType, 'subpackage');
    assert.deepEqual(base.families, ['C9300', 'C9400']);
    assert.equal(base.integrity, 'not-verifiable');
  });

  it('refuses a site-scoped tag for a site that does not exist, and changes nothing', async () => {
    const r = await call<{ error: string }>('POST', `/images/${base.id}/golden`, { family: 'C9300', site: 'Global/Paris/B9' });
    assert.equal(r.status, 422);
    assert.match(r.body.error, /no site Global\/Paris\/B9/);
    const bad = await call<{ error: string }>('POST', `/images/${base.id}/golden`, { family: 'C9300', site: 'Paris/B1' });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /must start with Global/);
    const groups = await call<Array<{ family: string; images: Array<{ id: string; golden: unknown[] }> }>>('GET', '/images/by-family');
    assert.deepEqual(groups.body.find((g) => g.family === 'C9300')?.images.find((i) => i.id === base.id)?.golden, []);
  });

  it('never tags a subpackage', async () => {
    const r = await call<{ error: string }>('POST', `/images/${sub.id}/golden`, { family: 'C9300' });
    assert.equal(r.status, 422);
    assert.match(r.body.error, /subpackage/);
  });

  it('tags a SMU only where its base is golden', async () => {
    const early = await call<{ error: string }>('POST', `/images/${smu.id}/golden`, scope);
    assert.equal(early.status, 409);
    assert.match(early.body.error, /only where its base image is golden/);
    assert.equal((await call('POST', `/images/${base.id}/golden`, scope)).status, 201);
    assert.equal((await call('POST', `/images/${base.id}/golden`, scope)).status, 200, 're-tag is idempotent');
    assert.equal((await call('POST', `/images/${smu.id}/golden`, scope)).status, 201);
  });

  it('refuses to untag a base while its SMU is golden, then untags in order', async () => {
    const r = await call<{ error: string }>('DELETE', `/images/${base.id}/golden`, scope);
    assert.equal(r.status, 409);
    assert.match(r.body.error, /add-ons depend on it/);
    assert.equal((await call('DELETE', `/images/${smu.id}/golden`, scope)).status, 200);
  });

  it('refuses to delete a golden image and deletes an untagged one', async () => {
    const r = await call<{ error: string }>('DELETE', `/images/${base.id}`);
    assert.equal(r.status, 409);
    assert.match(r.body.error, /golden/);
    assert.equal((await call('DELETE', `/images/${loose.id}`)).status, 200);
    assert.equal((await call('DELETE', `/images/${loose.id}`)).status, 404);
    assert.ok(!(await netswim.imageStore.has(loose.sha256)));
    assert.ok(!(await call<ImageRecord[]>('GET', '/images')).body.some((i) => i.id === loose.id));
  });

  it('groups images by family with their golden scopes and add-ons', async () => {
    const r = await call<Array<{ family: string; images: Array<ImageRecord & { golden: unknown[]; addOns: Array<{ id: string }> }> }>>('GET', '/images/by-family');
    assert.equal(r.status, 200);
    const c9300 = r.body.find((g) => g.family === 'C9300');
    const b = c9300?.images.find((i) => i.id === base.id);
    assert.deepEqual(b?.golden, [{ role: null, site: 'Global/Paris/B1' }]);
    assert.deepEqual(b?.addOns.map((a) => a.id), [smu.id]);
    assert.ok(r.body.find((g) => g.family === 'C9400')?.images.some((i) => i.id === base.id));
    assert.ok(r.body.find((g) => g.family === 'unassigned')?.images.some((i) => i.id === sub.id));
  });
});

describe('sites', () => {
  it('builds the tree parent first: a floor only in a building, no orphans, no deletion while in use', async () => {
    assert.equal((await call('POST', '/sites', { path: 'Global/EMEA', kind: 'area' })).status, 201);
    assert.equal((await call('POST', '/sites', { path: 'Global/EMEA', kind: 'area' })).status, 200, 'creating again is idempotent');
    const clash = await call<{ error: string }>('POST', '/sites', { path: 'Global/EMEA', kind: 'building' });
    assert.equal(clash.status, 409);
    const orphan = await call<{ error: string }>('POST', '/sites', { path: 'Global/APAC/Tokyo', kind: 'building' });
    assert.equal(orphan.status, 422);
    assert.match(orphan.body.error, /no site Global\/APAC: create the parent first/);
    const floorInArea = await call<{ error: string }>('POST', '/sites', { path: 'Global/EMEA/Floor-1', kind: 'floor' });
    assert.equal(floorInArea.status, 422);
    assert.match(floorInArea.body.error, /a floor goes under building/);
    assert.equal((await call('POST', '/sites', { path: 'Global/EMEA/London', kind: 'building' })).status, 201);
    assert.equal((await call('POST', '/sites', { path: ' Global / EMEA / London / Floor-1 ', kind: 'floor' })).status, 201, 'spacing is normalised');
    const sites = await call<Array<{ path: string; parent: string | null; kind: string }>>('GET', '/sites');
    assert.deepEqual(
      sites.body.filter((s) => s.path.startsWith('Global/EMEA')).map((s) => [s.path, s.parent, s.kind]),
      [['Global/EMEA', 'Global', 'area'], ['Global/EMEA/London', 'Global/EMEA', 'building'], ['Global/EMEA/London/Floor-1', 'Global/EMEA/London', 'floor']],
    );
    const inUse = await call<{ error: string }>('DELETE', `/sites/${encodeURIComponent('Global/EMEA/London')}`);
    assert.equal(inUse.status, 409);
    assert.match(inUse.body.error, /1 site\(s\) below it/);
    assert.equal((await call('DELETE', `/sites/${encodeURIComponent('Global/EMEA/London/Floor-1')}`)).status, 200);
    assert.equal((await call('DELETE', `/sites/${encodeURIComponent('Global/EMEA/London/Floor-1')}`)).status, 404);
    assert.equal((await call('DELETE', '/sites/Global')).status, 409);
  });

  it('places an imported device in its site, creating the missing levels', async () => {
    const device = { hostname: 'placed-1', address: '127.0.0.9', port: 22, platform: 'cat9300', site: 'Global/Americas/NYC', username: 'u', password: 'p' };
    assert.equal((await call('POST', '/devices/import', [device])).status, 200);
    const sites = await call<Array<{ path: string; kind: string; devices: number }>>('GET', '/sites');
    assert.deepEqual(sites.body.filter((s) => s.path.startsWith('Global/Americas')).map((s) => [s.path, s.kind, s.devices]), [['Global/Americas', 'area', 0], ['Global/Americas/NYC', 'area', 1]]);
    const held = await call<{ error: string }>('DELETE', `/sites/${encodeURIComponent('Global/Americas/NYC')}`);
    assert.equal(held.status, 409);
    assert.match(held.body.error, /1 device\(s\)/);
    const bad = await call<{ error: string }>('POST', '/devices', { ...device, hostname: 'placed-2', site: 'lab-site-01' });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /must start with Global/);
  });
});

describe('image assignments', () => {
  it('links a SMU to its base image by platform and version, whichever is imported first', async () => {
    const smu = await upload('cat9k_iosxe.17.12.01.CSCwa11111.SPA.smu.bin', randomBytes(700));
    assert.equal(smu.baseImageId, null, 'no base image yet');
    const base = await upload('cat9k_iosxe.17.12.01.SPA.bin', randomBytes(900));
    const images = await call<ImageRecord[]>('GET', '/images');
    assert.equal(images.body.find((i) => i.id === smu.id)?.baseImageId, base.id);
    const laterSmu = await upload('cat9k_iosxe.17.12.01.CSCwa22222.SPA.smu.bin', randomBytes(701));
    assert.equal(laterSmu.baseImageId, base.id);
  });

  it('assigns families after import (before any device of the family exists) and refuses bad links', async () => {
    const base = await upload('isr4300-universalk9.17.06.05.SPA.bin', randomBytes(800));
    const r = await call<ImageRecord>('PATCH', `/images/${base.id}`, { families: ['isr4300', 'isr4400'] });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.families, ['isr4300', 'isr4400']);
    assert.equal((await call('POST', `/images/${base.id}/golden`, { family: 'isr4400' })).status, 201, 'golden for a family with no device yet');
    const notAddOn = await call<{ error: string }>('PATCH', `/images/${base.id}`, { baseImageId: base.id });
    assert.equal(notAddOn.status, 422);
    assert.match(notAddOn.body.error, /only SMUs, AP packs and NX-OS kickstart images have a base image/);
    const empty = await call<{ error: string }>('PATCH', `/images/${base.id}`, {});
    assert.equal(empty.status, 400);
    const unknownField = await call<{ error: string }>('PATCH', `/images/${base.id}`, { sha256: 'x' });
    assert.equal(unknownField.status, 400);
    assert.deepEqual((await call<ImageRecord[]>('GET', '/images')).body.find((i) => i.id === base.id)?.families, ['isr4300', 'isr4400']);
  });
});

describe('known good values', () => {
  const genuine = randomBytes(2048);
  const tampered = randomBytes(2048);
  const NAME = 'c8000v-universalk9.17.09.04a.SPA.bin';
  const kgv = {
    header: { version: 'KGV_format_2.0' },
    products: [
      {
        product: 'C8000V',
        osImageVersions: [{ version: '17.09.04a', entries: [{ filename: NAME, sha512: hex('sha512', genuine), md5: hex('md5', genuine), sha256: hex('sha256', genuine) }] }],
      },
    ],
  };

  it('verifies, flags a mismatch and refuses its upgrade, leaves unlisted images not verifiable', async () => {
    const good = await upload(NAME, genuine);
    const r = await call<{ entries: number; verified: number; mismatch: number; notVerifiable: number }>('POST', '/kgv', kgv);
    assert.equal(r.status, 200);
    assert.equal(r.body.entries, 1);
    assert.equal(r.body.verified, 1);
    assert.equal(r.body.mismatch, 0);
    const bad = await upload(NAME, tampered);
    assert.equal(bad.integrity, 'mismatch', 'checked at import against the stored entries');
    assert.match(bad.integrityReason ?? '', /differs/);
    const images = (await call<ImageRecord[]>('GET', '/images')).body;
    assert.equal(images.find((i) => i.id === good.id)?.integrity, 'verified');
    assert.ok(images.filter((i) => i.fileName !== NAME).every((i) => i.integrity === 'not-verifiable'));

    const again = await call<{ mismatch: number }>('POST', '/kgv', kgv);
    assert.equal(again.body.mismatch, 1);

    const golden = await call<{ error: string }>('POST', `/images/${bad.id}/golden`, { family: 'C8000V' });
    assert.equal(golden.status, 409);
    const device = await call('POST', '/devices', { hostname: 'kgv-edge', address: '127.0.0.1', port: 2222, platform: 'c8000v', username: 'netswim', password: 'secret-password' });
    assert.equal(device.status, 201);
    const upgrade = await call<{ error: string }>('POST', '/upgrades', { device: 'kgv-edge', imageId: bad.id });
    assert.equal(upgrade.status, 409);
    assert.match(upgrade.body.error, /integrity/);
  });

  it('records a third-party image with its vendor, application type and family, outside Cisco KGV', async () => {
    const bytes = randomBytes(600);
    const res = await netswim.api('/images?fileName=fw-appliance-7.4.1.img&version=7.4.1&vendor=Acme&applicationType=firewall&thirdPartyFamily=acme-fw', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: bytes });
    assert.equal(res.status, 201);
    const image = (await res.json()) as ImageRecord;
    assert.deepEqual([image.vendor, image.applicationType, image.thirdPartyFamily, image.integrity], ['Acme', 'firewall', 'acme-fw', 'not-verifiable']);
    assert.match(image.integrityReason ?? '', /third-party image \(Acme\)/);
    const incomplete = await netswim.api('/images?fileName=other.img&vendor=Acme', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: randomBytes(10) });
    assert.equal(incomplete.status, 400);
    assert.match(((await incomplete.json()) as { error: string }).error, /needs applicationType and thirdPartyFamily/);
    const cisco = await upload('c2900-universalk9-mz.SPA.152-4.M7.bin', randomBytes(300));
    assert.equal(cisco.vendor, 'Cisco');
    assert.equal(cisco.platform, 'c2900');
  });

  it('refuses a malformed KGV file and changes nothing', async () => {
    const before = (await call<ImageRecord[]>('GET', '/images')).body;
    for (const body of ['{not json', { products: [] }, { products: [{ product: 'X', osImageVersions: [{ version: '1', entries: [{ filename: 'a.bin', sha512: 'zz' }] }] }] }]) {
      const r = await call<{ error: string }>('POST', '/kgv', body);
      assert.equal(r.status, 400);
      assert.match(r.body.error, /not a Known Good Values file/);
    }
    assert.deepEqual((await call<ImageRecord[]>('GET', '/images')).body, before);
  });
});
