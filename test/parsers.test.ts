// Parsers of device output against real captures, and the pure decisions built on them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { isSafeFileName, parseImageFileName } from '../domain/image-name.ts';
import { parseDirFlash } from '../domain/parsers/dir-flash.ts';
import { DeviceOutputError } from '../domain/parsers/parse-error.ts';
import { parseShowBoot } from '../domain/parsers/show-boot.ts';
import { fileNameOfImage, parseShowVersion, parseUptime } from '../domain/parsers/show-version.ts';
import { parseVerifyMd5 } from '../domain/parsers/verify-md5.ts';
import { checkFlashSpace, plannedBootVariables, rebootedSince, type DeviceInventory, type ImageRef } from '../domain/upgrade.ts';
import { sameVersion } from '../domain/version.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('show version', () => {
  it('reads a real Catalyst 4948E (IOS 12.2) capture', () => {
    const v = parseShowVersion(fixture('show-version/ios-cat4948e-12.2-54-SG1.txt'));
    assert.equal(v.hostname, 'router1');
    assert.equal(v.version, '12.2(54)SG1');
    assert.equal(v.systemImage, 'bootflash:cat4500e-entservicesk9-mz.122-54.SG1.bin');
    assert.equal(fileNameOfImage(v.systemImage), 'cat4500e-entservicesk9-mz.122-54.SG1.bin');
    assert.equal(v.configRegister, '0x2102');
    assert.equal(v.uptimeSeconds, 2 * 365 * 86400 + 31 * 7 * 86400 + 6 * 86400 + 9 * 3600 + 55 * 60);
  });

  it('reads a real Cisco 1801 (IOS 12.4) capture with a flash:/ path', () => {
    const v = parseShowVersion(fixture('show-version/ios-c1801-12.4-6-T2.txt'));
    assert.equal(v.hostname, 'stud-adsl');
    assert.equal(v.version, '12.4(6)T2');
    assert.equal(fileNameOfImage(v.systemImage), 'c180x-advipservicesk9-mz.124-6.T2.bin');
  });

  it('prefers the IOS XE version line and reads the install mode', () => {
    const v = parseShowVersion(
      [
        'Cisco IOS XE Software, Version 17.09.04a',
        'Cisco IOS Software [Cupertino], Catalyst L3 Switch Software (CAT9K_IOSXE), Version 17.9.4a, RELEASE SOFTWARE (fc3)',
        'sw1 uptime is 1 day, 2 hours, 3 minutes',
        'System image file is "flash:packages.conf"',
        'Configuration register is 0x102',
        'Switch Ports Model              SW Version        SW Image              Mode   ',
        '------ ----- -----              ----------        ----------            ----   ',
        '*    1 62    C9300-48P          17.09.04a         CAT9K_IOSXE           INSTALL',
      ].join('\n'),
    );
    assert.equal(v.version, '17.09.04a');
    assert.equal(v.installMode, 'INSTALL');
    assert.equal(v.uptimeSeconds, 86400 + 2 * 3600 + 180);
  });

  it('refuses output that is not show version', () => {
    assert.throws(() => parseShowVersion("% Invalid input detected at '^' marker."), DeviceOutputError);
    assert.throws(() => parseUptime('forever'), /cannot read uptime/);
  });
});

describe('dir flash:', () => {
  it('reads IOS XE listings with dates and totals', () => {
    const listing = parseDirFlash(
      [
        'Directory of flash:/',
        '',
        '475137  -rw-          2097152  Oct 13 2023 13:52:29 +00:00  nvram_config',
        '475138  -rw-        485376536  Oct 13 2023 13:33:25 +00:00  cat9k_iosxe.17.06.05.SPA.bin',
        '344065  drwx             4096  Oct 13 2023 13:40:12 +00:00  .installer',
        '',
        '11353194496 bytes total (8015745024 bytes free)',
      ].join('\n'),
    );
    assert.equal(listing.filesystem, 'flash');
    assert.equal(listing.totalBytes, 11353194496);
    assert.equal(listing.freeBytes, 8015745024);
    assert.deepEqual(
      listing.files.map((f) => [f.name, f.size, f.isDirectory]),
      [
        ['nvram_config', 2097152, false],
        ['cat9k_iosxe.17.06.05.SPA.bin', 485376536, false],
        ['.installer', 4096, true],
      ],
    );
  });

  it('reads classic IOS listings', () => {
    const listing = parseDirFlash(
      ['Directory of flash:/', '', '    1  -rw-    97794040  Jan 23 2019 22:10:14 +00:00  c2900-universalk9-mz.SPA.152-4.M7.bin', '', '256487424 bytes total (158683136 bytes free)'].join('\n'),
    );
    assert.equal(listing.files[0]?.name, 'c2900-universalk9-mz.SPA.152-4.M7.bin');
    assert.equal(listing.freeBytes, 158683136);
  });

  it('refuses output without totals', () => {
    assert.throws(() => parseDirFlash('%Error opening flash:/ (No such device)'), DeviceOutputError);
  });
});

describe('show boot / verify /md5', () => {
  it('takes the next-reload boot list on Catalyst', () => {
    const boot = parseShowBoot(
      [
        'Current Boot Variables:',
        'BOOT variable = flash:old.bin;',
        '',
        'Boot Variables on next reload:',
        'BOOT variable = flash:cat9k_iosxe.17.09.04a.SPA.bin;flash:cat9k_iosxe.17.06.05.SPA.bin;',
        'Manual Boot = no',
      ].join('\n'),
    );
    assert.deepEqual(boot.next, ['flash:cat9k_iosxe.17.09.04a.SPA.bin', 'flash:cat9k_iosxe.17.06.05.SPA.bin']);
  });

  it('reads router bootvar with its ",12" suffix and an empty variable', () => {
    assert.deepEqual(parseShowBoot('BOOT variable = bootflash:isr4300-universalk9.16.09.04.SPA.bin,12;\nConfiguration register is 0x2102').next, [
      'bootflash:isr4300-universalk9.16.09.04.SPA.bin',
    ]);
    assert.deepEqual(parseShowBoot('BOOT variable does not exist\nCONFIG_FILE variable does not exist').next, []);
  });

  it('reads NX-OS boot variables, with or without the slash after the file system', () => {
    const nxos = ['Current Boot Variables:', '', 'sup-1', 'NXOS variable = bootflash:/nxos64-cs.10.2.5.M.bin', 'Boot POAP Disabled', '', 'Boot Variables on next reload:', '', 'sup-1', 'NXOS variable = bootflash:/nxos64-cs.10.3.4a.M.bin', 'Boot POAP Disabled'].join('\n');
    assert.deepEqual(parseShowBoot(nxos).next, ['bootflash:nxos64-cs.10.3.4a.M.bin']);
  });

  it('reads the md5 of verify', () => {
    assert.equal(parseVerifyMd5('.......Done!\nverify /md5 (flash:x.bin) = 6D0E7E1B0B1B0BFBDD0B5B84F0B9E0D4'), '6d0e7e1b0b1b0bfbdd0b5b84f0b9e0d4');
    assert.throws(() => parseVerifyMd5('%Error opening flash:x.bin (No such file or directory)'), DeviceOutputError);
  });
});

describe('image names and versions', () => {
  it('reads platform and version from Cisco file names', () => {
    assert.deepEqual(parseImageFileName('cat9k_iosxe.17.09.04a.SPA.bin'), { platform: 'cat9k', version: '17.09.04a' });
    assert.deepEqual(parseImageFileName('c2900-universalk9-mz.SPA.152-4.M7.bin'), { platform: 'c2900', version: '15.2(4)M7' });
    assert.deepEqual(parseImageFileName('isr4300-universalk9.16.09.04.SPA.bin'), { platform: 'isr4300', version: '16.09.04' });
    assert.equal(parseImageFileName('notes.txt'), undefined);
  });

  it('accepts only names that are safe on a device CLI and in a path', () => {
    for (const good of ['cat9k_iosxe.17.09.04a.SPA.bin', 'a', 'x+y-1.pkg']) assert.ok(isSafeFileName(good), good);
    for (const bad of ['../etc/passwd', 'a b.bin', 'flash:x.bin', 'x.bin;reload', '.hidden', 'a..b', '', 'x'.repeat(129)]) {
      assert.ok(!isSafeFileName(bad), bad);
    }
  });

  it('treats two spellings of one release as the same version', () => {
    assert.ok(sameVersion('17.09.04a', '17.9.4a'));
    assert.ok(!sameVersion('17.9.4', '17.9.4a'));
    assert.ok(!sameVersion('17.09.04a', '17.09.05a'));
  });
});

describe('upgrade decisions', () => {
  const image: ImageRef = { imageId: 'i', fileName: 'new.bin', version: '17.09.04a', sizeBytes: 1000, md5: 'm', sha256: 's' };
  const inventory = (freeBytes: number, files: string[] = []): DeviceInventory => ({
    hostname: 'sw1',
    version: '17.06.05',
    runningImage: 'old.bin',
    uptimeSeconds: 86400,
    bootVariables: ['flash:old.bin'],
    flash: { filesystem: 'flash', totalBytes: 10_000, freeBytes, files: files.map((name) => ({ name, size: 1000, isDirectory: false })) },
    observedAtMs: 1_000_000,
  });

  it('fails the flash check naming free and needed bytes', () => {
    const check = checkFlashSpace(inventory(400), image);
    assert.equal(check.status, 'fail');
    assert.match(check.reason, /400 bytes free/);
    assert.match(check.reason, /1000 bytes needed/);
  });

  it('passes when the image fits or is already there', () => {
    assert.equal(checkFlashSpace(inventory(1000), image).status, 'pass');
    assert.equal(checkFlashSpace(inventory(0, ['new.bin']), image).status, 'pass');
  });

  it('keeps the running image as the fallback boot entry', () => {
    assert.deepEqual(plannedBootVariables('flash', image, 'old.bin'), ['flash:new.bin', 'flash:old.bin']);
    assert.deepEqual(plannedBootVariables('flash', image, 'new.bin'), ['flash:new.bin']);
  });

  it('tells a reboot from a device that merely stayed up', () => {
    const before = inventory(0);
    assert.ok(rebootedSince(before, { uptimeSeconds: 60, observedAtMs: before.observedAtMs + 600_000 }));
    assert.ok(!rebootedSince(before, { uptimeSeconds: 86400 + 600, observedAtMs: before.observedAtMs + 600_000 }));
  });
});
