// `copy <url> flash:` on a lab device over HTTPS, FTP, SFTP/SCP and TFTP from real servers
// (test/support/transfer-servers.ts): node:https with a self-signed certificate made by openssl,
// pyftpdlib, asyncssh and tftpy from the venv pinned in test/servers/requirements.txt. Each copy is checked
// byte for byte: the device's `verify /md5` and the lab's recorded flash entry must match the source.
// NETSWIM_SKIP_PYTHON_SERVERS=1 skips the FTP, SFTP and TFTP cases (machines without Python or PyPI).
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startLab } from '../lab/fleet.ts';
import type { DeviceSpec, Lab } from '../lab/types.ts';
import { PROMPT, Shell } from './support/lab-shell.ts';
import { serversPython, startFtpServer, startHttpsServer, startSftpServer, startTftpServer, type TransferServer } from './support/transfer-servers.ts';

const skipPython = process.env.NETSWIM_SKIP_PYTHON_SERVERS === '1' ? 'NETSWIM_SKIP_PYTHON_SERVERS=1' : false;

const md5 = (data: Buffer): string => createHash('md5').update(data).digest('hex');
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

const IMAGE = 'cat9k_iosxe.17.09.04a.SPA.bin';
/** Not a whole number of 64 KiB marks, of TFTP 8 KiB blocks, nor of FTP/TCP chunks. */
const image = randomBytes(300 * 1024 + 123);
/** Exactly 24 TFTP blocks of 8192: the transfer must end on an empty DATA packet. */
const blockAligned = randomBytes(24 * 8192);
const FTP_USER = 'netswim-dist';
const FTP_PASSWORD = 's3cret-ftp';

function spec(hostname: string, index: number): DeviceSpec {
  return { hostname, address: '127.0.0.1', port: 0, platform: 'cat9300', username: 'netswim', password: `pw-${index}` };
}

void describe('lab: copy from real HTTPS, FTP and TFTP servers', () => {
  let stateDir = '';
  let lab: Lab | undefined;
  let python = '';
  const servers: TransferServer[] = [];
  const shells: Shell[] = [];

  const privileged = async (hostname: string): Promise<Shell> => {
    if (!lab) throw new Error('lab not started');
    const s = await Shell.open(lab.device(hostname));
    shells.push(s);
    await s.run('terminal length 0');
    return s;
  };
  const flash = (hostname: string): { name: string; size: number; md5: string }[] => {
    if (!lab) throw new Error('lab not started');
    return lab.device(hostname).state().flash;
  };

  /** `copy <url> flash:[name]`, Enter at the filename question (which offers `expectedName`); returns what followed. */
  const copy = async (s: Shell, url: string, expectedName: string, destination = 'flash:'): Promise<string> => {
    s.send(`copy ${url} ${destination}\r`);
    await s.expect(new RegExp(`Destination filename \\[${escape(expectedName)}\\]\\? $`));
    s.send('\r');
    return s.expect(PROMPT, 60_000);
  };

  /** The file arrived whole: the lab's record and the device's own `verify /md5` agree with the source. */
  const assertArrived = async (s: Shell, hostname: string, name: string, source: Buffer): Promise<void> => {
    assert.deepEqual(
      flash(hostname).find((f) => f.name === name),
      { name, size: source.length, md5: md5(source) },
    );
    const verify = await s.run(`verify /md5 flash:${name}`);
    assert.match(verify, new RegExp(`^verify /md5 \\(flash:${escape(name)}\\) = ${md5(source)}$`, 'm'), verify);
    assert.match(await s.run(`verify /md5 flash:${name} ${md5(source)}`), /^Verified \(flash:/m);
  };

  const assertCopied = (out: string, shown: string, bytes: number): void => {
    assert.match(out, new RegExp(`^Accessing ${escape(shown)}\\.\\.\\.$`, 'm'), out);
    const marks = new RegExp(`^Loading ${escape(shown)} (!*)$`, 'm').exec(out)?.[1];
    assert.equal(marks?.length, Math.floor(bytes / 65_536), `one ! per 64 KiB: ${out}`);
    assert.match(out, new RegExp(`^${bytes} bytes copied in \\d+\\.\\d{3} secs \\(\\d+ bytes/sec\\)$`, 'm'), out);
  };

  before(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'netswim-lab-transfers-'));
    lab = await startLab({ stateDir, devices: [spec('sw-https', 1), spec('sw-ftp', 2), spec('sw-tftp', 3), spec('sw-sftp', 4)] });
    if (!skipPython) python = await serversPython((m) => process.stderr.write(`[python-env] ${m}\n`));
  });

  after(async () => {
    for (const s of shells) s.close();
    for (const server of servers) await server.close();
    await lab?.stop();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  void describe('https', () => {
    let server: Awaited<ReturnType<typeof startHttpsServer>>;
    before(async () => {
      server = await startHttpsServer({ [`images/${IMAGE}`]: image });
      servers.push(server);
    });

    void it('copies over HTTPS from a server with a self-signed certificate', async () => {
      assert.match(server.cert.toString(), /^-----BEGIN CERTIFICATE-----/);
      const s = await privileged('sw-https');
      const url = server.url(`images/${IMAGE}`);
      assertCopied(await copy(s, url, IMAGE), url, image.length);
      await assertArrived(s, 'sw-https', IMAGE, image);
    });

    void it('reports a file the HTTPS server does not have and leaves flash unchanged', async () => {
      const s = await privileged('sw-https');
      const before = flash('sw-https');
      const url = server.url('images/missing.bin');
      const out = await copy(s, url, 'missing.bin');
      assert.match(out, new RegExp(`^%Error opening ${escape(url)} \\(No such file or directory\\)$`, 'm'), out);
      assert.deepEqual(flash('sw-https'), before);
    });
  });

  void describe('ftp (pyftpdlib)', { skip: skipPython }, () => {
    let server: Awaited<ReturnType<typeof startFtpServer>>;
    before(async () => {
      server = await startFtpServer({ python, files: { [`images/${IMAGE}`]: image }, user: FTP_USER, password: FTP_PASSWORD });
      servers.push(server);
    });

    void it('copies over FTP with user:password and masks the password in what it echoes', async () => {
      const s = await privileged('sw-ftp');
      const url = server.url(`images/${IMAGE}`);
      assert.ok(url.startsWith(`ftp://${FTP_USER}:${FTP_PASSWORD}@127.0.0.1:${server.port}/`), url);
      const shown = url.replace(`:${FTP_PASSWORD}@`, ':*****@');
      const out = await copy(s, url, IMAGE);
      assertCopied(out, shown, image.length);
      assert.ok(!out.includes(FTP_PASSWORD), `the FTP password is not echoed: ${out}`);
      await assertArrived(s, 'sw-ftp', IMAGE, image);
    });

    void it('refuses a wrong FTP password or an anonymous login with an IOS %Error and leaves flash unchanged', async () => {
      const s = await privileged('sw-ftp');
      const before = flash('sw-ftp');
      const wrong = server.url(`images/${IMAGE}`, { user: FTP_USER, password: 'not-the-password' });
      const out = await copy(s, wrong, 'wrong-pw.bin', 'flash:wrong-pw.bin');
      const shownWrong = `ftp://${FTP_USER}:*****@127.0.0.1:${server.port}/images/${IMAGE}`;
      assert.match(out, new RegExp(`^Accessing ${escape(shownWrong)}\\.\\.\\.$`, 'm'), out);
      assert.match(out, new RegExp(`^%Error opening ${escape(shownWrong)} \\(No such file or directory\\)$`, 'm'), out);
      assert.doesNotMatch(out, /Loading|bytes copied/);
      assert.ok(!out.includes('not-the-password'), out);

      // No credentials: the lab logs in as anonymous, which this server does not allow.
      const anonymous = server.url(`images/${IMAGE}`, null);
      const anonOut = await copy(s, anonymous, 'anon.bin', 'flash:anon.bin');
      assert.match(anonOut, new RegExp(`^%Error opening ${escape(anonymous)} \\(No such file or directory\\)$`, 'm'), anonOut);

      assert.deepEqual(flash('sw-ftp'), before);
      assert.deepEqual(await readdir(join(stateDir, 'blobs', 'tmp')).catch(() => []), [], 'no partial file left behind');
      assert.match(await s.run('verify /md5 flash:wrong-pw.bin'), /^%Error opening flash:wrong-pw\.bin \(No such file or directory\)$/m);
    });

    void it('reports a file the FTP server does not have', async () => {
      const s = await privileged('sw-ftp');
      const before = flash('sw-ftp');
      const url = server.url('images/missing.bin');
      const shown = url.replace(`:${FTP_PASSWORD}@`, ':*****@');
      const out = await copy(s, url, 'missing.bin');
      assert.match(out, new RegExp(`^%Error opening ${escape(shown)} \\(No such file or directory\\)$`, 'm'), out);
      assert.deepEqual(flash('sw-ftp'), before);
    });
  });

  void describe('sftp (asyncssh)', { skip: skipPython }, () => {
    let server: Awaited<ReturnType<typeof startSftpServer>>;
    before(async () => {
      server = await startSftpServer({ python, files: { [`images/${IMAGE}`]: image }, username: FTP_USER, password: FTP_PASSWORD });
      servers.push(server);
    });

    void it('copies over SFTP with user:password and masks the password in what it echoes', async () => {
      const s = await privileged('sw-sftp');
      const url = server.url(`images/${IMAGE}`);
      assert.ok(url.startsWith(`sftp://${FTP_USER}:${FTP_PASSWORD}@127.0.0.1:${server.port}/`), url);
      const shown = url.replace(`:${FTP_PASSWORD}@`, ':*****@');
      const out = await copy(s, url, IMAGE);
      assertCopied(out, shown, image.length);
      assert.ok(!out.includes(FTP_PASSWORD), `the password is not echoed: ${out}`);
      await assertArrived(s, 'sw-sftp', IMAGE, image);
    });

    void it('copies over SCP from the same server', async () => {
      const s = await privileged('sw-sftp');
      const url = server.url(`images/${IMAGE}`, 'scp');
      const out = await copy(s, url, 'via-scp.bin', 'flash:via-scp.bin');
      assertCopied(out, url.replace(`:${FTP_PASSWORD}@`, ':*****@'), image.length);
      await assertArrived(s, 'sw-sftp', 'via-scp.bin', image);
    });

    void it('refuses a wrong SFTP password or a missing file with an IOS %Error and leaves flash unchanged', async () => {
      const s = await privileged('sw-sftp');
      const before = flash('sw-sftp');
      const wrong = server.url(`images/${IMAGE}`).replace(`:${FTP_PASSWORD}@`, ':not-the-password@');
      const out = await copy(s, wrong, 'wrong-pw.bin', 'flash:wrong-pw.bin');
      const shownWrong = `sftp://${FTP_USER}:*****@127.0.0.1:${server.port}/images/${IMAGE}`;
      assert.match(out, new RegExp(`^%Error opening ${escape(shownWrong)} \\(No such file or directory\\)$`, 'm'), out);
      assert.doesNotMatch(out, /Loading|bytes copied/);
      const missing = server.url('images/missing.bin');
      const missingOut = await copy(s, missing, 'missing.bin');
      assert.match(missingOut, new RegExp(`^%Error opening ${escape(missing.replace(`:${FTP_PASSWORD}@`, ':*****@'))} \\(No such file or directory\\)$`, 'm'), missingOut);
      assert.deepEqual(flash('sw-sftp'), before);
    });
  });

  void describe('tftp (tftpy)', { skip: skipPython }, () => {
    let server: TransferServer;
    before(async () => {
      server = await startTftpServer({ python, files: { [`images/${IMAGE}`]: image, 'aligned.bin': blockAligned } });
      servers.push(server);
    });

    void it('copies over TFTP', async () => {
      const s = await privileged('sw-tftp');
      const url = server.url(`images/${IMAGE}`);
      assertCopied(await copy(s, url, IMAGE), url, image.length);
      await assertArrived(s, 'sw-tftp', IMAGE, image);
    });

    void it('copies a TFTP file that is a whole number of blocks', async () => {
      const s = await privileged('sw-tftp');
      const url = server.url('aligned.bin');
      assertCopied(await copy(s, url, 'aligned.bin'), url, blockAligned.length);
      await assertArrived(s, 'sw-tftp', 'aligned.bin', blockAligned);
    });

    void it('reports a file the TFTP server does not have and leaves flash unchanged', async () => {
      const s = await privileged('sw-tftp');
      const before = flash('sw-tftp');
      const url = server.url('images/missing.bin');
      const out = await copy(s, url, 'missing.bin');
      assert.match(out, new RegExp(`^Accessing ${escape(url)}\\.\\.\\.$`, 'm'), out);
      assert.match(out, new RegExp(`^%Error opening ${escape(url)} \\(No such file or directory\\)$`, 'm'), out);
      assert.doesNotMatch(out, /bytes copied/);
      assert.deepEqual(flash('sw-tftp'), before);
    });
  });
});
