// A full image-store disk: an upload answers 507 with the reason and a URL import fails at once
// (not retried) with it; nothing is recorded, no partial file is left, and an image that fits is
// stored afterwards.
//
// The disk is a real 1 MiB tmpfs when this process may mount one (root, or CAP_SYS_ADMIN), so the
// ENOSPC comes from the kernel. Elsewhere (an unprivileged CI runner) the same tests run against a
// store whose write stream fails like a 1 MiB disk does: a Node error with code ENOSPC once the
// store's files would pass 1 MiB (`smallDisk` below); the test prints which of the two it used.
// NETSWIM_TEST_NO_TMPFS=1 takes the injected disk even where a tmpfs could be mounted.
// The unit test at the end always uses the injected disk, so that path is covered on every machine.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import type { ImportView } from '../api/import-status.ts';
import { ImageStore, ImageStoreFullError, type WriteStreamFactory } from '../images/image-store.ts';
import type { DevServer } from '../scripts/temporal-dev-server.ts';
import type { ImageRecord } from '../store/images.ts';
import { startTestNetswim, type TestNetswim } from './support/netswim.ts';
import { startTestTemporal } from './support/temporal.ts';

const run = promisify(execFile);
const DISK_BYTES = 1024 * 1024;

/** Every file under `dir`, relative (the store's `tmp/` and `sha256/` trees). */
async function filesUnder(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const rel = join(prefix, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(join(dir, entry.name), rel)));
    else out.push(rel);
  }
  return out.sort();
}

async function bytesUnder(dir: string): Promise<number> {
  let total = 0;
  for (const file of await filesUnder(dir)) total += (await stat(join(dir, file))).size;
  return total;
}

/**
 * A write stream to a real file that fails the way a full disk does: the write that would take the
 * store's files past `capacity` bytes fails with an ENOSPC-coded error (what fs.write reports).
 */
function smallDisk(root: string, capacity: number): WriteStreamFactory {
  return (path) => {
    const file = createWriteStream(path);
    let used: Promise<number> | undefined;
    let written = 0;
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        used ??= bytesUnder(root);
        used.then((before) => {
          if (before + written + chunk.length > capacity) {
            callback(Object.assign(new Error(`ENOSPC: no space left on device, write`), { code: 'ENOSPC', errno: -28, syscall: 'write' }));
            return;
          }
          written += chunk.length;
          file.write(chunk, callback);
        }, callback);
      },
      final(callback) {
        file.end(callback);
      },
      destroy(error, callback) {
        file.destroy();
        callback(error);
      },
    });
    return Object.defineProperty(sink, 'bytesWritten', { get: () => written });
  };
}

/** A real tmpfs of `bytes` at `dir`, or false when this process may not mount one. */
async function mountTmpfs(dir: string, bytes: number): Promise<boolean> {
  try {
    await run('mount', ['-t', 'tmpfs', '-o', `size=${bytes},mode=0700`, 'tmpfs', dir]);
    return true;
  } catch {
    return false;
  }
}

let temporal: DevServer;
let netswim: TestNetswim;
let storeDir = '';
let mounted = false;
let server: http.Server;
let serverBase = '';
const bigBytes = randomBytes(DISK_BYTES + 512 * 1024);
const smallBytes = randomBytes(64 * 1024);

before(async () => {
  temporal = await startTestTemporal();
  storeDir = await mkdtemp(join(tmpdir(), 'netswim-full-store-'));
  mounted = process.env.NETSWIM_TEST_NO_TMPFS !== '1' && (await mountTmpfs(storeDir, DISK_BYTES));
  console.log(mounted ? `image store on a real ${DISK_BYTES}-byte tmpfs at ${storeDir}` : `cannot mount a tmpfs here: image store at ${storeDir} with an injected ${DISK_BYTES}-byte disk (ENOSPC-coded write errors)`);
  const imageStore = mounted ? new ImageStore(storeDir) : new ImageStore(storeDir, { createWriteStream: smallDisk(storeDir, DISK_BYTES) });
  // The test's file server listens on loopback, which URL imports refuse unless allowed.
  netswim = await startTestNetswim(temporal.address, { imageStore, env: { NETSWIM_IMPORT_ALLOW: '127.0.0.1' } });
  server = http.createServer((req, res) => {
    const body = req.url?.startsWith('/big/') ? bigBytes : req.url?.startsWith('/small/') ? smallBytes : undefined;
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  serverBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await netswim?.stopAll();
  await temporal?.stop();
  if (mounted) await run('umount', [storeDir]);
  if (storeDir) await rm(storeDir, { recursive: true, force: true });
});

async function images(): Promise<ImageRecord[]> {
  const res = await netswim.api('/images');
  assert.equal(res.status, 200);
  return (await res.json()) as ImageRecord[];
}

async function upload(fileName: string, bytes: Buffer): Promise<{ status: number; body: ImageRecord & { error?: string } }> {
  const res = await netswim.api(`/images?fileName=${fileName}`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: bytes });
  return { status: res.status, body: (await res.json()) as ImageRecord & { error?: string } };
}

const tempFiles = async () => (await filesUnder(storeDir)).filter((f) => f.startsWith('tmp'));

async function importAndWait(url: string): Promise<ImportView> {
  const res = await netswim.api('/images/import', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url }) });
  const started = (await res.json()) as { workflowId: string };
  assert.equal(res.status, 202, JSON.stringify(started));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const view = (await (await netswim.api(`/images/import/${started.workflowId}`)).json()) as ImportView;
    if (view.execution !== 'RUNNING') return view;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`import ${started.workflowId} did not finish`);
}

const FULL = /^the image store (?<dir>\S+) is full \((ENOSPC|EDQUOT)\): no space left after writing \d+ bytes of the image \(\d+ bytes free there once the partial file was removed\); nothing was stored/;

describe('a full image-store disk', () => {
  it('answers an upload with 507 and the reason, records nothing, leaves no partial file; an image that fits is stored after', async () => {
    const before = await images();
    const filesBefore = await filesUnder(storeDir);
    const answer = await upload('cat9k_iosxe.17.09.04a.SPA.bin', bigBytes);
    assert.equal(answer.status, 507, JSON.stringify(answer.body));
    const match = FULL.exec(answer.body.error ?? '');
    assert.ok(match, answer.body.error);
    assert.equal(match.groups?.dir, storeDir, 'names the store directory');
    assert.deepEqual(await images(), before, 'GET /images unchanged');
    assert.deepEqual(await filesUnder(storeDir), filesBefore, 'no temp or partial file left');

    const fits = await upload('cat9k_iosxe.17.09.05.SPA.bin', smallBytes);
    assert.equal(fits.status, 201, JSON.stringify(fits.body));
    assert.equal(fits.body.sizeBytes, smallBytes.length);
    assert.deepEqual((await images()).map((i) => i.fileName), [...before.map((i) => i.fileName), 'cat9k_iosxe.17.09.05.SPA.bin']);
    assert.deepEqual(await tempFiles(), []);
  });

  it('fails a URL import at once (StoreFull, one attempt) with the reason; nothing recorded, no partial file', async () => {
    const before = await images();
    const filesBefore = await filesUnder(storeDir);
    const view = await importAndWait(`${serverBase}/big/cat9k_iosxe.17.12.01.SPA.bin`);
    assert.equal(view.execution, 'FAILED');
    assert.match(view.error ?? '', new RegExp(`download of ${serverBase}/big/cat9k_iosxe\\.17\\.12\\.01\\.SPA\\.bin stopped: the image store \\S+ is full \\(ENOSPC`));
    const history = await netswim.temporal.workflow.getHandle(view.workflowId).fetchHistory();
    const attempts = (history.events ?? []).flatMap((e) => (e.activityTaskStartedEventAttributes ? [e.activityTaskStartedEventAttributes.attempt] : []));
    assert.deepEqual(attempts, [1], 'one attempt: a full disk is not retried');
    assert.deepEqual(await images(), before);
    assert.deepEqual(await filesUnder(storeDir), filesBefore);

    const fits = await importAndWait(`${serverBase}/small/cat9k_iosxe.17.12.02.SPA.bin`);
    assert.equal(fits.execution, 'COMPLETED', fits.error);
    // Same bytes as the upload above: one image, no second copy on the disk.
    assert.equal(fits.image?.created, false);
  });

  it('the store alone: ImageStoreFullError with directory and bytes, the temp file removed, the source destroyed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'netswim-store-unit-'));
    try {
      const store = new ImageStore(dir, { createWriteStream: smallDisk(dir, 100_000) });
      const source = Readable.from([randomBytes(60_000), randomBytes(60_000)]);
      await assert.rejects(store.ingest(source, 10_000_000), (error: unknown) => {
        assert.ok(error instanceof ImageStoreFullError);
        assert.equal(error.directory, dir);
        assert.equal(error.code, 'ENOSPC');
        assert.equal(error.bytesWritten, 60_000);
        assert.match(error.message, new RegExp(`^the image store ${dir} is full \\(ENOSPC\\): no space left after writing 60000 bytes of the image \\(\\d+ bytes free there`));
        return true;
      });
      assert.ok(source.destroyed, 'the source is not read on');
      assert.deepEqual(await filesUnder(dir), []);
      const digest = await store.ingest(Readable.from([randomBytes(50_000)]), 10_000_000);
      assert.equal(digest.sizeBytes, 50_000);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
