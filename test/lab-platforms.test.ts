// Each simulated platform answers show version / dir / show boot in its real format, readable by
// netswim's parsers the same way they read the real samples in test/fixtures/lab-real/, and
// runs its own upgrade flow (IOS-XE INSTALL mode, NX-OS install all) into the new version.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseDirFlash } from '../domain/parsers/dir-flash.ts';
import { familyOfModel } from '../domain/device-family.ts';
import { parseShowBoot } from '../domain/parsers/show-boot.ts';
import { chassisOf, parseShowInventory } from '../domain/parsers/show-inventory.ts';
import { bootImageOf, fileNameOfImage, parseShowVersion } from '../domain/parsers/show-version.ts';
import { parseVerifyMd5 } from '../domain/parsers/verify-md5.ts';
import { startLab } from '../lab/fleet.ts';
import type { DeviceSpec, Lab, LabPlatform } from '../lab/types.ts';
import { PROMPT, Shell, startFileServer } from './support/lab-shell.ts';

const fixture = (name: string): Promise<string> => readFile(new URL(`./fixtures/lab-real/${name}`, import.meta.url), 'utf8');

function spec(hostname: string, platform: LabPlatform, extra: Partial<DeviceSpec> = {}): DeviceSpec {
  return { hostname, address: '127.0.0.1', port: 0, platform, username: 'netswim', password: `pw-${hostname}`, reloadDurationMs: 800, ...extra };
}

async function waitReachable(lab: Lab, hostname: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!lab.device(hostname).state().reachable) {
    assert.ok(Date.now() < deadline, `${hostname} came back`);
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 100));
}

// EOS names no image in `show version`: its lab output is checked in test/eos.test.ts.
const EXPECTED: Record<Exclude<LabPlatform, 'dcs7050sx3'>, { version: string; image: string; fs: string; mode?: 'INSTALL' | 'BUNDLE'; register?: string }> = {
  cat9300: { version: '17.06.05', image: 'flash:cat9k_iosxe.17.06.05.SPA.bin', fs: 'flash', mode: 'BUNDLE', register: '0x102' },
  'cat9300-install': { version: '17.06.05', image: 'flash:packages.conf', fs: 'flash', mode: 'INSTALL', register: '0x102' },
  isr2900: { version: '15.2(4)M7', image: 'flash:c2900-universalk9-mz.SPA.152-4.M7.bin', fs: 'flash', register: '0x2102' },
  c2960x: { version: '15.2(2)E7', image: 'flash:c2960x-universalk9-mz.152-2.E7/c2960x-universalk9-mz.152-2.E7.bin', fs: 'flash', register: '0xF' },
  n9k: { version: '10.2(5)', image: 'bootflash:///nxos64-cs.10.2.5.M.bin', fs: 'bootflash' },
  'asr1000-install': { version: '17.06.05', image: 'bootflash:packages.conf', fs: 'bootflash', mode: 'INSTALL', register: '0x2102' },
  n5548: { version: '7.1(4)N1(1)', image: 'bootflash:///n5000-uk9.7.1.4.N1.1.bin', fs: 'bootflash' },
};

void describe('lab platforms: real formats, read by netswim parsers', () => {
  let stateDir: string;
  let lab: Lab;
  const open: Shell[] = [];
  const nxImage = randomBytes(200_000);
  let files: Awaited<ReturnType<typeof startFileServer>>;
  const shell = async (hostname: string): Promise<Shell> => {
    const s = await Shell.open(lab.device(hostname));
    open.push(s);
    await s.run('terminal length 0');
    return s;
  };

  before(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'netswim-lab-platforms-'));
    files = await startFileServer({ '/nxos64-cs.10.3.4a.M.bin': nxImage });
    lab = await startLab({
      stateDir,
      devices: [
        spec('p-cat9300', 'cat9300'),
        spec('p-install', 'cat9300-install'),
        spec('p-isr', 'isr2900'),
        spec('p-2960x', 'c2960x'),
        spec('p-n9k', 'n9k'),
        spec('p-asr', 'asr1000-install'),
        spec('p-n5k', 'n5548'),
      ],
    });
  });

  after(async () => {
    for (const s of open) s.close();
    await lab.stop();
    await files.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  void it('netswim parsers read the real samples', async () => {
    const nx = parseShowVersion(await fixture('nxos-show-version-10.4.5.txt'));
    assert.equal(nx.version, '10.4(5)');
    // NX-OS names the device on `Device name:`; `Kernel uptime is` gives the uptime, not a name.
    assert.equal(nx.hostname, 'N9K-LAB-15');
    assert.equal(nx.uptimeSeconds, 60 * 86400 + 17 * 3600 + 26 * 60 + 51);
    assert.equal(fileNameOfImage(bootImageOf(nx)), 'nxos64-cs.10.4.5.M.bin');
    const nxDir = parseDirFlash(await fixture('nxos-dir-bootflash.txt'));
    assert.equal(nxDir.totalBytes, 3_697_471_488);
    assert.equal(nxDir.freeBytes, 2_166_267_904);
    assert.ok(nxDir.files.some((f) => f.name === 'n7700-s2-dk9.8.4.3.bin' && f.size === 538_255_348));
    const xeDir = parseDirFlash(await fixture('ios-dir-bootflash.txt'));
    assert.ok(xeDir.files.some((f) => f.name === 'packages.conf' && f.size === 5681));
  });

  for (const [hostname, platform] of [
    ['p-cat9300', 'cat9300'],
    ['p-install', 'cat9300-install'],
    ['p-isr', 'isr2900'],
    ['p-2960x', 'c2960x'],
    ['p-n9k', 'n9k'],
    ['p-asr', 'asr1000-install'],
    ['p-n5k', 'n5548'],
  ] as const) {
    void it(`${platform}: show version, dir and show boot parse to the device state`, async () => {
      const expected = EXPECTED[platform];
      const s = await shell(hostname);
      const state = lab.device(hostname).state();
      const text = await s.run('show version');
      const version = parseShowVersion(text);
      assert.equal(version.version, expected.version);
      if (platform === 'n9k') assert.match(text, new RegExp(`^  Device name: ${hostname}$`, 'm'));
      else assert.equal(version.hostname, hostname);
      assert.equal(version.systemImage, expected.image);
      assert.equal(fileNameOfImage(bootImageOf(version)), state.runningImage.split('/').pop());
      assert.equal(version.installMode, expected.mode);
      assert.equal(version.configRegister, expected.register);
      assert.ok(version.uptimeSeconds > 3 * 86_400);
      assert.equal(state.version, expected.version);

      const dirText = await s.run(`dir ${expected.fs}:`);
      const dir = parseDirFlash(dirText);
      assert.equal(dir.totalBytes, state.flashSizeBytes);
      assert.equal(dir.freeBytes, state.flashFreeBytes);
      // A file in a directory is listed as its directory, once.
      assert.deepEqual(
        dir.files.map((f) => f.name),
        [...new Set(state.flash.map((f) => f.name.replace(/\/$/, '').split('/')[0]!))],
      );

      const bootText = await s.run('show boot');
      assert.deepEqual(parseShowBoot(bootText).next, state.savedBootVariables);
      if (platform === 'n9k') {
        assert.match(bootText, /^Boot Variables on next reload:\n\n\nsup-1\nNXOS variable = bootflash:\/nxos64-cs\.10\.2\.5\.M\.bin\nBoot POAP Disabled$/m);
        assert.match(dirText, /^Usage for bootflash:\/\/sup-local\n\s*\d+ bytes used\n\s*\d+ bytes free\n\s*\d+ bytes total$/m);
      }
      if (platform === 'n5548') {
        // The Nexus5548 capture's shape: kickstart and system lines, both image files named.
        assert.equal(version.kickstartImage, 'bootflash:///n5000-uk9-kickstart.7.1.4.N1.1.bin');
        assert.equal(state.runningKickstart, 'n5000-uk9-kickstart.7.1.4.N1.1.bin');
        assert.match(text, /^ {2}kickstart: version 7\.1\(4\)N1\(1\)\n {2}system: {4}version 7\.1\(4\)N1\(1\)$/m);
        assert.match(text, /^ {2}cisco Nexus5548 Chassis \("O2 32X10GE\/Modular Universal Platform Supervisor"\)$/m);
        assert.deepEqual(parseShowBoot(bootText).kickstart, ['bootflash:n5000-uk9-kickstart.7.1.4.N1.1.bin']);
        assert.match(bootText, /^kickstart variable = bootflash:\/n5000-uk9-kickstart\.7\.1\.4\.N1\.1\.bin\nsystem variable = bootflash:\/n5000-uk9\.7\.1\.4\.N1\.1\.bin$/m);
        assert.equal(familyOfModel(chassisOf(parseShowInventory(await s.run('show inventory')))?.pid ?? '')?.family, 'n5k');
      }
      if (platform === 'isr2900') {
        assert.match(bootText, /^BOOT variable = flash:c2900-universalk9-mz\.SPA\.152-4\.M7\.bin,1;$/m);
        assert.match(await s.run('show bootvar'), /^Configuration register is 0x2102$/m);
        assert.match(dirText, /^\s+\d+\s+-rw-\s+97794040\s+[A-Z][a-z]{2} [ \d]\d \d{4} \d\d:\d\d:\d\d \+00:00\s+c2900-universalk9-mz\.SPA\.152-4\.M7\.bin$/m);
      }
      if (platform === 'c2960x') {
        // The real 2960-X shape: `BOOT path-list`, no `show bootvar`, the image in its directory.
        assert.match(bootText, /^BOOT path-list {6}: flash:c2960x-universalk9-mz\.152-2\.E7\/c2960x-universalk9-mz\.152-2\.E7\.bin$/m);
        assert.match(await s.run('show bootvar'), /% Invalid input detected at '\^' marker\./);
        assert.ok(dir.files.some((f) => f.isDirectory && f.name === 'c2960x-universalk9-mz.152-2.E7'));
        assert.match(text, /^\*\s+1 52\s+WS-C2960X-48FPD-L\s+15\.2\(2\)E7\s+C2960X-UNIVERSALK9-M\s*$/m);
      }
      if (platform === 'cat9300-install') {
        assert.ok(state.flash.some((f) => f.name === 'packages.conf'));
        assert.ok(state.flash.some((f) => /^cat9k-rpbase\.17\.06\.05\.SPA\.pkg$/.test(f.name)));
        assert.match(await s.run('show install summary'), /^IMG {3}C {4}17\.06\.05\.0\.\d+$/m);
      }
      if (platform === 'asr1000-install') {
        // The ASR1001-X capture's shape: a router, no switch table, no "Installation mode" line.
        assert.match(text, /^Cisco IOS Software \[Bengaluru\], ASR1000 Software \(X86_64_LINUX_IOSD-UNIVERSALK9-M\), Version 17\.6\.5, RELEASE SOFTWARE/m);
        assert.match(text, /^cisco ASR1001-X \(1NG\) processor/m);
        assert.match(text, /^\d+K bytes of eUSB flash at bootflash:\.$/m);
        assert.doesNotMatch(text, /^Switch Ports Model|^Installation mode/m);
        assert.equal(dir.filesystem, 'bootflash');
        assert.match(bootText, /^BOOT variable = bootflash:packages\.conf,12;$/m);
        assert.match(await s.run('show bootvar'), /^Configuration register is 0x2102$/m);
        assert.ok(state.flash.some((f) => f.name === 'asr1001x-mono-universalk9.17.06.05.SPA.pkg'));
        assert.ok(state.flash.some((f) => f.name === 'asr1001x-rpboot.17.06.05.SPA.pkg'));
        assert.match(await s.run('show install summary'), /^IMG {3}C {4}17\.06\.05\.0\.\d+$/m);
        const chassis = chassisOf(parseShowInventory(await s.run('show inventory')));
        assert.equal(chassis?.pid, 'ASR1001-X');
        assert.equal(familyOfModel(chassis.pid)?.family, 'asr1000');
        assert.match(await s.run('dir flash:'), /%Error opening flash: \(No such file or directory\)/);
      }
      if (platform !== 'n9k' && platform !== 'n5548') {
        const md5 = parseVerifyMd5(await s.run(`verify /md5 ${expected.fs}:${state.runningImage}`));
        assert.equal(md5, state.flash.find((f) => f.name === state.runningImage)?.md5);
      }
    });
  }

  void it('cat9300-install: install add … activate commit reaches the new version', async () => {
    const device = lab.device('p-install');
    const s = await shell('p-install');
    // A bundle on flash to install from: a copy is the normal way; the synthetic one is enough here.
    s.send(`copy ${files.url('/nxos64-cs.10.3.4a.M.bin')} flash:cat9k_iosxe.17.09.04a.SPA.bin\r`);
    await s.expect(/\]\? $/);
    s.send('\r');
    assert.match(await s.expect(PROMPT), /bytes copied/);
    s.send('install add file flash:cat9k_iosxe.17.09.04a.SPA.bin activate commit\r');
    const stages = await s.expect(/This operation may require a reload of the system\. Do you want to proceed\? \[y\/n\]$/);
    assert.match(stages, /install_add_activate_commit: START/);
    assert.match(stages, /--- Starting Add ---[\s\S]*Image added\. Version: 17\.09\.04a\.0\.\d+/);
    assert.match(stages, /\/flash\/cat9k-rpbase\.17\.09\.04a\.SPA\.pkg/);
    s.send('y\r');
    const rest = await s.expect(/SUCCESS: install_add_activate_commit .*\n/);
    assert.match(rest, /--- Starting Activate ---[\s\S]*--- Starting Commit ---[\s\S]*Install will reload the system now!/);
    await s.expectClosed();
    assert.equal(device.state().reachable, false);
    await waitReachable(lab, 'p-install');
    const state = device.state();
    assert.equal(state.version, '17.09.04a');
    assert.equal(state.runningImage, 'packages.conf');
    assert.equal(state.reloadCount, 1);
    const after = await shell('p-install');
    const version = parseShowVersion(await after.run('show version'));
    assert.equal(version.version, '17.09.04a');
    assert.equal(version.installMode, 'INSTALL');
    const summary = await after.run('show install summary');
    assert.match(summary, /^IMG {3}I {4}17\.06\.05\.0\.\d+\nIMG {3}C {4}17\.09\.04a\.0\.\d+$/m);
    assert.match(summary, /^Auto abort timer: inactive$/m);
  });

  void it('asr1000-install: install add file bootflash:… activate commit reaches the new version', async () => {
    const device = lab.device('p-asr');
    const s = await shell('p-asr');
    s.send(`copy ${files.url('/nxos64-cs.10.3.4a.M.bin')} bootflash:asr1001x-universalk9.17.09.04a.SPA.bin\r`);
    await s.expect(/\]\? $/);
    s.send('\r');
    assert.match(await s.expect(PROMPT), /bytes copied/);
    s.send('install add file bootflash:asr1001x-universalk9.17.09.04a.SPA.bin activate commit\r');
    const stages = await s.expect(/Do you want to proceed\? \[y\/n\]$/);
    assert.match(stages, /Image added\. Version: 17\.09\.04a\.0\.\d+/);
    assert.match(stages, /^ {2}\[R0\] Add package\(s\) on R0$/m);
    assert.match(stages, /^\/bootflash\/asr1001x-mono-universalk9\.17\.09\.04a\.SPA\.pkg$/m);
    s.send('y\r');
    await s.expect(/SUCCESS: install_add_activate_commit .*\n/);
    await s.expectClosed();
    await waitReachable(lab, 'p-asr');
    const state = device.state();
    assert.equal(state.version, '17.09.04a');
    assert.equal(state.runningImage, 'packages.conf');
    assert.equal(state.reloadCount, 1);
    const after = await shell('p-asr');
    const version = parseShowVersion(await after.run('show version'));
    assert.equal(version.version, '17.09.04a');
    assert.equal(version.systemImage, 'bootflash:packages.conf');
    assert.equal(version.installMode, 'INSTALL');
    assert.match(await after.run('show install summary'), /^IMG {3}I {4}17\.06\.05\.0\.\d+\nIMG {3}C {4}17\.09\.04a\.0\.\d+$/m);
  });

  void it('cat9300 in BUNDLE mode refuses install operations', async () => {
    const s = await shell('p-cat9300');
    assert.match(await s.run('install add file flash:cat9k_iosxe.17.06.05.SPA.bin activate commit'), /FAILED: .*BUNDLE boot mode/);
  });

  void it('n9k: copy to bootflash:, install all nxos, reload into the new image', async () => {
    const device = lab.device('p-n9k');
    const s = await shell('p-n9k');
    const copy = await s.run(`copy ${files.url('/nxos64-cs.10.3.4a.M.bin')} bootflash: vrf management`);
    assert.match(copy, /^Copy complete\.$/m);
    assert.equal(device.state().flash.find((f) => f.name === 'nxos64-cs.10.3.4a.M.bin')?.size, nxImage.length);
    s.send('install all nxos bootflash:nxos64-cs.10.3.4a.M.bin\r');
    const check = await s.expect(/Do you want to continue with the installation \(y\/n\)\? {2}\[n\] $/);
    assert.match(check, /Verifying image bootflash:\/nxos64-cs\.10\.3\.4a\.M\.bin for boot variable "nxos"\.\n\[#+\] 100% -- SUCCESS/);
    assert.match(check, /Compatibility check is done:\nModule {2}bootable\s+Impact\s+Install-type\s+Reason/);
    assert.match(check, /^\s+1\s+nxos\s+10\.2\(5\)\s+10\.3\(4a\)\s+yes$/m);
    s.send('y\r');
    await s.expect(/Finishing the upgrade, switch will reboot in 10 seconds\.\n/);
    await s.expectClosed();
    await waitReachable(lab, 'p-n9k');
    assert.equal(device.state().version, '10.3(4a)');
    const after = await shell('p-n9k');
    const version = parseShowVersion(await after.run('show version'));
    assert.equal(version.version, '10.3(4a)');
    assert.equal(version.systemImage, 'bootflash:///nxos64-cs.10.3.4a.M.bin');
    assert.match(await after.run('copy running-config startup-config'), /^\[#+\] 100%\nCopy complete, now saving to disk \(please wait\)\.\.\.\nCopy complete\.$/m);
  });

  void it('answers the check commands in each family', async () => {
    const isr = await shell('p-isr');
    assert.match(await isr.run('show processes cpu sorted | include CPU'), /^CPU utilization for five seconds: \d+%\/\d+%; one minute: \d+%; five minutes: \d+%$/m);
    assert.match(await isr.run('show running-config | include config-register|domain name'), /^ip domain name lab\.netswim\.example$/m);
    assert.match(await isr.run('show ip interface brief'), /^GigabitEthernet0\/1\s+10\.0\.1\.2\s+YES NVRAM\s+up\s+up$/m);
    const cat = await shell('p-cat9300');
    assert.match(await cat.run('show ip http server secure status'), /^HTTP secure server TLS version:\s+TLSv1\.3 TLSv1\.2$/m);
    assert.match(await cat.run('show license summary'), /network-advantage .* IN USE$/m);
    assert.match(await cat.run('show crypto key mypubkey rsa'), /^Key name: p-cat9300\.lab\.netswim\.example$/m);
    assert.match(await cat.run('show inventory'), /^PID: C9300-48P\s+, VID: V02\s+, SN: FOC/m);
    assert.match(await cat.run('show ntp status'), /^Clock is synchronized, stratum 3/m);
    assert.match(await cat.run('show ip route summary'), /^ospf 1\s+0\s+48\s/m);
  });
});

void describe('lab platforms: state survives a restart', () => {
  void it('keeps flash and boot state per platform', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'netswim-lab-platforms-restart-'));
    const devices = [spec('r-install', 'cat9300-install'), spec('r-isr', 'isr2900'), spec('r-n9k', 'n9k')];
    let lab = await startLab({ stateDir, devices });
    try {
      const s = await Shell.open(lab.device('r-n9k'));
      await s.run('configure terminal');
      await s.run('boot nxos bootflash:nxos64-cs.10.2.5.M.bin');
      await s.run('end');
      await s.run('copy running-config startup-config');
      s.close();
      const r = await Shell.open(lab.device('r-isr'));
      await r.run('configure terminal');
      await r.run('config-register 0x2142');
      await r.run('end');
      await r.run('write memory');
      r.close();
    } finally {
      await lab.stop();
    }
    const before = devices.map((d) => lab.device(d.hostname).state());
    lab = await startLab({ stateDir, devices });
    try {
      for (const [i, d] of devices.entries()) {
        const now = lab.device(d.hostname).state();
        assert.deepEqual(now.flash, before[i]?.flash);
        assert.deepEqual(now.savedBootVariables, before[i]?.savedBootVariables);
        assert.equal(now.version, before[i]?.version);
      }
      assert.deepEqual(lab.device('r-n9k').state().savedBootVariables, ['bootflash:nxos64-cs.10.2.5.M.bin', 'bootflash:nxos64-cs.10.2.5.M.bin']);
      assert.equal(lab.device('r-install').state().installedVersion, '17.06.05');
      const r = await Shell.open(lab.device('r-isr'));
      assert.match(await r.run('show version | include register'), /^Configuration register is 0x2102 \(will be 0x2142 at next reload\)$/m);
      r.close();
    } finally {
      await lab.stop();
      await rm(stateDir, { recursive: true, force: true });
    }
  });
});

void describe('lab platforms: SMUs in INSTALL mode', () => {
  const SMU = 'cat9k_iosxe.17.06.05.CSCwh87343.SPA.smu.bin';
  const OTHER_SMU = 'cat9k_iosxe.17.09.04a.CSCwh87343.SPA.smu.bin';
  const BUNDLE = 'cat9k_iosxe.17.09.04a.SPA.bin';
  let stateDir: string;
  let lab: Lab;
  let files: Awaited<ReturnType<typeof startFileServer>>;
  const open: Shell[] = [];
  const devices = [spec('s-install', 'cat9300-install'), spec('s-bundle', 'cat9300')];
  const shell = async (hostname: string): Promise<Shell> => {
    const s = await Shell.open(lab.device(hostname));
    open.push(s);
    await s.run('terminal length 0');
    return s;
  };
  const copy = async (s: Shell, file: string): Promise<void> => {
    s.send(`copy ${files.url(`/${file}`)} flash:\r`);
    await s.expect(/\]\? $/);
    s.send('\r');
    assert.match(await s.expect(PROMPT), /bytes copied/);
  };

  before(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'netswim-lab-smu-'));
    files = await startFileServer({ [`/${SMU}`]: randomBytes(40_000), [`/${OTHER_SMU}`]: randomBytes(40_000), [`/${BUNDLE}`]: randomBytes(100_000) });
    lab = await startLab({ stateDir, devices });
  });

  after(async () => {
    for (const s of open) s.close();
    await lab.stop();
    await files.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  void it('refuses a SMU of another release, and changes nothing', async () => {
    const device = lab.device('s-install');
    const s = await shell('s-install');
    await copy(s, OTHER_SMU);
    const out = await s.run(`install add file flash:${OTHER_SMU} activate commit`);
    assert.match(out, new RegExp(`^FAILED: install_add_activate_commit : SMU ${OTHER_SMU.replace(/\./g, '\\.')} is not applicable to the running release 17\\.06\\.05$`, 'm'));
    const state = device.state();
    assert.deepEqual(state.activeSmus, []);
    assert.equal(state.reloadCount, 0);
    assert.doesNotMatch(await s.run('show install summary'), /^SMU /m);
  });

  void it('adds, activates and commits a SMU of the running release, reloads, and lists it in show install summary', async () => {
    const device = lab.device('s-install');
    const s = await shell('s-install');
    await copy(s, SMU);
    s.send(`install add file flash:${SMU} activate commit\r`);
    const stages = await s.expect(/This operation may require a reload of the system\. Do you want to proceed\? \[y\/n\]$/);
    assert.match(stages, /install_add_activate_commit: Adding SMU/);
    assert.match(stages, /--- Starting SMU Add operation ---[\s\S]*SMU_ADD: Passed on \[1\]/);
    s.send('y\r');
    const rest = await s.expect(/SUCCESS: install_add_activate_commit .*\n/);
    assert.match(rest, /--- Starting SMU Activate operation ---[\s\S]*--- Starting SMU Commit operation ---[\s\S]*Install will reload the system now!/);
    await s.expectClosed();
    assert.equal(device.state().reachable, false);
    await waitReachable(lab, 's-install');
    const state = device.state();
    assert.equal(state.version, '17.06.05');
    assert.equal(state.runningImage, 'packages.conf');
    assert.equal(state.reloadCount, 1);
    assert.deepEqual(state.activeSmus, [SMU]);
    const again = await shell('s-install');
    const summary = await again.run('show install summary');
    assert.match(summary, new RegExp(`^Type {2}St {3}Filename/Version\\n-+\\nSMU {3}C {4}flash:${SMU.replace(/\./g, '\\.')}\\nIMG {3}C {4}17\\.06\\.05\\.0\\.\\d+$`, 'm'));
    assert.match(await again.run(`install add file flash:${SMU} activate commit`), /FAILED: .*already activated and committed/);
    assert.equal(device.state().reloadCount, 1);
  });

  void it('keeps active SMUs across a lab restart, and drops them when the device moves to another release', async () => {
    for (const s of open.splice(0)) s.close();
    await lab.stop();
    lab = await startLab({ stateDir, devices });
    const device = lab.device('s-install');
    assert.deepEqual(device.state().activeSmus, [SMU]);
    const s = await shell('s-install');
    await copy(s, BUNDLE);
    s.send(`install add file flash:${BUNDLE} activate commit\r`);
    await s.expect(/Do you want to proceed\? \[y\/n\]$/);
    s.send('y\r');
    await s.expectClosed();
    await waitReachable(lab, 's-install');
    const state = device.state();
    assert.equal(state.version, '17.09.04a');
    assert.deepEqual(state.activeSmus, []);
    const after = await shell('s-install');
    assert.doesNotMatch(await after.run('show install summary'), /^SMU /m);
  });

  void it('BUNDLE mode refuses to install a SMU', async () => {
    const device = lab.device('s-bundle');
    const s = await shell('s-bundle');
    await copy(s, SMU);
    assert.match(await s.run(`install add file flash:${SMU} activate commit`), /FAILED: .*BUNDLE boot mode/);
    assert.equal(device.state().reloadCount, 0);
    assert.equal(device.state().activeSmus, undefined);
  });
});
