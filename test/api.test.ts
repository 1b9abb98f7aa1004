// The HTTP API: authentication, roles, validation (400 and nothing changed), streamed upload.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createApi } from '../api/app.ts';
import { startLab } from '../lab/fleet.ts';
import { fleetSpecs, loadOrCreateCredentials, mixPlatforms, writeInventory } from '../lab/fleet-spec.ts';
import { parseApiTokens } from '../api/auth.ts';
import { createLogger } from '../runtime/logger.ts';
import type { DevServer } from '../scripts/temporal-dev-server.ts';
import { getDeviceConnection } from '../store/devices.ts';
import { countUpgrades } from '../store/upgrades.ts';
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

const json = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const validDevice = { hostname: 'edge-1', address: '127.0.0.1', port: 2222, platform: 'cat9300', username: 'netswim', password: 'secret-password' };

async function workflowCount(): Promise<number> {
  return (await netswim.temporal.workflow.count()).count;
}

describe('authentication and roles', () => {
  it('refuses requests without a known token', async () => {
    assert.equal((await fetch(`${netswim.apiUrl!}/devices`)).status, 401);
    const wrong = await fetch(`${netswim.apiUrl!}/devices`, { headers: { authorization: 'Bearer not-a-real-token-at-all' } });
    assert.equal(wrong.status, 401);
    assert.equal((await fetch(`${netswim.apiUrl!}/health`)).status, 200);
  });

  it('lets a viewer read but not change anything', async () => {
    const viewerToken = 'viewer-token-0123456789';
    const app = createApi({
      db: netswim.db,
      secretBox: netswim.secretBox,
      imageStore: netswim.imageStore,
      temporal: netswim.temporal,
      taskQueue: 'unused',
      tokens: parseApiTokens(`viewer:${viewerToken}`),
      maxImageBytes: 1024,
      importGuard: { allow: [], ownListeners: () => [] },
      logger: createLogger({ level: 'error' }),
    });
    const auth = { authorization: `Bearer ${viewerToken}` };
    assert.equal((await app.request('/devices', { headers: auth })).status, 200);
    const write = await app.request('/devices', { ...json(validDevice), headers: { ...auth, 'content-type': 'application/json' } });
    assert.equal(write.status, 403);
    assert.match(((await write.json()) as { error: string }).error, /viewer may not operate/);
  });

  it('refuses a malformed token table at start', () => {
    assert.throws(() => parseApiTokens('root:0123456789abcdef'), /role of viewer, operator, approver, admin/);
    assert.throws(() => parseApiTokens('admin:short'), /shorter than 16/);
  });
});

describe('validation', () => {
  const badDevices: Array<[string, unknown, RegExp]> = [
    ['missing password', { ...validDevice, password: undefined }, /password/],
    ['port out of range', { ...validDevice, port: 70000 }, /port/],
    ['hostname with a space', { ...validDevice, hostname: 'edge 1' }, /hostname/],
    ['address with shell characters', { ...validDevice, address: '127.0.0.1;reload' }, /address/],
    ['unknown field', { ...validDevice, admin: true }, /admin/],
    ['unknown role', { ...validDevice, role: 'SUPERCORE' }, /role/],
  ];
  for (const [name, body, message] of badDevices) {
    it(`POST /devices: ${name} → 400 with the reason, nothing stored`, async () => {
      const response = await netswim.api('/devices', json(body));
      assert.equal(response.status, 400);
      assert.match(((await response.json()) as { error: string }).error, message);
      assert.equal((await (await netswim.api('/devices')).json() as unknown[]).length, 0);
    });
  }

  it('POST /devices: not JSON → 400', async () => {
    const response = await netswim.api('/devices', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"hostname": ' });
    assert.equal(response.status, 400);
    assert.match(((await response.json()) as { error: string }).error, /not valid JSON/);
  });

  const badUpgrades: Array<[string, unknown, number, RegExp]> = [
    ['no image', { device: 'edge-1' }, 400, /imageId/],
    ['image id not a uuid', { device: 'edge-1', imageId: '42' }, 400, /imageId/],
    ['reload timeout too short', { device: 'edge-1', imageId: '6b0f7f0e-4a52-4e39-9b3c-9b2b5c8c2f11', reloadTimeoutSeconds: 1 }, 400, /reloadTimeoutSeconds/],
    ['unknown device', { device: 'nope', imageId: '6b0f7f0e-4a52-4e39-9b3c-9b2b5c8c2f11' }, 404, /no device nope/],
  ];
  for (const [name, body, status, message] of badUpgrades) {
    it(`POST /upgrades: ${name} → ${status}, no workflow started`, async () => {
      const response = await netswim.api('/upgrades', json(body));
      assert.equal(response.status, status);
      assert.match(((await response.json()) as { error: string }).error, message);
      assert.equal(await workflowCount(), 0);
      assert.equal(await countUpgrades(netswim.db), 0);
    });
  }

  it('GET /upgrades/<not an id> → 400, unknown id → 404', async () => {
    assert.equal((await netswim.api('/upgrades/..%2F..%2Fetc')).status, 400);
    assert.equal((await netswim.api('/upgrades/upgrade/edge-1/deadbeef')).status, 404);
  });
});

describe('one upgrade per device at a time', () => {
  it('refuses a second upgrade while the first runs, even when both are requested at once', async () => {
    assert.equal((await netswim.api('/devices', json({ ...validDevice, hostname: 'busy-1' }))).status, 201);
    const upload = await netswim.api('/images?fileName=cat9k_iosxe.17.12.01.SPA.bin', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: randomBytes(1000) });
    const { id: imageId } = (await upload.json()) as { id: string };
    // This suite runs no worker, so an upgrade once started stays running.
    const responses = await Promise.all([1, 2, 3].map(() => netswim.api('/upgrades', json({ device: 'busy-1', imageId }))));
    const statuses = responses.map((r) => r.status).sort();
    assert.deepEqual(statuses, [201, 409, 409]);
    const started = (await responses.find((r) => r.status === 201)!.json()) as { workflowId: string };
    const refused = (await responses.find((r) => r.status === 409)!.json()) as { error: string; workflowId: string };
    assert.match(refused.error, /busy-1 already has an upgrade running/);
    assert.equal(refused.workflowId, started.workflowId, 'the refusal names the running upgrade');
    assert.equal(await countUpgrades(netswim.db), 1);
  });
});

describe('PATCH /devices/:hostname', () => {
  it('rotates credentials and changes connection details; bad input changes nothing', async () => {
    const created = await netswim.api('/devices', json({ ...validDevice, hostname: 'rotate-1' }));
    assert.equal(created.status, 201);
    const { id } = (await created.json()) as { id: string };
    const patch = (body: unknown, host = 'rotate-1') => netswim.api(`/devices/${host}`, { ...json(body), method: 'PATCH' });

    const rotated = await patch({ password: 'rotated-password', port: 2223 });
    assert.equal(rotated.status, 200);
    assert.equal(((await rotated.json()) as { port: number }).port, 2223);
    const connection = await getDeviceConnection(netswim.db, netswim.secretBox, id);
    assert.equal(connection?.password, 'rotated-password');
    assert.equal(connection?.username, validDevice.username, 'fields not named keep their value');

    for (const [body, message] of [[{}, /at least one field/], [{ port: 0 }, /port/], [{ hostname: 'other' }, /hostname/]] as const) {
      const response = await patch(body);
      assert.equal(response.status, 400);
      assert.match(((await response.json()) as { error: string }).error, message);
    }
    assert.equal((await patch({ port: 22 }, 'no-such-device')).status, 404);
    const after = await getDeviceConnection(netswim.db, netswim.secretBox, id);
    assert.deepEqual({ port: after?.port, password: after?.password }, { port: 2223, password: 'rotated-password' });
  });
});

describe('POST /images', () => {
  it('streams an upload and returns its size and checksums; the same bytes again are the same image', async () => {
    const bytes = randomBytes(5 * 1024 * 1024);
    const upload = () => netswim.api('/images?fileName=cat9k_iosxe.17.09.04a.SPA.bin', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: bytes });
    const first = await upload();
    assert.equal(first.status, 201);
    const image = (await first.json()) as { id: string; sizeBytes: number; md5: string; sha256: string; version: string };
    assert.equal(image.sizeBytes, bytes.length);
    assert.equal(image.md5, createHash('md5').update(bytes).digest('hex'));
    assert.equal(image.sha256, createHash('sha256').update(bytes).digest('hex'));
    assert.equal(image.version, '17.09.04a');
    const second = await upload();
    assert.equal(second.status, 200);
    assert.equal(((await second.json()) as { id: string }).id, image.id);
  });

  it('refuses a dangerous file name, a multipart body and an oversized image, storing nothing', async () => {
    const before = ((await (await netswim.api('/images')).json()) as unknown[]).length;
    const bad = await netswim.api('/images?fileName=..%2Fboot.bin', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: 'x' });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: string }).error, /fileName/);
    const multipart = await netswim.api('/images?fileName=a.bin', { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: 'x' });
    assert.equal(multipart.status, 415);
    const big = await netswim.api('/images?fileName=big.bin', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: randomBytes(65 * 1024 * 1024) });
    assert.equal(big.status, 413);
    assert.equal(((await (await netswim.api('/images')).json()) as unknown[]).length, before);
  });
});

describe('POST /devices/import', () => {
  it("imports a lab's inventory file in one call, then refreshes it; a bad entry stores nothing", async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'netswim-inventory-'));
    const credentials = await loadOrCreateCredentials(stateDir);
    const lab = await startLab({ stateDir, devices: fleetSpecs({ count: mixPlatforms().length, baseAddress: '127.0.0.1', port: 0, credentials, platforms: mixPlatforms() }).map((spec, i) => ({ ...spec, address: `127.0.0.${i + 1}` })) });
    try {
      const { path } = await writeInventory(lab, stateDir);
      const inventory = await readFile(path, 'utf8');
      const importIt = (body: string) => netswim.api('/devices/import', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const before = ((await (await netswim.api('/devices')).json()) as unknown[]).length;

      const first = await importIt(inventory);
      assert.equal(first.status, 200);
      assert.deepEqual(await first.json(), { created: mixPlatforms().length, updated: 0 });
      const devices = (await (await netswim.api('/devices')).json()) as Array<{ hostname: string; platform: string; role: string | null; port: number }>;
      assert.equal(devices.length, before + mixPlatforms().length);
      const imported = devices.filter((d) => lab.devices.some((l) => l.hostname === d.hostname));
      assert.deepEqual(new Set(imported.map((d) => d.platform)), new Set(mixPlatforms()));
      assert.ok(imported.every((d) => d.role === 'ACCESS' || d.role === 'DISTRIBUTION'), 'lab roles are read in any case');
      assert.equal(imported.find((d) => d.hostname === lab.devices[0]!.hostname)?.port, lab.devices[0]!.port);

      assert.deepEqual(await (await importIt(inventory)).json(), { created: 0, updated: mixPlatforms().length });

      const entries = JSON.parse(inventory) as Array<Record<string, unknown>>;
      for (const [broken, reason] of [
        [[...entries, { ...entries[0], hostname: 'new-one', password: undefined }], new RegExp(`at \\[${entries.length}\\]\\.password`)],
        [[...entries, { ...entries[1], address: '127.0.9.9' }], /appears twice/],
      ] as const) {
        const refused = await importIt(JSON.stringify(broken));
        assert.equal(refused.status, 400);
        assert.match(((await refused.json()) as { error: string }).error, reason);
      }
      assert.equal(((await (await netswim.api('/devices')).json()) as unknown[]).length, before + mixPlatforms().length, 'nothing stored');
    } finally {
      await lab.stop();
      await rm(stateDir, { recursive: true, force: true });
    }
  });
});
