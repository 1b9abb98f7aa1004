// Staging images on a site's distribution servers (distribution/site-servers.ts) against real
// servers on 127.0.0.1 (test/support/transfer-servers.ts): asyncssh for SFTP and SCP, pyftpdlib for
// FTP (both from the venv pinned in test/servers/requirements.txt), and node:http taking PUT / MOVE
// for HTTP. Each staged file is checked where it landed, by reading the server's root folder; a
// lab device then copies it by the URL deviceSourceUrl gives.
// NETSWIM_SKIP_PYTHON_SERVERS=1 skips the cases that need the Python servers.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import {
  checkRootLocation,
  deviceSourceUrl,
  DistributionError,
  type DistributionServer,
  stageImage,
  type StageImage,
} from '../distribution/site-servers.ts';
import { startLab } from '../lab/fleet.ts';
import type { DeviceSpec, Lab } from '../lab/types.ts';
import { PROMPT, Shell } from './support/lab-shell.ts';
import { serversPython, startFtpServer, startHttpUploadServer, startSftpServer } from './support/transfer-servers.ts';

const skipPython = process.env.NETSWIM_SKIP_PYTHON_SERVERS === '1' ? 'NETSWIM_SKIP_PYTHON_SERVERS=1' : false;

const USER = 'netswim-dist';
const PASSWORD = 's3cret:dist@pw';
const ROOT = '/images/c9k';
const BIG_NAME = 'cat9k_iosxe.17.09.04a.SPA.bin';
/** 64 MiB plus an odd tail: not a whole number of any buffer size on the way. */
const BIG_SIZE = 64 * 1024 * 1024 + 4321;
/** RSS growth a streaming upload of BIG_SIZE stays under (buffering the whole image would exceed BIG_SIZE). */
const MAX_GROWTH = (BIG_SIZE * 3) / 4;

const sha256Of = (data: Buffer): string => createHash('sha256').update(data).digest('hex');
const md5Of = (data: Buffer): string => createHash('md5').update(data).digest('hex');

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Writes `size` random bytes to `path` a MiB at a time; returns their SHA-256. */
async function generateFile(path: string, size: number): Promise<string> {
  const hash = createHash('sha256');
  const out = createWriteStream(path);
  for (let left = size; left > 0; ) {
    const chunk = randomBytes(Math.min(left, 1024 * 1024));
    hash.update(chunk);
    left -= chunk.length;
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return hash.digest('hex');
}

/** A small image served from memory through the stream-factory form. */
function memoryImage(fileName: string, data: Buffer): StageImage {
  return { fileName, sha256: sha256Of(data), sizeBytes: data.length, open: (start) => Readable.from([data.subarray(start)]) };
}

/** Progress calls, checked to be non-decreasing and to end at 100 %. */
function progressRecorder(): { calls: [number, number][]; listener: (done: number, total: number) => void; assertComplete(total: number): void } {
  const calls: [number, number][] = [];
  return {
    calls,
    listener: (done, total) => calls.push([done, total]),
    assertComplete(total) {
      assert.ok(calls.length > 2, `progress reported (${calls.length} calls)`);
      for (let i = 1; i < calls.length; i++) assert.ok(calls[i]![0] >= calls[i - 1]![0], `progress never goes back (${calls[i - 1]![0]} → ${calls[i]![0]})`);
      assert.ok(calls.every(([, t]) => t === total));
      assert.deepEqual(calls.at(-1), [total, total]);
    },
  };
}

/** The folder under a server root where ROOT lands. */
const landing = (serverRoot: string): string => join(serverRoot, ...ROOT.split('/').filter(Boolean));

/** What the server's folder holds after a staging: the file (checked by SHA-256) and its sidecar only. */
async function assertStaged(serverRoot: string, fileName: string, sha256: string, size: number): Promise<void> {
  const dir = landing(serverRoot);
  assert.deepEqual((await readdir(dir)).filter((f) => f.startsWith(fileName)).sort(), [fileName, `${fileName}.sha256`], 'no part file left');
  assert.equal((await stat(join(dir, fileName))).size, size);
  assert.equal(await sha256File(join(dir, fileName)), sha256);
  assert.equal(await readFile(join(dir, `${fileName}.sha256`), 'utf8'), `${sha256}  ${fileName}\n`);
}

/** After a dropped upload: nothing that looks complete (no file, no sidecar). */
async function assertNothingComplete(serverRoot: string, fileName: string): Promise<void> {
  const names = await readdir(landing(serverRoot)).catch(() => [] as string[]);
  assert.ok(!names.includes(fileName), `no ${fileName} after a dropped upload: ${names.join(', ')}`);
  assert.ok(!names.includes(`${fileName}.sha256`), `no sidecar after a dropped upload: ${names.join(', ')}`);
}

void describe('distribution servers', () => {
  let work = '';
  let python = '';
  let bigPath = '';
  let bigSha = '';
  const closers: (() => Promise<void>)[] = [];

  const bigImage = (): StageImage => ({ fileName: BIG_NAME, sha256: bigSha, sizeBytes: BIG_SIZE, path: bigPath });

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'netswim-site-servers-'));
    bigPath = join(work, BIG_NAME);
    bigSha = await generateFile(bigPath, BIG_SIZE);
    if (!skipPython) python = await serversPython((m) => process.stderr.write(`[python-env] ${m}\n`));
  });

  after(async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    if (work) await rm(work, { recursive: true, force: true });
  });

  /** A fresh folder a server can serve (kept across that server's restarts). */
  const serverRoot = async (name: string): Promise<string> => {
    const dir = join(work, name);
    await mkdir(dir, { recursive: true });
    return dir;
  };

  void describe('rules', () => {
    void it('refuses a root location longer than 16 characters for wireless controllers, with the reason', () => {
      assert.deepEqual(checkRootLocation('wireless-controller', '/images/wlc'), { ok: true });
      assert.deepEqual(checkRootLocation('wireless-controller', '/sixteen-chars-x'), { ok: true });
      const refused = checkRootLocation('wireless-controller', '/images/wireless/9800');
      assert.equal(refused.ok, false);
      assert.match(refused.ok ? '' : refused.reason, /"\/images\/wireless\/9800" is 21 characters: wireless controllers \(family wireless-controller\) accept at most 16/);
      assert.equal(checkRootLocation('C9800-80', '/images/wireless/9800').ok, false);
      assert.equal(checkRootLocation('wlc', '/images/wireless/9800').ok, false);
      assert.deepEqual(checkRootLocation('cat9k', '/images/wireless/9800/long/enough'), { ok: true });
    });

    void it('gives devices a URL with the credentials and a display form without the password', () => {
      const ftp: DistributionServer = { protocol: 'ftp', host: '10.1.1.5', port: 21, rootLocation: '/images/c9k/', username: 'dist', password: 'p@ss:word' };
      assert.deepEqual(deviceSourceUrl(ftp, BIG_NAME), {
        url: `ftp://dist:p%40ss%3Aword@10.1.1.5/images/c9k/${BIG_NAME}`,
        display: `ftp://dist:***@10.1.1.5/images/c9k/${BIG_NAME}`,
      });
      assert.equal(deviceSourceUrl({ ...ftp, protocol: 'sftp', port: 2222 }, BIG_NAME).url, `sftp://dist:p%40ss%3Aword@10.1.1.5:2222/images/c9k/${BIG_NAME}`);
      assert.equal(deviceSourceUrl({ ...ftp, protocol: 'scp', port: 22 }, BIG_NAME).display, `scp://dist:***@10.1.1.5/images/c9k/${BIG_NAME}`);
      assert.deepEqual(deviceSourceUrl({ ...ftp, protocol: 'http', port: 8080, rootLocation: '/' }, BIG_NAME), {
        url: `http://10.1.1.5:8080/${BIG_NAME}`,
        display: `http://10.1.1.5:8080/${BIG_NAME}`,
      });
      assert.throws(() => deviceSourceUrl(ftp, '../etc/passwd'), DistributionError);
      assert.throws(() => deviceSourceUrl({ ...ftp, rootLocation: '/images/../etc' }, BIG_NAME), /bad root location/);
    });

    void it('refuses unsafe file names and root locations before connecting', async () => {
      const server: DistributionServer = { protocol: 'ftp', host: '127.0.0.1', port: 1, rootLocation: '/images', username: 'u', password: 'p' };
      await assert.rejects(stageImage(server, memoryImage('a b.bin', Buffer.from('x'))), /bad file name/);
      await assert.rejects(stageImage({ ...server, rootLocation: 'x;rm -rf' }, memoryImage('a.bin', Buffer.from('x'))), /bad root location/);
      await assert.rejects(stageImage(server, { ...memoryImage('a.bin', Buffer.from('x')), sha256: 'nope' }), /SHA-256/);
    });
  });

  void describe('sftp (asyncssh)', { skip: skipPython }, () => {
    let root = '';
    let server: Awaited<ReturnType<typeof startSftpServer>>;
    let dist: DistributionServer;
    before(async () => {
      root = await serverRoot('sftp');
      server = await startSftpServer({ python, root, username: USER, password: PASSWORD });
      closers.push(() => server.close());
      dist = { protocol: 'sftp', host: '127.0.0.1', port: server.port, rootLocation: ROOT, username: USER, password: PASSWORD };
    });

    void it('streams a 64 MiB image into the root with flat memory, progress to 100 %, then skips it', async () => {
      const progress = progressRecorder();
      const rssBefore = process.memoryUsage().rss;
      let rssPeak = rssBefore;
      const result = await stageImage(dist, bigImage(), (done, total) => {
        progress.listener(done, total);
        rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
      });
      assert.deepEqual(result, { skipped: false, bytes: BIG_SIZE, resumedFrom: 0 });
      progress.assertComplete(BIG_SIZE);
      const growth = rssPeak - rssBefore;
      // A sanity bound, not a benchmark: buffering the image would grow RSS by at least its size; a
      // streaming upload stays a few MiB above the start, plus garbage buffers the GC has not
      // reclaimed yet (up to 35 MiB seen on a busy machine), hence three quarters of the size.
      assert.ok(growth < MAX_GROWTH, `memory stays flat: RSS grew ${Math.round(growth / 1048576)} MiB for a ${Math.round(BIG_SIZE / 1048576)} MiB image`);
      await assertStaged(root, BIG_NAME, bigSha, BIG_SIZE);

      const again = progressRecorder();
      assert.deepEqual(await stageImage(dist, bigImage(), again.listener), { skipped: true, bytes: 0, resumedFrom: 0 });
      assert.deepEqual(again.calls, [[BIG_SIZE, BIG_SIZE]]);
    });

    void it('uploads again when the sidecar names another checksum or the size differs', async () => {
      const first = Buffer.from('first image bytes\n'.repeat(1000));
      const image = memoryImage('stale.bin', first);
      assert.equal((await stageImage(dist, image)).skipped, false);
      assert.equal((await stageImage(dist, image)).skipped, true);
      const dir = landing(root);
      await writeFile(join(dir, 'stale.bin.sha256'), `${'0'.repeat(64)}  stale.bin\n`);
      assert.equal((await stageImage(dist, image)).skipped, false, 'another checksum in the sidecar');
      await writeFile(join(dir, 'stale.bin'), first.subarray(0, 100));
      assert.equal((await stageImage(dist, image)).skipped, false, 'same sidecar, wrong size');
      await assertStaged(root, 'stale.bin', sha256Of(first), first.length);

      // Another image under the same name replaces it, sidecar included.
      const second = randomBytes(5000);
      assert.equal((await stageImage(dist, memoryImage('stale.bin', second))).skipped, false);
      await assertStaged(root, 'stale.bin', sha256Of(second), second.length);
    });

    void it('after the server dies mid-upload leaves nothing complete-looking, and a retry resumes to a correct file', async () => {
      const dropRoot = await serverRoot('sftp-drop');
      const first = await startSftpServer({ python, root: dropRoot, username: USER, password: PASSWORD });
      closers.push(() => first.close());
      let stopping: Promise<void> | undefined;
      await assert.rejects(
        stageImage({ ...dist, port: first.port }, bigImage(), (done) => {
          if (done > BIG_SIZE * 0.3 && !stopping) stopping = first.close();
        }),
        DistributionError,
      );
      await stopping;
      await assertNothingComplete(dropRoot, BIG_NAME);
      const part = await stat(join(landing(dropRoot), `${BIG_NAME}.part`));
      assert.ok(part.size > 0 && part.size < BIG_SIZE, `a partial ${BIG_NAME}.part (${part.size} bytes)`);

      const second = await startSftpServer({ python, root: dropRoot, username: USER, password: PASSWORD });
      closers.push(() => second.close());
      const progress = progressRecorder();
      const retried = await stageImage({ ...dist, port: second.port }, bigImage(), progress.listener);
      assert.equal(retried.skipped, false);
      assert.ok(retried.resumedFrom > 0 && retried.resumedFrom <= part.size, `resumed from ${retried.resumedFrom}`);
      assert.equal(retried.bytes, BIG_SIZE - retried.resumedFrom);
      assert.equal(progress.calls[0]?.[0], retried.resumedFrom, 'progress starts where the upload resumed');
      progress.assertComplete(BIG_SIZE);
      await assertStaged(dropRoot, BIG_NAME, bigSha, BIG_SIZE);
      assert.equal((await stageImage({ ...dist, port: second.port }, bigImage())).skipped, true);
    });

    void it('stops and rejects when cancelled', async () => {
      const controller = new AbortController();
      await assert.rejects(
        stageImage({ ...dist, rootLocation: '/cancelled' }, bigImage(), (done) => {
          if (done > BIG_SIZE * 0.1) controller.abort();
        }, { signal: controller.signal }),
        /staging cancelled/,
      );
      const names = await readdir(join(root, 'cancelled'));
      assert.ok(!names.includes(BIG_NAME) && !names.includes(`${BIG_NAME}.sha256`), names.join(', '));
    });

    void it('refuses a wrong password', async () => {
      await assert.rejects(stageImage({ ...dist, password: 'wrong' }, memoryImage('x.bin', Buffer.from('x'))), /authentication/i);
    });
  });

  void describe('scp (asyncssh)', { skip: skipPython }, () => {
    let root = '';
    let dist: DistributionServer;
    before(async () => {
      root = await serverRoot('scp');
      const server = await startSftpServer({ python, root, username: USER, password: PASSWORD });
      closers.push(() => server.close());
      dist = { protocol: 'scp', host: '127.0.0.1', port: server.port, rootLocation: ROOT, username: USER, password: PASSWORD };
    });

    void it('streams the image over scp -t, then skips it', async () => {
      const progress = progressRecorder();
      assert.deepEqual(await stageImage(dist, bigImage(), progress.listener), { skipped: false, bytes: BIG_SIZE, resumedFrom: 0 });
      progress.assertComplete(BIG_SIZE);
      await assertStaged(root, BIG_NAME, bigSha, BIG_SIZE);
      assert.equal((await stageImage(dist, bigImage())).skipped, true);
    });
  });

  void describe('ftp (pyftpdlib)', { skip: skipPython }, () => {
    let root = '';
    let dist: DistributionServer;
    before(async () => {
      root = await serverRoot('ftp');
      const server = await startFtpServer({ python, root, writable: true, user: USER, password: PASSWORD });
      closers.push(() => server.close());
      dist = { protocol: 'ftp', host: '127.0.0.1', port: server.port, rootLocation: ROOT, username: USER, password: PASSWORD };
    });

    void it('streams a 64 MiB image into the root with flat memory, progress to 100 %, then skips it', async () => {
      const progress = progressRecorder();
      const rssBefore = process.memoryUsage().rss;
      let rssPeak = rssBefore;
      const result = await stageImage(dist, bigImage(), (done, total) => {
        progress.listener(done, total);
        rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
      });
      assert.deepEqual(result, { skipped: false, bytes: BIG_SIZE, resumedFrom: 0 });
      progress.assertComplete(BIG_SIZE);
      assert.ok(rssPeak - rssBefore < MAX_GROWTH, `memory stays flat: RSS grew ${Math.round((rssPeak - rssBefore) / 1048576)} MiB`);
      await assertStaged(root, BIG_NAME, bigSha, BIG_SIZE);
      assert.deepEqual(await stageImage(dist, bigImage()), { skipped: true, bytes: 0, resumedFrom: 0 });
    });

    void it('after the server dies mid-upload leaves nothing complete-looking, and a retry resumes with APPE', async () => {
      const dropRoot = await serverRoot('ftp-drop');
      const first = await startFtpServer({ python, root: dropRoot, writable: true, user: USER, password: PASSWORD });
      closers.push(() => first.close());
      let stopping: Promise<void> | undefined;
      await assert.rejects(
        stageImage({ ...dist, port: first.port }, bigImage(), (done) => {
          if (done > BIG_SIZE * 0.3 && !stopping) stopping = first.close();
        }),
        DistributionError,
      );
      await stopping;
      await assertNothingComplete(dropRoot, BIG_NAME);

      const second = await startFtpServer({ python, root: dropRoot, writable: true, user: USER, password: PASSWORD });
      closers.push(() => second.close());
      const progress = progressRecorder();
      const retried = await stageImage({ ...dist, port: second.port }, bigImage(), progress.listener);
      assert.equal(retried.skipped, false);
      assert.ok(retried.resumedFrom > 0, `resumed from ${retried.resumedFrom}`);
      progress.assertComplete(BIG_SIZE);
      await assertStaged(dropRoot, BIG_NAME, bigSha, BIG_SIZE);
    });
  });

  void describe('http (PUT)', () => {
    let server: Awaited<ReturnType<typeof startHttpUploadServer>>;
    let dist: DistributionServer;
    before(async () => {
      server = await startHttpUploadServer({ root: await serverRoot('http'), username: USER, password: PASSWORD });
      closers.push(() => server.close());
      dist = { protocol: 'http', host: '127.0.0.1', port: server.port, rootLocation: ROOT, username: USER, password: PASSWORD };
    });

    void it('PUTs the image, then skips it, and devices get it with a plain GET', async () => {
      const progress = progressRecorder();
      assert.deepEqual(await stageImage(dist, bigImage(), progress.listener), { skipped: false, bytes: BIG_SIZE, resumedFrom: 0 });
      progress.assertComplete(BIG_SIZE);
      await assertStaged(server.root, BIG_NAME, bigSha, BIG_SIZE);
      assert.equal((await stageImage(dist, bigImage())).skipped, true);
      const head = await fetch(deviceSourceUrl(dist, BIG_NAME).url, { method: 'HEAD' });
      assert.equal(head.status, 200);
      assert.equal(head.headers.get('content-length'), String(BIG_SIZE));
    });

    void it('a dropped PUT leaves nothing complete-looking and a retry restarts to a correct file', async () => {
      const image = { ...bigImage(), fileName: 'dropped.bin' };
      let dropped = false;
      await assert.rejects(
        stageImage(dist, image, (done) => {
          if (done > BIG_SIZE * 0.3 && !dropped) {
            dropped = true;
            server.dropConnections();
          }
        }),
        DistributionError,
      );
      await assertNothingComplete(server.root, 'dropped.bin');
      assert.deepEqual(await stageImage(dist, image), { skipped: false, bytes: BIG_SIZE, resumedFrom: 0 });
      await assertStaged(server.root, 'dropped.bin', bigSha, BIG_SIZE);
    });

    void it('refuses uploads with wrong credentials', async () => {
      await assert.rejects(stageImage({ ...dist, password: 'wrong' }, memoryImage('x.bin', Buffer.from('x'))), /401/);
    });
  });

  void describe('a lab device copies from its site server by the URL deviceSourceUrl gives', { skip: skipPython }, () => {
    const FILE = 'cat9k_iosxe.17.12.01.SPA.bin';
    const small = randomBytes(700 * 1024 + 77);
    let lab: Lab | undefined;
    const shells: Shell[] = [];
    let sftp: DistributionServer;
    let scp: DistributionServer;
    let ftp: DistributionServer;

    const spec = (hostname: string, index: number): DeviceSpec => ({
      hostname,
      address: '127.0.0.1',
      port: 0,
      platform: 'cat9300',
      username: 'netswim',
      password: `pw-${index}`,
    });

    before(async () => {
      const sftpServer = await startSftpServer({ python, root: await serverRoot('lab-sftp'), username: USER, password: PASSWORD });
      closers.push(() => sftpServer.close());
      const ftpServer = await startFtpServer({ python, root: await serverRoot('lab-ftp'), writable: true, user: USER, password: PASSWORD });
      closers.push(() => ftpServer.close());
      sftp = { protocol: 'sftp', host: '127.0.0.1', port: sftpServer.port, rootLocation: ROOT, username: USER, password: PASSWORD };
      scp = { ...sftp, protocol: 'scp' };
      ftp = { protocol: 'ftp', host: '127.0.0.1', port: ftpServer.port, rootLocation: ROOT, username: USER, password: PASSWORD };
      for (const server of [sftp, ftp]) assert.equal((await stageImage(server, memoryImage(FILE, small))).skipped, false);
      const stateDir = await mkdtemp(join(work, 'lab-'));
      lab = await startLab({ stateDir, devices: [spec('sw-sftp', 1), spec('sw-ftp', 2), spec('sw-scp', 3)] });
      closers.push(async () => {
        for (const s of shells) s.close();
        await lab?.stop();
      });
    });

    const copyAndVerify = async (hostname: string, server: DistributionServer): Promise<string> => {
      if (!lab) throw new Error('lab not started');
      const s = await Shell.open(lab.device(hostname));
      shells.push(s);
      await s.run('terminal length 0');
      const { url, display } = deviceSourceUrl(server, FILE);
      s.send(`copy ${url} flash:\r`);
      await s.expect(new RegExp(`Destination filename \\[${FILE.replace(/\./g, '\\.')}\\]\\? $`));
      s.send('\r');
      const out = await s.expect(PROMPT, 60_000);
      assert.match(out, new RegExp(`^${small.length} bytes copied in `, 'm'), out);
      assert.ok(!out.includes(PASSWORD) && !out.includes(encodeURIComponent(PASSWORD)), `no password echoed: ${out}`);
      assert.deepEqual(
        lab.device(hostname).state().flash.find((f) => f.name === FILE),
        { name: FILE, size: small.length, md5: md5Of(small) },
      );
      assert.match(await s.run(`verify /md5 flash:${FILE} ${md5Of(small)}`), /^Verified \(flash:/m);
      return display;
    };

    void it('over SFTP', async () => {
      assert.match(await copyAndVerify('sw-sftp', sftp), /^sftp:\/\/netswim-dist:\*\*\*@127\.0\.0\.1:\d+\/images\/c9k\//);
    });

    void it('over FTP', async () => {
      await copyAndVerify('sw-ftp', ftp);
    });

    void it('over SCP', async () => {
      await copyAndVerify('sw-scp', scp);
    });
  });
});
