// Issue 14, finding 3 (SSRF with an unauthenticated read-back): POST /images/import fetched the lab
// control API and Temporal's HTTP API on loopback, and the image service then served the answer to
// anyone. Here, against a real Temporal dev server, netswim and a lab with its control API, with
// NETSWIM_IMPORT_ALLOW naming one loopback file server (address and port) and nothing else.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ImportView } from '../api/import-status.ts';
import { startLab } from '../lab/fleet.ts';
import type { Lab } from '../lab/types.ts';
import type { DevServer } from '../scripts/temporal-dev-server.ts';
import type { ImageRecord } from '../store/images.ts';
import { startTestNetswim, type TestNetswim } from './support/netswim.ts';
import { startTestTemporal } from './support/temporal.ts';

const IMAGE_NAME = 'cat9k_iosxe.17.15.01.SPA.bin';
const imageBytes = randomBytes(128 * 1024 + 3);

let temporal: DevServer;
let netswim: TestNetswim;
let lab: Lab;
let labDir: string;
/** The allowed file server; it redirects /redirect/* to the lab control API. */
let files: http.Server;
let filesBase = '';
/** A loopback server that is not allowed: it must never see a request. */
let bystander: http.Server;
let bystanderPort = 0;
let bystanderRequests = 0;

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function listen(server: http.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function closeServer(server: http.Server | undefined): Promise<void> {
  if (!server) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

async function apiJson<T>(path: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const response = await netswim.api(path, init);
  return { status: response.status, body: (await response.json()) as T };
}

const startImport = (body: unknown) => apiJson<{ workflowId?: string; error?: string }>('/images/import', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function importAndWait(body: unknown): Promise<ImportView> {
  const started = await startImport(body);
  assert.equal(started.status, 202, JSON.stringify(started.body));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const { body: view } = await apiJson<ImportView>(`/images/import/${started.body.workflowId ?? ''}`);
    if (view.execution !== 'RUNNING') return view;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the import did not finish in time');
}

async function images(): Promise<ImageRecord[]> {
  return (await apiJson<ImageRecord[]>('/images')).body;
}

/** Every file under the image store (blobs and temp files). */
async function storedFiles(): Promise<string[]> {
  try {
    return (await readdir(join(netswim.dataDir, 'images'), { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
  } catch {
    return [];
  }
}

async function urlImportCount(): Promise<number> {
  const rows = await netswim.db.query<{ n: string | number }>('SELECT count(*) AS n FROM url_imports');
  return Number(rows[0]?.n);
}

before(async () => {
  temporal = await startTestTemporal();
  labDir = await mkdtemp(join(tmpdir(), 'netswim-guard-lab-'));
  lab = await startLab({ stateDir: labDir, controlPort: 0, devices: [{ hostname: 'guard-1', address: '127.0.0.1', port: 0, platform: 'cat9300', username: 'netswim', password: 'pw-guard-1', reloadDurationMs: 500 }] });
  files = http.createServer((req, res) => {
    if (req.url === `/images/${IMAGE_NAME}`) res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': imageBytes.length }).end(imageBytes);
    else if (req.url?.startsWith('/redirect/')) res.writeHead(302, { location: `${lab.controlUrl ?? ''}/devices` }).end();
    else res.writeHead(404).end('not found');
  });
  filesBase = `http://127.0.0.1:${await listen(files)}`;
  bystander = http.createServer((_req, res) => {
    bystanderRequests++;
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end('secret');
  });
  bystanderPort = await listen(bystander);
  netswim = await startTestNetswim(temporal.address, { env: { NETSWIM_IMPORT_ALLOW: new URL(filesBase).host } });
});

after(async () => {
  await netswim?.stopAll();
  await closeServer(files);
  await closeServer(bystander);
  await lab?.stop();
  if (labDir) await rm(labDir, { recursive: true, force: true });
  await temporal?.stop();
});

describe('URL imports are restricted (no SSRF)', () => {
  it('refuses the lab control API and netswim’s own API with a 400 naming url and the reason; nothing stored, nothing served', async () => {
    const control = lab.controlUrl ?? '';
    assert.match(control, /^http:\/\/127\.0\.0\.1:\d+$/);
    // What an attacker wanted to read back through the image service.
    const devicesJson = Buffer.from(await (await fetch(`${control}/devices`)).arrayBuffer());
    const recordsBefore = await urlImportCount();
    const imagesBefore = await images();
    const filesBefore = await storedFiles();
    const refused: Array<[unknown, RegExp]> = [
      [{ url: `${control}/devices` }, /^url: refused: 127\.0\.0\.1 is a loopback address \(127\.0\.0\.0\/8\); NETSWIM_IMPORT_ALLOW can allow it$/],
      [{ url: `${control}/devices`, fileName: 'devices.bin' }, /loopback/],
      [{ url: `http://2130706433:${new URL(control).port}/devices` }, /loopback/],
      [{ url: `http://0x7f.1:${new URL(control).port}/devices` }, /loopback/],
      [{ url: `http://[::ffff:7f00:1]:${new URL(control).port}/devices` }, /loopback.*IPv6 form of 127\.0\.0\.1/],
      // netswim's own services are named as such (refused whatever NETSWIM_IMPORT_ALLOW says).
      [{ url: `${netswim.apiUrl ?? ''}/devices` }, /^url: refused: 127\.0\.0\.1:\d+ is netswim's own API, never an image source$/],
      [{ url: `http://${temporal.address}/api/v1/namespaces` }, /netswim's own Temporal frontend/],
      [{ url: `http://169.254.169.254/latest/meta-data/iam.bin` }, /link-local.*cloud metadata/],
      [{ url: 'ftp://0.0.0.0/x.bin' }, /unspecified/],
    ];
    for (const [body, reason] of refused) {
      const answer = await startImport(body);
      assert.equal(answer.status, 400, `${JSON.stringify(body)}: ${JSON.stringify(answer.body)}`);
      assert.match(answer.body.error ?? '', reason, JSON.stringify(body));
      assert.equal(answer.body.workflowId, undefined);
    }
    assert.equal(await urlImportCount(), recordsBefore, 'no import recorded');
    assert.deepEqual(await images(), imagesBefore, 'no image');
    assert.deepEqual(await storedFiles(), filesBefore, 'no blob, no temp file');
    const served = await fetch(`${netswim.imageServiceUrl}/images/${sha256(devicesJson)}/devices`);
    assert.equal(served.status, 404, 'the image service does not serve the lab inventory');
  });

  it('refuses in the download a host name that resolves to loopback, before connecting: failed import with the reason, nothing stored', async () => {
    const imagesBefore = await images();
    const filesBefore = await storedFiles();
    for (const port of [bystanderPort, Number(new URL(lab.controlUrl ?? '').port)]) {
      const view = await importAndWait({ url: `http://localhost:${port}/leak/${IMAGE_NAME}` });
      assert.equal(view.execution, 'FAILED');
      assert.match(view.error ?? '', new RegExp(`http://localhost:${port}/leak/${IMAGE_NAME.replace(/\./g, '\\.')}: refused: localhost resolves to (127\\.0\\.0\\.1|::1): .* is a loopback address`));
      assert.equal(view.image, undefined);
    }
    assert.equal(bystanderRequests, 0, 'no connection reached the refused server');
    assert.deepEqual(await images(), imagesBefore);
    assert.deepEqual(await storedFiles(), filesBefore);
  });

  it('does not follow a redirect from an allowed server to the lab control API, and does not name its target', async () => {
    const imagesBefore = await images();
    const view = await importAndWait({ url: `${filesBase}/redirect/${IMAGE_NAME}` });
    assert.equal(view.execution, 'FAILED');
    assert.match(view.error ?? '', /answered HTTP 302 Found \(redirects are not followed: import the final URL\)/);
    assert.ok(!(view.error ?? '').includes(new URL(lab.controlUrl ?? '').port), `the redirect target is not shown: ${view.error}`);
    assert.deepEqual(await images(), imagesBefore);
  });

  it('imports from the allowed server (its address and port in NETSWIM_IMPORT_ALLOW), and serves it', async () => {
    const view = await importAndWait({ url: `${filesBase}/images/${IMAGE_NAME}` });
    assert.equal(view.execution, 'COMPLETED', JSON.stringify(view));
    assert.equal(view.image?.sha256, sha256(imageBytes));
    const served = await fetch(`${netswim.imageServiceUrl}/images/${sha256(imageBytes)}/${IMAGE_NAME}`);
    assert.equal(served.status, 200);
    assert.deepEqual(Buffer.from(await served.arrayBuffer()), imageBytes);
  });
});
