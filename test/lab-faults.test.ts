// Faults switched on at run time through the lab control API (and LabDevice.setFaults), each
// observed from an SSH client the way netswim would see it on a real device.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseDirFlash } from '../domain/parsers/dir-flash.ts';
import { startLab } from '../lab/fleet.ts';
import type { DeviceSpec, DeviceStateView, Lab } from '../lab/types.ts';
import { connect, exec, PROMPT, Shell, startFileServer } from './support/lab-shell.ts';

function spec(hostname: string, extra: Partial<DeviceSpec> = {}): DeviceSpec {
  return { hostname, address: '127.0.0.1', port: 0, platform: 'cat9300', username: 'netswim', password: `pw-${hostname}`, reloadDurationMs: 500, ...extra };
}

void describe('lab faults', () => {
  let stateDir: string;
  let lab: Lab;
  let files: Awaited<ReturnType<typeof startFileServer>>;
  const image = randomBytes(400 * 1024);
  const api = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> => {
    const res = await fetch(`${lab.controlUrl ?? ''}${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    return { status: res.status, json: await res.json() };
  };
  const faults = (hostname: string, body: unknown): Promise<{ status: number; json: unknown }> => api('PUT', `/devices/${hostname}/faults`, body);

  before(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'netswim-lab-faults-'));
    files = await startFileServer({ '/cat9k_iosxe.17.09.04a.SPA.bin': image });
    lab = await startLab({ stateDir, controlPort: 0, devices: [spec('f-ssh'), spec('f-cfg'), spec('f-copy'), spec('f-boot'), spec('f-upg')] });
  });

  after(async () => {
    await lab.stop();
    await files.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  void it('control API lists devices and validates fault bodies strictly', async () => {
    assert.match(lab.controlUrl ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
    const all = await api('GET', '/devices');
    assert.equal(all.status, 200);
    assert.deepEqual((all.json as DeviceStateView[]).map((d) => d.hostname), ['f-ssh', 'f-cfg', 'f-copy', 'f-boot', 'f-upg']);
    assert.equal((await api('GET', '/devices/nope')).status, 404);
    const unknown = await faults('f-ssh', { flashFull: true, bogus: 1 });
    assert.equal(unknown.status, 400);
    assert.match((unknown.json as { error: string }).error, /unknown fault "bogus"/);
    const wrongType = await faults('f-ssh', { transferDropAt: 2 });
    assert.equal(wrongType.status, 400);
    assert.match((wrongType.json as { error: string }).error, /transferDropAt/);
    assert.equal((await faults('f-ssh', { sshRefused: 'yes' })).status, 400);
    assert.deepEqual(lab.device('f-ssh').state().faults, {}, 'a refused body changes nothing');
  });

  void it('sshAuthFailure and sshRefused', async () => {
    const device = lab.device('f-ssh');
    assert.equal((await faults('f-ssh', { sshAuthFailure: true })).status, 200);
    await assert.rejects(connect(device), /authentication/i);
    await faults('f-ssh', { sshAuthFailure: false, sshRefused: true });
    await new Promise((r) => setTimeout(r, 100));
    await assert.rejects(connect(device), /ECONNREFUSED/);
    assert.equal((await api('DELETE', '/devices/f-ssh/faults')).status, 200);
    let client: Awaited<ReturnType<typeof connect>> | undefined;
    for (let i = 0; i < 40 && !client; i++) {
      client = await connect(device).catch(() => undefined);
      if (!client) await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(client, 'connections are accepted again');
    client.end();
  });

  void it('clock skew, TLS, license, latency and flash full', async () => {
    await faults('f-ssh', { clockSkewSeconds: 3600, tlsBelow12: true, licenseInvalid: true, flashFull: true, commandLatencyMs: 300 });
    const device = lab.device('f-ssh');
    const clock = await exec(device, 'show clock');
    const m = /^\*(\d\d):(\d\d):(\d\d)\.\d{3} UTC/.exec(clock);
    assert.ok(m, clock);
    const shown = Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
    const now = new Date();
    const expected = (now.getUTCHours() * 3600 + now.getUTCMinutes() * 60 + now.getUTCSeconds() + 3600) % 86_400;
    assert.ok(Math.abs(shown - expected) < 5 || Math.abs(shown - expected) > 86_395, `clock ${clock} is one hour ahead`);
    assert.match(await exec(device, 'show ntp status'), /^Clock is unsynchronized, stratum 16, no reference clock$/m);
    assert.match(await exec(device, 'show ip http server secure status'), /^HTTP secure server TLS version:\s+TLSv1\.1 TLSv1\.0$/m);
    assert.match(await exec(device, 'show license summary'), /NOT AUTHORIZED/);
    const started = Date.now();
    const dir = parseDirFlash(await exec(device, 'dir flash:'));
    assert.ok(Date.now() - started >= 300, 'commandLatencyMs delays the output');
    assert.equal(dir.freeBytes, 0);
    await api('DELETE', '/devices/f-ssh/faults');
    assert.ok(parseDirFlash(await exec(device, 'dir flash:')).freeBytes > 0);
  });

  void it('configuration faults: no RSA key, no domain name, config register, no startup config', async () => {
    await faults('f-cfg', { noRsaKey: true, noDomainName: true, configRegister: '0x2142', noStartupConfig: true });
    const s = await Shell.open(lab.device('f-cfg'));
    await s.run('terminal length 0');
    assert.equal((await s.run('show crypto key mypubkey rsa')).trim(), '');
    assert.equal((await s.run('show running-config | include domain name')).trim(), '');
    assert.match(await s.run('show version | include register'), /^Configuration register is 0x2142$/m);
    assert.match(await s.run('show startup-config'), /^startup-config is not present$/m);
    await s.run('configure terminal');
    assert.match(await s.run('crypto key generate rsa modulus 2048'), /% Please define a domain-name first\./);
    await s.run('ip domain name example.net');
    assert.match(await s.run('crypto key generate rsa modulus 2048'), /% Generating 2048 bit RSA keys/);
    await s.run('end');
    assert.match(await s.run('show crypto key mypubkey rsa'), /^Key name: f-cfg\.example\.net$/m);
    await s.run('write memory');
    assert.match(await s.run('show startup-config | include domain name'), /^ip domain name example\.net$/m);
    s.close();
  });

  void it('transferDropAt cuts a copy with the IOS error; slowLink slows it', async () => {
    const device = lab.device('f-copy');
    await faults('f-copy', { transferDropAt: 0.5 });
    const s = await Shell.open(device);
    const url = files.url('/cat9k_iosxe.17.09.04a.SPA.bin');
    s.send(`copy ${url} flash:\r`);
    await s.expect(/\]\? $/);
    s.send('\r');
    assert.match(await s.expect(PROMPT), new RegExp(`^%Error copying ${url} \\(I/O error\\)$`, 'm'));
    assert.equal(device.state().flash.some((f) => f.name === 'cat9k_iosxe.17.09.04a.SPA.bin'), false);
    await faults('f-copy', { transferDropAt: 0, slowLinkBytesPerSecond: 400 * 1024 });
    const started = Date.now();
    s.send(`copy ${url} flash:\r`);
    await s.expect(/\]\? $/);
    s.send('\r');
    assert.match(await s.expect(PROMPT), /409600 bytes copied/);
    assert.ok(Date.now() - started >= 900, `took ${Date.now() - started} ms at 400 KiB/s`);
    s.close();
  });

  void it('badImage falls back to the next boot entry, reloadNeverReturns holds the device down', async () => {
    const device = lab.device('f-boot');
    const s = await Shell.open(device);
    s.send(`copy ${files.url('/cat9k_iosxe.17.09.04a.SPA.bin')} flash:\r`);
    await s.expect(/\]\? $/);
    s.send('\r');
    await s.expect(PROMPT);
    await s.run('configure terminal');
    await s.run('no boot system');
    await s.run('boot system flash:cat9k_iosxe.17.09.04a.SPA.bin');
    await s.run('boot system flash:cat9k_iosxe.17.06.05.SPA.bin');
    await s.run('end');
    await s.run('write memory');
    await faults('f-boot', { badImage: 'cat9k_iosxe.17.09.04a.SPA.bin', reloadNeverReturns: true });
    s.send('reload\r');
    await s.expect(/\[confirm\]$/);
    s.send('\r');
    await s.expectClosed();
    await new Promise((r) => setTimeout(r, 1200));
    assert.equal(device.state().reachable, false, 'reloadNeverReturns keeps it down');
    await faults('f-boot', { reloadNeverReturns: false });
    const deadline = Date.now() + 5000;
    while (!device.state().reachable) {
      assert.ok(Date.now() < deadline);
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(device.state().runningImage, 'cat9k_iosxe.17.06.05.SPA.bin', 'fell through to the next boot entry');
  });

  void it('cpu, routes and interface faults show after an upgrade (reload)', async () => {
    const device = lab.device('f-upg');
    await faults('f-upg', { cpuHighAfterUpgrade: true, fewerRoutesAfterUpgrade: true, interfaceDownAfterUpgrade: true });
    assert.match(await exec(device, 'show processes cpu sorted | include CPU'), /five seconds: [3-5]%\/0%/);
    const s = await Shell.open(device);
    s.send('reload\r');
    await s.expect(/\[confirm\]$/);
    s.send('\r');
    await s.expectClosed();
    const deadline = Date.now() + 5000;
    while (!device.state().reachable) {
      assert.ok(Date.now() < deadline);
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 100));
    assert.match(await exec(device, 'show processes cpu sorted | include CPU'), /^CPU utilization for five seconds: 9\d%\/2%; one minute: \d+%; five minutes: \d+%$/m);
    assert.match(await exec(device, 'show ip route summary'), /^ospf 1\s+0\s+3\s/m);
    assert.match(await exec(device, 'show ip interface brief'), /^TenGigabitEthernet1\/1\/1\s+10\.0\.1\.2\s+YES NVRAM\s+down\s+down$/m);
  });
});
