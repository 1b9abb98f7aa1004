// Image import from a URL as a Temporal workflow, against a real Temporal dev server, netswim,
// and real servers: a plain node:http server started here (slow, dropping and missing files),
// HTTPS with a self-signed certificate, and FTP with user:password (pyftpdlib).
// NETSWIM_SKIP_PYTHON_SERVERS=1 skips the FTP cases (machines without Python or PyPI).
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ImportView } from '../api/import-status.ts';
import type { ImageRecord } from '../store/images.ts';
import type { DevServer } from '../scripts/temporal-dev-server.ts';
import { startTestNetswim, type TestNetswim } from './support/netswim.ts';
import { startTestTemporal } from './support/temporal.ts';
import { serversPython, startFtpServer, startHttpsServer, type TransferServer } from './support/transfer-servers.ts';

const skipPython = process.env.NETSWIM_SKIP_PYTHON_SERVERS === '1' ? 'NETSWIM_SKIP_PYTHON_SERVERS=1' : false;
const FTP_USER = 'netswim';
const FTP_PASSWORD = `ftp-${randomBytes(8).toString('hex')}`;

const SLOW_NAME = 'cat9k_iosxe.17.09.04a.SPA.bin';
const HTTPS_NAME = 'c2900-universalk9-mz.SPA.152-4.M7.bin';
const FTP_NAME = 'cat9k_iosxe.17.12.01.SPA.bin';
const slowBytes = randomBytes(1024 * 1024 + 17);
const httpsBytes = randomBytes(300 * 1024 + 5);
const ftpBytes = randomBytes(700 * 1024 + 3);
const dropBytes = randomBytes(1024 * 1024);

let temporal: DevServer;
let netswim: TestNetswim;
let plain: http.Server;
let plainBase = '';
let httpsServer: TransferServer | undefined;
let ftp: (TransferServer & { url(path: string, as?: { user: string; password: string } | null): string }) | undefined;

const hex = (algorithm: string, bytes: Buffer) => createHash(algorithm).update(bytes).digest('hex');

/** Every API answer the test reads, as text: the FTP password must appear in none. */
const answers: string[] = [];
/** Slow downloads whose connection the client closed before the end. */
let slowDownloadsCut = 0;

async function apiJson<T>(path: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const response = await netswim.api(path, init);
  const text = await response.text();
  answers.push(text);
  return { status: response.status, body: JSON.parse(text) as T };
}

function startImport(body: unknown): Promise<{ status: number; body: { workflowId?: string; error?: string } }> {
  return apiJson('/images/import', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** Polls GET /images/import/:id until the workflow closes; returns every view seen. */
async function waitImport(workflowId: string, timeoutMs = 60_000): Promise<{ view: ImportView; seen: ImportView[] }> {
  const seen: ImportView[] = [];
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { status, body } = await apiJson<ImportView>(`/images/import/${workflowId}`);
    assert.equal(status, 200, JSON.stringify(body));
    seen.push(body);
    if (body.execution !== 'RUNNING') return { view: body, seen };
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`import ${workflowId} did not finish in time`);
}

const SIGNED_NAME = 'cat9k_iosxe.17.12.05.SPA.bin';
const SIGNED_TOKEN = `tok-${randomBytes(12).toString('hex')}`;
const signedBytes = randomBytes(200 * 1024);
/** What the signed-URL server was asked for, query included. */
const signedRequests: string[] = [];

async function importAndWait(body: unknown): Promise<{ view: ImportView; seen: ImportView[]; workflowId: string }> {
  const started = await startImport(body);
  assert.equal(started.status, 202, JSON.stringify(started.body));
  const workflowId = started.body.workflowId ?? '';
  assert.match(workflowId, /^image-import\/[0-9a-f-]{36}$/);
  return { ...(await waitImport(workflowId)), workflowId };
}

async function images(): Promise<ImageRecord[]> {
  return (await apiJson<ImageRecord[]>('/images')).body;
}

async function tempFiles(): Promise<string[]> {
  try {
    return await readdir(join(netswim.dataDir, 'images', 'tmp'));
  } catch {
    return [];
  }
}

async function urlImportCount(): Promise<number> {
  const rows = await netswim.db.query<{ n: string | number }>('SELECT count(*) AS n FROM url_imports');
  return Number(rows[0]?.n);
}

function assertImage(image: ImageRecord | undefined, bytes: Buffer, fileName: string): void {
  assert.ok(image, 'an image record');
  assert.equal(image.fileName, fileName);
  assert.equal(image.sizeBytes, bytes.length);
  assert.equal(image.md5, hex('md5', bytes));
  assert.equal(image.sha256, hex('sha256', bytes));
  assert.equal(image.sha512, hex('sha512', bytes));
}

before(async () => {
  temporal = await startTestTemporal();
  // Progress every 1 s (default 10 s), so the 5-s slow download below shows it while running.
  // The file servers here are on loopback, which imports may not reach unless allowed: the whole
  // of 127.0.0.1 is allowed, and netswim's own services there stay refused (tested below).
  netswim = await startTestNetswim(temporal.address, { env: { NETSWIM_IMPORT_INSECURE_TLS: '1', NETSWIM_MAX_IMAGE_BYTES: String(4 * 1024 * 1024), NETSWIM_PROGRESS_INTERVAL: '1s', NETSWIM_IMPORT_ALLOW: '127.0.0.1' } });
  plain = http.createServer((req, res) => {
    const path = req.url ?? '';
    if (path.startsWith(`/signed/${SIGNED_NAME}?`)) {
      signedRequests.push(path);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': signedBytes.length }).end(signedBytes);
    } else if (path === `/slow/${SLOW_NAME}`) {
      // About 5 s in 8 pieces, so that heartbeats (every 2 s, sent every 1 s) show the download under way.
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': slowBytes.length });
      const piece = Math.ceil(slowBytes.length / 8);
      let offset = 0;
      const timer = setInterval(() => {
        res.write(slowBytes.subarray(offset, offset + piece));
        offset += piece;
        if (offset >= slowBytes.length) {
          clearInterval(timer);
          res.end();
        }
      }, 600);
      res.on('close', () => {
        clearInterval(timer);
        if (!res.writableFinished) slowDownloadsCut++;
      });
    } else if (path === '/drop/cat9k_iosxe.17.06.05.SPA.bin') {
      // Announces 1 MiB, sends 300 KiB, then the connection drops.
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': dropBytes.length });
      res.write(dropBytes.subarray(0, 300 * 1024), () => setTimeout(() => res.socket?.destroy(), 100));
    } else if (path === '/big/cat9k_iosxe.17.03.01.SPA.bin') {
      // No Content-Length (chunked): the limit is enforced while streaming.
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = randomBytes(1024 * 1024);
      let sent = 0;
      const pump = (): void => {
        while (sent < 6 && res.write(chunk)) sent++;
        if (sent < 6) res.once('drain', () => { sent++; pump(); });
        else res.end();
      };
      res.on('error', () => undefined);
      pump();
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
  plainBase = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
  httpsServer = await startHttpsServer({ [`images/${HTTPS_NAME}`]: httpsBytes });
  if (!skipPython) {
    ftp = await startFtpServer({ python: await serversPython(), files: { [`images/${FTP_NAME}`]: ftpBytes }, user: FTP_USER, password: FTP_PASSWORD });
  }
});

after(async () => {
  await ftp?.close();
  await httpsServer?.close();
  if (plain) {
    plain.closeAllConnections();
    await new Promise<void>((resolve) => plain.close(() => resolve()));
  }
  await netswim?.stopAll();
  await temporal?.stop();
});

describe('image import from a URL', () => {
  it('masks every query value of a signed URL (?token=…) in the record, the answers and the histories, and still downloads with it', async () => {
    const url = `${plainBase}/signed/${SIGNED_NAME}?token=${SIGNED_TOKEN}&expires=1767225600#part`;
    const { view, workflowId } = await importAndWait({ url });
    assert.equal(view.execution, 'COMPLETED', view.error);
    assert.deepEqual(signedRequests, [`/signed/${SIGNED_NAME}?token=${SIGNED_TOKEN}&expires=1767225600`], 'the server got the whole URL');
    const record = (await images()).find((i) => i.fileName === SIGNED_NAME);
    assertImage(record, signedBytes, SIGNED_NAME);
    assert.equal(record?.source, `${plainBase}/signed/${SIGNED_NAME}?token=***&expires=***`);
    for (const answer of answers) assert.ok(!answer.includes(SIGNED_TOKEN), `an API answer shows the token: ${answer}`);
    const handle = netswim.temporal.workflow.getHandle(workflowId);
    const history = JSON.stringify(await handle.fetchHistory(), decodeBytes);
    assert.ok(history.includes('token=***'), 'the history was decoded and names the masked URL');
    assert.ok(!history.includes(SIGNED_TOKEN), 'no token in the history');
    const description = await handle.describe();
    assert.ok(!JSON.stringify(description.raw).includes(SIGNED_TOKEN), 'no token in the static details');
  });

  it('imports over HTTP with progress observable while it runs', async () => {
    const { view, seen } = await importAndWait({ url: `${plainBase}/slow/${SLOW_NAME}` });
    assert.equal(view.execution, 'COMPLETED', view.error);
    assertImage(view.image, slowBytes, SLOW_NAME);
    assert.equal(view.image?.version, '17.09.04a');
    assert.equal(view.image?.created, true);
    assert.equal(view.percent, 100);
    const partial = seen.filter((v) => v.execution === 'RUNNING' && v.bytes > 0 && v.bytes < slowBytes.length);
    assert.ok(partial.length > 0, `progress seen while running: ${JSON.stringify(seen.map((v) => [v.bytes, v.percent]))}`);
    assert.equal(partial[0]?.totalBytes, slowBytes.length);
    assert.ok((partial[0]?.percent ?? -1) >= 0 && (partial[0]?.percent ?? 100) < 100);
    assertImage((await images()).find((i) => i.id === view.image?.id), slowBytes, SLOW_NAME);
    assert.deepEqual(await tempFiles(), []);
  });

  it('imports over HTTPS from a self-signed server (NETSWIM_IMPORT_INSECURE_TLS=1) with a version override', async () => {
    const { view } = await importAndWait({ url: httpsServer?.url(`images/${HTTPS_NAME}`), version: '15.2(4)M7', platform: 'isr2900' });
    assert.equal(view.execution, 'COMPLETED', view.error);
    assertImage(view.image, httpsBytes, HTTPS_NAME);
    assert.equal(view.image?.platform, 'isr2900');
  });

  it('imports over FTP with user:password, and the same bytes again are one image', { skip: skipPython }, async () => {
    const url = ftp?.url(`images/${FTP_NAME}`) ?? '';
    assert.ok(url.includes(FTP_PASSWORD));
    const first = await importAndWait({ url });
    assert.equal(first.view.execution, 'COMPLETED', first.view.error);
    assertImage(first.view.image, ftpBytes, FTP_NAME);
    assert.equal(first.view.image?.source, `ftp://***@127.0.0.1:${ftp?.port}/images/${FTP_NAME}`);
    const again = await importAndWait({ url, fileName: 'copy-of-the-same.bin' });
    assert.equal(again.view.execution, 'COMPLETED', again.view.error);
    assert.equal(again.view.image?.id, first.view.image?.id);
    assert.equal(again.view.image?.created, false);
    assert.equal((await images()).filter((i) => i.sha256 === hex('sha256', ftpBytes)).length, 1);

    // Stored sealed only.
    const rows = await netswim.db.query<{ sealed_url: string; display_url: string }>('SELECT sealed_url, display_url FROM url_imports');
    assert.ok(rows.length > 0);
    for (const row of rows) assert.ok(!JSON.stringify(row).includes(FTP_PASSWORD), 'the password is stored sealed');
  });

  it('refuses a wrong FTP password with a clear reason, not shown back', { skip: skipPython }, async () => {
    const wrong = `nope-${randomBytes(4).toString('hex')}`;
    const { view } = await importAndWait({ url: ftp?.url(`images/${FTP_NAME}`, { user: FTP_USER, password: wrong }) });
    assert.equal(view.execution, 'FAILED');
    assert.match(view.error ?? '', /FTP login .* refused/);
    assert.ok(!JSON.stringify(view).includes(wrong));
  });

  it('refuses a scheme other than http, https, ftp and an unsafe file name: 400, nothing started', async () => {
    const before = await urlImportCount();
    for (const url of ['file:///etc/passwd', 'tftp://127.0.0.1/x.bin', 'scp://u:p@127.0.0.1/x.bin', 'not a url']) {
      const { status, body } = await startImport({ url });
      assert.equal(status, 400, `${url}: ${JSON.stringify(body)}`);
      assert.ok(body.error && !('workflowId' in body), JSON.stringify(body));
    }
    assert.match((await startImport({ url: 'tftp://127.0.0.1/x.bin' })).body.error ?? '', /scheme "tftp" is not supported/);
    for (const body of [
      { url: `${plainBase}/images/bad%3Bname.bin` },
      { url: `${plainBase}/images/-x.bin` },
      { url: `${plainBase}/images/` },
      { url: `${plainBase}/images/ok.bin`, fileName: '../etc/passwd' },
      { url: `${plainBase}/images/ok.bin`, fileName: 'flash:evil.bin' },
    ]) {
      const answer = await startImport(body);
      assert.equal(answer.status, 400, `${JSON.stringify(body)}: ${JSON.stringify(answer.body)}`);
    }
    const leaky = await startImport({ url: `gopher://${FTP_USER}:${FTP_PASSWORD}@127.0.0.1/x.bin` });
    assert.equal(leaky.status, 400);
    assert.equal(await urlImportCount(), before, 'nothing recorded');
  });

  it("refuses netswim's own services although their host is allowed: 400 naming url and the service, nothing recorded", async () => {
    const before = await urlImportCount();
    const imagesBefore = (await images()).length;
    const scp = netswim.scpService?.listening.port;
    assert.ok(scp, 'the SCP service runs');
    const own: Array<[string, RegExp]> = [
      [`${netswim.apiUrl ?? ''}/images/x.bin`, /netswim's own API/],
      [`${netswim.imageServiceUrl}/images/x.bin`, /netswim's own image service/],
      [`http://${temporal.address}/api/v1/namespaces.bin`, /netswim's own Temporal frontend/],
      [`ftp://127.0.0.1:${scp}/x.bin`, /netswim's own SCP service/],
      // The IPv6 form of the same address is the same service.
      [`http://[::ffff:127.0.0.1]:${new URL(netswim.apiUrl ?? '').port}/x.bin`, /netswim's own API/],
    ];
    for (const [url, reason] of own) {
      const { status, body } = await startImport({ url });
      assert.equal(status, 400, `${url}: ${JSON.stringify(body)}`);
      assert.match(body.error ?? '', /^url: refused: /, url);
      assert.match(body.error ?? '', reason, url);
    }
    assert.equal(await urlImportCount(), before, 'nothing recorded');
    assert.equal((await images()).length, imagesBefore);
  });

  it('fails an unreachable URL with the reason', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { view } = await importAndWait({ url: `http://127.0.0.1:${port}/cat9k_iosxe.17.09.05.SPA.bin` });
    assert.equal(view.execution, 'FAILED');
    assert.match(view.error ?? '', /unreachable.*ECONNREFUSED/);
  });

  it('fails a missing file (404) at once', async () => {
    const { view } = await importAndWait({ url: httpsServer?.url('images/nothing-here.bin') });
    assert.equal(view.execution, 'FAILED');
    assert.match(view.error ?? '', /HTTP 404/);
  });

  it('fails a download that stops half way: nothing stored, no temp file', async () => {
    const count = (await images()).length;
    const { view } = await importAndWait({ url: `${plainBase}/drop/cat9k_iosxe.17.06.05.SPA.bin` });
    assert.equal(view.execution, 'FAILED');
    assert.match(view.error ?? '', /download stopped after \d+ of 1048576 bytes/);
    assert.equal((await images()).length, count);
    assert.ok(!(await images()).some((i) => i.fileName === 'cat9k_iosxe.17.06.05.SPA.bin'));
    assert.deepEqual(await tempFiles(), []);
  });

  it('fails a body over the configured size: nothing stored, no temp file', async () => {
    const count = (await images()).length;
    const { view } = await importAndWait({ url: `${plainBase}/big/cat9k_iosxe.17.03.01.SPA.bin` });
    assert.equal(view.execution, 'FAILED');
    assert.match(view.error ?? '', /over the configured limit of 4194304 bytes/);
    assert.equal((await images()).length, count);
    assert.deepEqual(await tempFiles(), []);
  });

  it('stops a download when the workflow is cancelled: no image, no temp file', async () => {
    const before = (await images()).length;
    const started = await startImport({ url: `${plainBase}/slow/${SLOW_NAME}`, fileName: 'cancelled-import.bin' });
    assert.equal(started.status, 202);
    const workflowId = started.body.workflowId ?? '';
    const deadline = Date.now() + 20_000;
    for (;;) {
      const { body } = await apiJson<ImportView>(`/images/import/${workflowId}`);
      if (body.bytes > 0) break;
      assert.ok(Date.now() < deadline && body.execution === 'RUNNING', `the download got under way: ${JSON.stringify(body)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await netswim.temporal.workflow.getHandle(workflowId).cancel();
    const { view } = await waitImport(workflowId);
    assert.equal(view.execution, 'CANCELLED');
    // The activity learns of it on its next heartbeat and closes the connection.
    const cutDeadline = Date.now() + 10_000;
    while (slowDownloadsCut === 0 && Date.now() < cutDeadline) await new Promise((r) => setTimeout(r, 100));
    assert.equal(slowDownloadsCut, 1, 'the download was stopped, not left running');
    assert.equal((await images()).length, before);
    assert.deepEqual(await tempFiles(), []);
  });

  it('keeps the FTP password out of every workflow history and every API answer', { skip: skipPython }, async () => {
    let decoded = 0;
    for await (const execution of netswim.temporal.workflow.list({ query: 'WorkflowType = "imageImport"' })) {
      const history = await netswim.temporal.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
      const text = JSON.stringify(history, decodeBytes);
      assert.ok(!text.includes(FTP_PASSWORD), `${execution.workflowId} history contains the FTP password`);
      if (text.includes('importId')) decoded++;
    }
    assert.ok(decoded >= 3, `histories were read and decoded (${decoded})`);
    for (const answer of answers) assert.ok(!answer.includes(FTP_PASSWORD), `an API answer shows the FTP password: ${answer}`);
    assert.ok(answers.some((a) => a.includes('ftp://***@')), 'the display URL is what answers show');
  });
});

/** Payload bytes as text: fetched histories carry them base64-encoded in `data` fields. */
function decodeBytes(key: string, value: unknown): unknown {
  if (key === 'data' && typeof value === 'string') return Buffer.from(value, 'base64').toString('utf8');
  return value;
}
