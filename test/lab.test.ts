// The lab (simulated Catalyst 9300 fleet) driven the way netswim drives real switches: over
// SSH, an interactive shell, prompts and questions, real file transfers from a real server.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import ssh2, { type Connection, type ServerChannel } from 'ssh2';
import { generateHostKey, startLab } from '../lab/fleet.ts';
import type { DeviceSpec, Lab } from '../lab/types.ts';
import { connect, exec, PROMPT, Shell, startFileServer } from './support/lab-shell.ts';

/** A minimal SCP source (`scp -f <path>`) on an ssh2 server, as a distribution server would run. */
async function startScpServer(hostKey: string, files: Record<string, Buffer>): Promise<{ port: number; close: () => Promise<void> }> {
  const connections = new Set<Connection>();
  const server = new ssh2.Server({ hostKeys: [hostKey] }, (client) => {
    connections.add(client);
    client.on('close', () => connections.delete(client));
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => {
      if (ctx.method === 'password' && ctx.username === 'dist' && ctx.password === 'dist-pw') ctx.accept();
      else ctx.reject(['password']);
    });
    client.on('session', (accept) => {
      accept().on('exec', (acceptExec, _reject, info) => {
        const channel: ServerChannel = acceptExec();
        const path = /^scp -f '(.*)'$/.exec(info.command)?.[1] ?? '';
        const body = files[path];
        let step = 0;
        channel.on('data', () => {
          step += 1;
          if (step === 1) {
            if (!body) {
              channel.write(`\x01scp: ${path}: No such file or directory\n`);
              channel.exit(1);
              channel.end();
              return;
            }
            channel.write(`C0644 ${body.length} ${path.split('/').pop() ?? 'file'}\n`);
          } else if (step === 2 && body) {
            channel.write(body);
            channel.write(Buffer.from([0]));
          } else {
            channel.exit(0);
            channel.end();
          }
        });
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of connections) c.end();
        server.close(() => resolve());
      }),
  };
}

const md5 = (data: Buffer): string => createHash('md5').update(data).digest('hex');

function spec(hostname: string, index: number, extra: Partial<DeviceSpec> = {}): DeviceSpec {
  return {
    hostname,
    address: '127.0.0.1',
    port: 0,
    platform: 'cat9300',
    username: 'netswim',
    password: `pw-${index}`,
    ...extra,
  };
}

const NEW_IMAGE = 'cat9k_iosxe.17.09.04a.SPA.bin';

void describe('lab: simulated Catalyst 9300 over SSH', () => {
  let stateDir: string;
  let lab: Lab;
  let files: Awaited<ReturnType<typeof startFileServer>>;
  const image = randomBytes(300 * 1024 + 123);
  const open: Shell[] = [];
  const shell = async (hostname: string, password?: string): Promise<Shell> => {
    const s = await Shell.open(lab.device(hostname), password);
    open.push(s);
    return s;
  };
  const privileged = async (hostname: string): Promise<Shell> => {
    const s = await shell(hostname);
    await s.run('terminal length 0');
    return s;
  };

  before(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'netswim-lab-'));
    files = await startFileServer({ [`/images/${NEW_IMAGE}`]: image });
    lab = await startLab({
      stateDir,
      devices: [
        spec('sw-login', 1, { enableSecret: 'en-secret' }),
        spec('sw-copy', 2),
        spec('sw-faults', 3),
        spec('sw-reload', 4, { reloadDurationMs: 1500 }),
        spec('sw-cli', 5),
        spec('sw-rommon', 6, { reloadDurationMs: 300 }),
        spec('sw-share-1', 7),
        spec('sw-share-2', 8),
        spec('sw-share-3', 9),
      ],
    });
  });

  after(async () => {
    for (const s of open) s.close();
    await lab.stop();
    await files.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  void it('logs in at the user prompt, refuses a wrong enable secret, then enables', async () => {
    const s = await shell('sw-login');
    s.send('enable\r');
    await s.expect(/Password: $/);
    s.send('wrong\r');
    const denied = await s.expect(/\nsw-login>$/);
    assert.match(denied, /% Access denied/);
    s.send('en\r');
    await s.expect(/Password: $/);
    s.send('en-secret\r');
    await s.expect(/\nsw-login#$/);
    assert.match(await s.run('disable'), /^\s*$/);
    s.send('enable\r');
    await s.expect(/Password: $/);
    s.send('en-secret\r');
    await s.expect(/\nsw-login#$/);
  });

  void it('rejects a wrong SSH password', async () => {
    await assert.rejects(connect(lab.device('sw-cli'), 'not-the-password'), /authentication/i);
  });

  void it('prints show version like a Catalyst 9300 in BUNDLE mode', async () => {
    const s = await privileged('sw-cli');
    const out = await s.run('show version');
    const device = lab.device('sw-cli').state();
    assert.match(out, /^Cisco IOS XE Software, Version 17\.06\.05$/m);
    assert.match(
      out,
      /^Cisco IOS Software \[Bengaluru\], Catalyst L3 Switch Software \(CAT9K_IOSXE\), Version 17\.6\.5, RELEASE SOFTWARE \(fc\d\)$/m,
    );
    assert.match(out, /^System image file is "flash:cat9k_iosxe\.17\.06\.05\.SPA\.bin"$/m);
    assert.match(out, /^Last reload reason: PowerOn$/m);
    assert.match(out, /^Configuration register is 0x102$/m);
    assert.match(out, /^\*\s+1 65\s+C9300-48P\s+17\.06\.05\s+CAT9K_IOSXE\s+BUNDLE\s*$/m);
    // Uptime in IOS units, consistent with the boot time the lab reports.
    const uptime = /^sw-cli uptime is (.+)$/m.exec(out)?.[1] ?? '';
    const unit: Record<string, number> = { year: 525_600, week: 10_080, day: 1_440, hour: 60, minute: 1 };
    let minutes = 0;
    for (const m of uptime.matchAll(/(\d+) (year|week|day|hour|minute)s?/g)) minutes += Number(m[1]) * (unit[m[2] ?? ''] ?? 0);
    const expected = Math.floor((Date.now() - Date.parse(device.bootedAt)) / 60_000);
    assert.ok(Math.abs(minutes - expected) <= 1, `uptime "${uptime}" is ${minutes} min, boot time says ${expected}`);
    assert.ok(minutes > 3 * 1440, 'a new lab device has been up for days');
    assert.equal(device.version, '17.06.05');
    // Abbreviations resolve the same command.
    assert.match(await s.run('sh ver | i IOS XE Software'), /^Cisco IOS XE Software, Version 17\.06\.05$/m);
  });

  void it('answers an exec request with one command', async () => {
    const out = await exec(lab.device('sw-cli'), 'show clock');
    assert.match(out, /^\*\d{2}:\d{2}:\d{2}\.\d{3} UTC (Sun|Mon|Tue|Wed|Thu|Fri|Sat) [A-Z][a-z]{2} \d{1,2} \d{4}\n$/);
  });

  void it('lists flash with totals that match the device state', async () => {
    const s = await privileged('sw-cli');
    const out = await s.run('dir flash:');
    const state = lab.device('sw-cli').state();
    assert.match(out, /^Directory of flash:\/$/m);
    const totals = /^(\d+) bytes total \((\d+) bytes free\)$/m.exec(out);
    assert.ok(totals, out);
    assert.equal(Number(totals[1]), state.flashSizeBytes);
    assert.equal(Number(totals[2]), state.flashFreeBytes);
    assert.equal(state.flashSizeBytes, 11_353_194_496);
    assert.equal(state.flashFreeBytes, state.flashSizeBytes - state.flash.reduce((n, f) => n + f.size, 0));
    for (const file of state.flash) {
      const row = new RegExp(`^\\s*\\d+\\s+-rw-\\s+${file.size}\\s+[A-Z][a-z]{2} \\d{1,2} \\d{4} \\d{2}:\\d{2}:\\d{2} \\+00:00\\s+${file.name.replace(/\./g, '\\.')}$`, 'm');
      assert.match(out, row);
    }
    const image = state.flash.find((f) => f.name === 'cat9k_iosxe.17.06.05.SPA.bin');
    assert.equal(image?.size, 485_376_536);
    assert.equal(await s.run('dir'), out);
  });

  void it('copies an image over HTTP into flash and verifies its MD5', async () => {
    const s = await privileged('sw-copy');
    const url = files.url(`/images/${NEW_IMAGE}`);
    s.send(`copy ${url} flash:\r`);
    await s.expect(new RegExp(`Destination filename \\[${NEW_IMAGE.replace(/\./g, '\\.')}\\]\\? $`));
    s.send('\r');
    const out = await s.expect(PROMPT);
    assert.match(out, new RegExp(`Accessing ${url}\\.\\.\\.`));
    const marks = new RegExp(`Loading ${url} (!*)\\n`).exec(out)?.[1] ?? '';
    assert.equal(marks.length, Math.floor(image.length / 65_536), 'one ! per 64 KiB');
    assert.match(out, new RegExp(`^${image.length} bytes copied in \\d+\\.\\d{3} secs \\(\\d+ bytes/sec\\)$`, 'm'));

    const file = lab.device('sw-copy').state().flash.find((f) => f.name === NEW_IMAGE);
    assert.deepEqual(file, { name: NEW_IMAGE, size: image.length, md5: md5(image) });
    const verify = await s.run(`verify /md5 flash:${NEW_IMAGE}`);
    assert.match(verify, /^\.+Done!$/m);
    assert.match(verify, new RegExp(`^verify /md5 \\(flash:${NEW_IMAGE.replace(/\./g, '\\.')}\\) = ${md5(image)}$`, 'm'));
    assert.match(await s.run(`verify /md5 flash:${NEW_IMAGE} ${md5(image)}`), /^Verified \(flash:/m);

    // Same name again: IOS warns and asks before overwriting.
    s.send(`copy ${url} flash:\r`);
    await s.expect(/\]\? $/);
    s.send('\r');
    await s.expect(/%Warning:There is a file already existing with this name \nDo you want to over write\? \[confirm\]$/);
    s.send('n\r');
    await s.expect(PROMPT);
    assert.equal(lab.device('sw-copy').state().flash.filter((f) => f.name === NEW_IMAGE).length, 1);
  });

  void it('stores an image that several devices copied once (virtual flash)', async () => {
    const shared = randomBytes(700 * 1024);
    const server = await startFileServer({ '/shared.bin': shared });
    try {
      const blobFiles = async () => (await readdir(join(stateDir, 'blobs'), { recursive: true, withFileTypes: true })).filter((e) => e.isFile() && !e.parentPath.endsWith('tmp'));
      const before = (await blobFiles()).length;
      for (const hostname of ['sw-share-1', 'sw-share-2', 'sw-share-3']) {
        const s = await privileged(hostname);
        s.send(`copy ${server.url('/shared.bin')} flash:\r`);
        await s.expect(/\]\? $/);
        s.send('\r');
        assert.match(await s.expect(PROMPT), new RegExp(`^${shared.length} bytes copied`, 'm'));
        // Each device sees its own full-size file…
        assert.deepEqual(lab.device(hostname).state().flash.find((f) => f.name === 'shared.bin'), { name: 'shared.bin', size: shared.length, md5: md5(shared) });
      }
      // …while the bytes are on disk once.
      const added = (await blobFiles()).length - before;
      assert.equal(added, 1, `one blob for three copies, found ${added}`);
    } finally {
      await server.close();
    }
  });

  void it('reports a missing file and an unreachable server as IOS errors', async () => {
    const s = await privileged('sw-copy');
    const missing = files.url('/images/missing.bin');
    s.send(`copy ${missing} flash:\r`);
    await s.expect(/\[missing\.bin\]\? $/);
    s.send('\r');
    const out = await s.expect(PROMPT);
    assert.match(out, new RegExp(`^%Error opening ${missing} \\(No such file or directory\\)$`, 'm'));
    s.send('copy http://127.0.0.1:1/x.bin flash:\r');
    await s.expect(/\? $/);
    s.send('\r');
    assert.match(await s.expect(PROMPT), /^%Error opening http:\/\/127\.0\.0\.1:1\/x\.bin \(No such file or directory\)$/m);
    assert.equal(lab.device('sw-copy').state().flash.some((f) => f.name === 'missing.bin' || f.name === 'x.bin'), false);
  });

  void it('stores altered bytes when the corruptTransfer fault is on', async () => {
    const device = lab.device('sw-faults');
    device.setFaults({ corruptTransfer: true });
    const s = await privileged('sw-faults');
    s.send(`copy ${files.url(`/images/${NEW_IMAGE}`)} flash:\r`);
    await s.expect(/\]\? $/);
    s.send('corrupt.bin\r');
    assert.match(await s.expect(PROMPT), /bytes copied in/);
    device.setFaults({ corruptTransfer: false });
    const file = device.state().flash.find((f) => f.name === 'corrupt.bin');
    assert.equal(file?.size, image.length);
    assert.notEqual(file?.md5, md5(image));
    const verify = await s.run('verify /md5 flash:corrupt.bin');
    assert.match(verify, new RegExp(`= ${file?.md5 ?? 'none'}$`, 'm'));
    assert.doesNotMatch(verify, new RegExp(md5(image)));
  });

  void it('refuses a file that does not fit and leaves flash unchanged', async () => {
    const device = lab.device('sw-faults');
    const before = device.state();
    const used = before.flashSizeBytes - before.flashFreeBytes;
    device.setFlashSize(used + 100 * 1024);
    const s = await privileged('sw-faults');
    for (const path of [`/images/${NEW_IMAGE}`, `/chunked/images/${NEW_IMAGE}`]) {
      const url = files.url(path);
      s.send(`copy ${url} flash:big.bin\r`);
      await s.expect(/\[big\.bin\]\? $/);
      s.send('\r');
      const out = await s.expect(PROMPT);
      assert.match(out, new RegExp(`^%Error copying ${url} \\(Not enough space on device\\)$`, 'm'), out);
      assert.doesNotMatch(out, /bytes copied/);
    }
    const afterState = device.state();
    assert.deepEqual(afterState.flash, before.flash);
    assert.equal(afterState.flashFreeBytes, 100 * 1024);
    assert.deepEqual(await readdir(join(stateDir, 'blobs', 'tmp')), [], 'no partial file left behind');
    device.setFlashSize(before.flashSizeBytes);
  });

  void it('copies over SCP from a distribution server', async () => {
    const hostKey = generateHostKey();
    const scp = await startScpServer(hostKey, { '/srv/images/small.bin': image.subarray(0, 70_000) });
    try {
      const s = await privileged('sw-copy');
      const url = `scp://dist:dist-pw@127.0.0.1:${scp.port}/srv/images/small.bin`;
      const masked = `scp://dist:*****@127.0.0.1:${scp.port}/srv/images/small.bin`;
      s.send(`copy ${url} flash:\r`);
      await s.expect(/\[small\.bin\]\? $/);
      s.send('\r');
      const out = await s.expect(PROMPT);
      assert.match(out, /^70000 bytes copied in/m);
      assert.ok(out.includes(`Loading ${masked} !\n`), out);
      assert.ok(!out.includes('dist-pw'), 'the transfer password is not echoed');
      const file = lab.device('sw-copy').state().flash.find((f) => f.name === 'small.bin');
      assert.equal(file?.md5, md5(image.subarray(0, 70_000)));
      s.send(`copy scp://dist:dist-pw@127.0.0.1:${scp.port}/srv/none.bin flash:\r`);
      await s.expect(/\? $/);
      s.send('\r');
      assert.match(await s.expect(PROMPT), /%Error opening scp:\/\/dist:\*\*\*\*\*@.*none\.bin \(No such file or directory\)/);
    } finally {
      await scp.close();
    }
  });

  void it('deletes a file after the IOS questions', async () => {
    const device = lab.device('sw-copy');
    const s = await privileged('sw-copy');
    assert.ok(device.state().flash.some((f) => f.name === 'small.bin'));
    s.send('delete flash:small.bin\r');
    await s.expect(/Delete filename \[small\.bin\]\? $/);
    s.send('\r');
    await s.expect(/Delete flash:\/small\.bin\? \[confirm\]$/);
    s.send('\r');
    await s.expect(PROMPT);
    assert.equal(device.state().flash.some((f) => f.name === 'small.bin'), false);
    assert.match(await s.run('delete /force flash:small.bin'), /%Error deleting flash:\/small\.bin \(No such file or directory\)/);
    assert.match(await s.run('verify /md5 flash:small.bin'), /^%Error opening flash:small\.bin \(No such file or directory\)$/m);
  });

  void it('points at the bad word with a caret and reports incomplete commands', async () => {
    const s = await privileged('sw-cli');
    const out = await s.run('shw version');
    assert.deepEqual(out.split('\n').slice(0, 2), ['       ^', "% Invalid input detected at '^' marker."]);
    const sub = await s.run('show verzion');
    assert.equal(sub.split('\n')[0], `${' '.repeat('sw-cli#show '.length)}^`);
    assert.match(await s.run('copy'), /^% Incomplete command\.$/m);
    assert.match(await s.run('di'), /^% Ambiguous command:\s+"di"$/m);
    // The user prompt does not know privileged commands.
    const login = await shell('sw-login');
    const refused = await login.run('configure terminal');
    assert.deepEqual(refused.split('\n').slice(0, 2), ['         ^', "% Invalid input detected at '^' marker."]);
  });

  void it('pauses long output at --More-- until terminal length 0', async () => {
    const s = await shell('sw-cli');
    s.send('show version\r');
    const page = await s.expect(/ --More-- $/);
    const lines = page.split('\n');
    assert.equal(lines.length - 2, 23, 'a page is terminal length (24) minus one line'); // echo + More line
    s.send(' ');
    await s.expect(/ --More-- $/);
    s.send('q');
    await s.expect(PROMPT);
    await s.run('term len 0');
    assert.doesNotMatch(await s.run('show version'), /--More--/);
  });

  void it('keeps unsaved boot changes out of the startup config and asks Save? on reload', async () => {
    const device = lab.device('sw-cli');
    const s = await privileged('sw-cli');
    assert.match(await s.run('conf t'), /Enter configuration commands, one per line\.\s+End with CNTL\/Z\./);
    await s.run('boot system flash:cat9k_iosxe.17.06.05.SPA.bin');
    s.send('\x1a');
    await s.expect(/\nsw-cli#$/);
    assert.deepEqual(device.state().bootVariables, ['flash:cat9k_iosxe.17.06.05.SPA.bin', 'flash:cat9k_iosxe.17.06.05.SPA.bin']);
    assert.deepEqual(device.state().savedBootVariables, ['flash:cat9k_iosxe.17.06.05.SPA.bin']);
    const boot = await s.run('show boot');
    assert.match(boot, /Current Boot Variables:\nBOOT variable = flash:cat9k_iosxe\.17\.06\.05\.SPA\.bin;flash:cat9k_iosxe\.17\.06\.05\.SPA\.bin;\n/);
    assert.match(boot, /Boot Variables on next reload:\nBOOT variable = flash:cat9k_iosxe\.17\.06\.05\.SPA\.bin;\nManual Boot = no\n/);
    assert.match(await s.run('show running-config | include ^boot system'), /^boot system flash:cat9k_iosxe\.17\.06\.05\.SPA\.bin\nboot system flash:cat9k_iosxe\.17\.06\.05\.SPA\.bin\n/);

    s.send('reload\r');
    await s.expect(/System configuration has been modified\. Save\? \[yes\/no\]: $/);
    s.send('maybe\r');
    await s.expect(/% Please answer 'yes' or 'no'\.\nSystem configuration has been modified\. Save\? \[yes\/no\]: $/);
    s.send('no\r');
    await s.expect(/Proceed with reload\? \[confirm\]$/);
    s.send('n\r');
    await s.expect(PROMPT);
    assert.equal(device.state().reloadCount, 0);
    assert.equal(device.state().reachable, true);
    await s.run('configure terminal');
    await s.run('no boot system');
    await s.run('boot system flash:cat9k_iosxe.17.06.05.SPA.bin');
    await s.run('end');
    assert.match(await s.run('wr mem'), /Building configuration\.\.\.\n\[OK\]/);
    assert.deepEqual(device.state().savedBootVariables, ['flash:cat9k_iosxe.17.06.05.SPA.bin']);
    s.send('copy run start\r');
    await s.expect(/Destination filename \[startup-config\]\? $/);
    s.send('\r');
    assert.match(await s.expect(PROMPT), /Building configuration\.\.\.\n\[OK\]/);
    assert.equal(device.state().reachable, true);
  });

  void it('skips a corrupted image at boot and stays in ROMMON when nothing can boot', async () => {
    const device = lab.device('sw-rommon');
    device.setFaults({ corruptTransfer: true });
    let s = await privileged('sw-rommon');
    s.send(`copy ${files.url(`/images/${NEW_IMAGE}`)} flash:\r`);
    await s.expect(/\]\? $/);
    s.send('\r');
    assert.match(await s.expect(PROMPT), /bytes copied in/);
    device.setFaults({ corruptTransfer: false });
    await s.run('configure terminal');
    await s.run('no boot system');
    await s.run(`boot system flash:${NEW_IMAGE}`);
    await s.run('boot system flash:cat9k_iosxe.17.06.05.SPA.bin');
    await s.run('end');
    await s.run('write memory');
    const reboot = async (): Promise<void> => {
      s.send('reload\r');
      await s.expect(/\[confirm\]$/);
      s.send('\r');
      await s.expectClosed();
      await new Promise((r) => setTimeout(r, 600));
    };
    await reboot();
    assert.equal(device.state().reachable, true);
    assert.equal(device.state().runningImage, 'cat9k_iosxe.17.06.05.SPA.bin', 'fell back to the next boot entry');

    s = await privileged('sw-rommon');
    await s.run('configure terminal');
    await s.run('no boot system');
    await s.run('boot system flash:not-there.bin');
    await s.run('end');
    await s.run('write memory');
    await reboot();
    const state = device.state();
    assert.equal(state.reachable, false);
    assert.equal(state.reloadCount, 2);
    assert.equal(state.runningImage, '');
    await assert.rejects(connect(device), /ECONNREFUSED/);
  });

  void it('reloads into the new image: session dropped, unreachable for a while, then back', async () => {
    const device = lab.device('sw-reload');
    const s = await privileged('sw-reload');
    s.send(`copy ${files.url(`/images/${NEW_IMAGE}`)} flash:\r`);
    await s.expect(/\]\? $/);
    s.send('\r');
    assert.match(await s.expect(PROMPT), /bytes copied in/);
    await s.run('configure terminal');
    await s.run('no boot system');
    await s.run(`boot system flash:${NEW_IMAGE}`);
    await s.run('boot system flash:cat9k_iosxe.17.06.05.SPA.bin');
    await s.run('end');
    assert.match(await s.run('write memory'), /^Building configuration\.\.\.\n\[OK\]$/m);
    assert.deepEqual(device.state().savedBootVariables, [`flash:${NEW_IMAGE}`, 'flash:cat9k_iosxe.17.06.05.SPA.bin']);

    s.send('reload\r');
    await s.expect(/Proceed with reload\? \[confirm\]$/);
    const reloadAt = Date.now();
    s.send('\r');
    await s.expectClosed();
    assert.equal(device.state().reachable, false);
    await assert.rejects(connect(device), /ECONNREFUSED/);
    await new Promise((r) => setTimeout(r, Math.max(0, reloadAt + 1000 - Date.now())));
    await assert.rejects(connect(device), /ECONNREFUSED/, 'still down one second into the reload');

    let back: ssh2.Client | undefined;
    while (!back) {
      assert.ok(Date.now() - reloadAt < 10_000, 'the device came back');
      back = await connect(device).catch(() => undefined);
      if (!back) await new Promise((r) => setTimeout(r, 100));
    }
    back.end();
    assert.ok(Date.now() - reloadAt >= 1400, `unreachable for ${Date.now() - reloadAt} ms`);
    const state = device.state();
    assert.equal(state.reloadCount, 1);
    assert.equal(state.runningImage, NEW_IMAGE);
    assert.equal(state.version, '17.09.04a');
    assert.equal(state.reachable, true);
    assert.ok(Date.now() - Date.parse(state.bootedAt) < 10_000);

    const after = await privileged('sw-reload');
    const version = await after.run('show version');
    assert.match(version, /^Cisco IOS XE Software, Version 17\.09\.04a$/m);
    assert.match(version, /Catalyst L3 Switch Software \(CAT9K_IOSXE\), Version 17\.9\.4a, RELEASE SOFTWARE/);
    assert.match(version, new RegExp(`^System image file is "flash:${NEW_IMAGE.replace(/\./g, '\\.')}"$`, 'm'));
    assert.match(version, /^Last reload reason: Reload Command$/m);
    assert.match(version, /^sw-reload uptime is \d+ minutes?$|^sw-reload uptime is 0 minutes$/m);
  });
});

void describe('lab: state survives a restart', () => {
  void it('keeps flash, boot variables and the host key', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'netswim-lab-restart-'));
    const body = randomBytes(100_000);
    const files = await startFileServer({ '/x/cat9k_iosxe.17.12.04.SPA.bin': body });
    const devices = [spec('sw-persist', 9, { reloadDurationMs: 60_000 })];
    let lab = await startLab({ stateDir, devices });
    const keys: string[] = [];
    try {
      const device = lab.device('sw-persist');
      const s = await Shell.open(device);
      s.send(`copy ${files.url('/x/cat9k_iosxe.17.12.04.SPA.bin')} flash:\r`);
      await s.expect(/\]\? $/);
      s.send('\r');
      assert.match(await s.expect(PROMPT), /100000 bytes copied/);
      await s.run('conf t');
      await s.run('no boot system');
      await s.run('boot system flash:cat9k_iosxe.17.12.04.SPA.bin');
      await s.run('end');
      await s.run('write memory');
      await s.run('conf t');
      await s.run('boot system flash:unsaved.bin');
      await s.run('end');
      s.close();
      (await connect(device, undefined, (k) => keys.push(k.toString('hex')))).end();
    } finally {
      await lab.stop();
    }
    const before = JSON.parse(await readFile(join(stateDir, 'devices', 'sw-persist.json'), 'utf8')) as { flash: unknown[] };
    assert.equal(before.flash.length, 5);

    lab = await startLab({ stateDir, devices });
    try {
      const device = lab.device('sw-persist');
      const state = device.state();
      assert.deepEqual(
        state.flash.find((f) => f.name === 'cat9k_iosxe.17.12.04.SPA.bin'),
        { name: 'cat9k_iosxe.17.12.04.SPA.bin', size: 100_000, md5: md5(body) },
      );
      assert.deepEqual(state.savedBootVariables, ['flash:cat9k_iosxe.17.12.04.SPA.bin']);
      assert.deepEqual(state.bootVariables, ['flash:cat9k_iosxe.17.12.04.SPA.bin', 'flash:unsaved.bin']);
      assert.equal(state.runningImage, 'cat9k_iosxe.17.06.05.SPA.bin');
      const client = await connect(device, undefined, (k) => keys.push(k.toString('hex')));
      client.end();
      assert.equal(keys[0], keys[1], 'same host key after the restart');
      const s = await Shell.open(device);
      await s.run('terminal length 0');
      assert.match(await s.run('dir flash:'), /\s100000\s.*cat9k_iosxe\.17\.12\.04\.SPA\.bin$/m);
      assert.match(await s.run('verify /md5 flash:cat9k_iosxe.17.12.04.SPA.bin'), new RegExp(`= ${md5(body)}$`, 'm'));

      // A reload interrupted by stopping the lab completes when the lab starts again.
      s.send('reload\r');
      await s.expect(/Save\? \[yes\/no\]: $/);
      s.send('yes\r');
      await s.expect(/\[confirm\]$/);
      s.send('\r');
      await s.expectClosed();
      assert.equal(device.state().reachable, false);
    } finally {
      await lab.stop();
    }
    lab = await startLab({ stateDir, devices });
    try {
      const state = lab.device('sw-persist').state();
      assert.equal(state.reachable, true);
      assert.equal(state.reloadCount, 1);
      assert.equal(state.runningImage, 'cat9k_iosxe.17.12.04.SPA.bin');
      assert.equal(state.version, '17.12.04');
    } finally {
      await lab.stop();
      await files.close();
      await rm(stateDir, { recursive: true, force: true });
    }
  });
});
