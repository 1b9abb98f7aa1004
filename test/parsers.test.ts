// Parsers of device output against real captures, and the pure decisions built on them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { isSafeFileName, parseImageFileName } from '../domain/image-name.ts';
import { parseDirFlash } from '../domain/parsers/dir-flash.ts';
import { parseInstallSummary } from '../domain/parsers/install-summary.ts';
import { DeviceOutputError } from '../domain/parsers/parse-error.ts';
import { parseShowBoot } from '../domain/parsers/show-boot.ts';
import { bootImageOf, fileNameOfImage, parseShowVersion, parseUptime } from '../domain/parsers/show-version.ts';
import { parseVerifyMd5 } from '../domain/parsers/verify-md5.ts';
import { plannedBootVariables, rebootedSince, runsTarget, type DeviceInventory, type ImageRef } from '../domain/upgrade.ts';
import { compareVersions, sameVersion } from '../domain/version.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

const DAY = 86400;
const WEEK = 7 * DAY;
const YEAR = 365 * DAY;

/**
 * Real `show version` captures (sources in test/fixtures/README.md) and what they say, read off
 * the text by eye: the hostname, version, boot image, register and uptime lines of each capture.
 */
const REAL_SHOW_VERSIONS: {
  file: string;
  device: string;
  hostname: string;
  version: string;
  systemImage: string;
  fileName: string;
  configRegister?: string;
  installMode?: 'INSTALL' | 'BUNDLE';
  uptimeSeconds: number;
}[] = [
  {
    file: 'show-version/ios-cat4948e-12.2-54-SG1.txt',
    device: 'Catalyst 4948E, IOS 12.2(54)SG1',
    hostname: 'router1',
    version: '12.2(54)SG1',
    systemImage: 'bootflash:cat4500e-entservicesk9-mz.122-54.SG1.bin',
    fileName: 'cat4500e-entservicesk9-mz.122-54.SG1.bin',
    configRegister: '0x2102',
    uptimeSeconds: 2 * YEAR + 31 * WEEK + 6 * DAY + 9 * 3600 + 55 * 60,
  },
  {
    file: 'show-version/ios-c1801-12.4-6-T2.txt',
    device: 'Cisco 1801, IOS 12.4(6)T2, flash:/ path',
    hostname: 'stud-adsl',
    version: '12.4(6)T2',
    systemImage: 'flash:/c180x-advipservicesk9-mz.124-6.T2.bin',
    fileName: 'c180x-advipservicesk9-mz.124-6.T2.bin',
    configRegister: '0x2102',
    uptimeSeconds: 20 * WEEK + 5 * DAY + 12 * 3600 + 15 * 60,
  },
  {
    file: 'show-version/ios-c921-15.8-3-M3b.txt',
    device: 'ISR C921-4P, IOS 15.8(3)M3b',
    hostname: 'Device-Hostname',
    version: '15.8(3)M3b',
    systemImage: 'flash:c900-universalk9-mz.SPA.158-3.M3b.bin',
    fileName: 'c900-universalk9-mz.SPA.158-3.M3b.bin',
    configRegister: '0x2102',
    uptimeSeconds: 44 * WEEK + 3 * DAY + 20 * 3600 + 52 * 60,
  },
  {
    file: 'show-version/ios-c2960x-15.2-2-E7.txt',
    device: 'Catalyst 2960-X stack, IOS 15.2(2)E7, image in a directory',
    hostname: 'testname',
    version: '15.2(2)E7',
    systemImage: 'flash:c2960x-universalk9-mz.152-2.E7/c2960x-universalk9-mz.152-2.E7.bin',
    fileName: 'c2960x-universalk9-mz.152-2.E7.bin',
    configRegister: '0xF',
    uptimeSeconds: 25 * WEEK + 5 * DAY + 15 * 3600 + 45 * 60,
  },
  {
    file: 'show-version/iosxe-c9500-16.09.03-install.txt',
    device: 'Catalyst 9500-40X stack, IOS-XE 16.9.3, INSTALL mode',
    hostname: 'AKBTESTW01',
    version: '16.09.03',
    systemImage: 'flash:packages.conf',
    fileName: 'packages.conf',
    configRegister: '0x102',
    installMode: 'INSTALL',
    uptimeSeconds: YEAR + 22 * WEEK + 6 * DAY + 9 * 3600 + 38 * 60,
  },
  {
    file: 'show-version/iosxe-asr1001x-17.05.01a-install.txt',
    device: 'ASR1001-X, IOS-XE 17.5.1a, packages.conf, prompt echoed',
    hostname: 'COL-B-ASR1001-X-1',
    version: '17.05.01a',
    systemImage: 'bootflash:packages.conf',
    fileName: 'packages.conf',
    configRegister: '0x2102',
    // no switch table and no "Installation mode" line: booting packages.conf is INSTALL mode
    installMode: 'INSTALL',
    uptimeSeconds: 4 * WEEK + 14 * 3600 + 49 * 60,
  },
  {
    file: 'show-version/iosxe-c9800cl-17.07.01prd16-bundle.txt',
    device: 'Catalyst 9800-CL, IOS-XE 17.7.1prd16, BUNDLE mode',
    hostname: 'vidya-ewlc-5',
    version: '17.07.01prd16',
    systemImage: 'bootflash:C9800-CL-universalk9.17.07.01prd16.SPA.bin',
    fileName: 'C9800-CL-universalk9.17.07.01prd16.SPA.bin',
    configRegister: '0x102',
    installMode: 'BUNDLE',
    uptimeSeconds: 4 * WEEK + 6 * DAY + 21 * 3600 + 48 * 60,
  },
  {
    file: 'show-version/iosxe-asr1001-03.09.01.S-bundle.txt',
    device: 'ASR1001, IOS-XE 3.9.1S bundle (IOSd 15.3(2)S1)',
    hostname: 'my_device',
    version: '03.09.01.S',
    systemImage: 'bootflash:asr1001-universalk9.03.09.01.S.153-2.S1.bin',
    fileName: 'asr1001-universalk9.03.09.01.S.153-2.S1.bin',
    configRegister: '0x2102',
    installMode: 'BUNDLE',
    uptimeSeconds: DAY + 15 * 3600 + 32 * 60,
  },
  {
    file: 'show-version/nxos-n9k-c9372px-7.0.3.I4.3.txt',
    device: 'Nexus 9372PX, NX-OS 7.0(3)I4(3)',
    hostname: 'obttestw02',
    version: '7.0(3)I4(3)',
    systemImage: 'bootflash:///nxos.7.0.3.I4.3.bin',
    fileName: 'nxos.7.0.3.I4.3.bin',
    uptimeSeconds: 670 * DAY + 6 * 3600 + 34 * 60 + 1,
  },
  {
    file: 'show-version/nxos-n3k-c3232c-9.3.15.txt',
    device: 'Nexus 3232C, NX-OS 9.3(15), CRLF, reset while on 9.3(7a)',
    hostname: 'N3K-LAB-19',
    version: '9.3(15)',
    systemImage: 'bootflash:///nxos.9.3.15.bin',
    fileName: 'nxos.9.3.15.bin',
    uptimeSeconds: 60 * DAY + 17 * 3600 + 8 * 60 + 18,
  },
  {
    file: 'show-version/nxos-n9k-c93108tc-ex-10.3.6.txt',
    device: 'Nexus 93108TC-EX, NX-OS 10.3(6), CRLF',
    hostname: 'N9K-LAB-07',
    version: '10.3(6)',
    systemImage: 'bootflash:///nxos64-cs.10.3.6.M.bin',
    fileName: 'nxos64-cs.10.3.6.M.bin',
    uptimeSeconds: 60 * DAY + 17 * 3600 + 29 * 60 + 10,
  },
  {
    file: 'lab-real/nxos-show-version-10.4.5.txt',
    device: 'Nexus 93180YC-FX3, NX-OS 10.4(5)',
    hostname: 'N9K-LAB-15',
    version: '10.4(5)',
    systemImage: 'bootflash:///nxos64-cs.10.4.5.M.bin',
    fileName: 'nxos64-cs.10.4.5.M.bin',
    uptimeSeconds: 60 * DAY + 17 * 3600 + 26 * 60 + 51,
  },
];

describe('show version', () => {
  for (const real of REAL_SHOW_VERSIONS) {
    it(`reads a real ${real.device} capture`, () => {
      const v = parseShowVersion(fixture(real.file));
      assert.equal(v.hostname, real.hostname);
      assert.equal(v.version, real.version);
      assert.equal(v.systemImage, real.systemImage);
      assert.equal(fileNameOfImage(bootImageOf(v)), real.fileName);
      assert.equal(v.configRegister, real.configRegister);
      assert.equal(v.installMode, real.installMode);
      assert.equal(v.uptimeSeconds, real.uptimeSeconds);
      // A bundle's file name carries its release: it must be the one the device reports.
      const named = parseImageFileName(real.fileName);
      if (named) assert.equal(compareVersions(named.version, v.version), 0, `${real.fileName} vs ${v.version}`);
    });
  }

  it('reads the IOS XE release of a 3.x router, not its IOSd version', () => {
    const v = parseShowVersion(fixture('show-version/iosxe-asr1001-03.09.01.S-bundle.txt'));
    assert.notEqual(v.version, '15.3(2)S1');
    assert.equal(parseImageFileName(fileNameOfImage(bootImageOf(v)))?.version, '03.09.01S');
    assert.equal(compareVersions(v.version, '3.9.1S'), 0);
    // After an upgrade to that image, the router counts as running it (else: "activation failed", rollback).
    const fileName = fileNameOfImage(bootImageOf(v));
    const image: ImageRef = { imageId: 'i', fileName, version: parseImageFileName(fileName)!.version, sizeBytes: 1, md5: 'm', sha256: 's' };
    assert.ok(runsTarget({ version: v.version, runningImage: fileName }, image));
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
    os: 'ios-xe',
    runningImage: 'old.bin',
    uptimeSeconds: 86400,
    bootVariables: ['flash:old.bin'],
    flash: { filesystem: 'flash', totalBytes: 10_000, freeBytes, files: files.map((name) => ({ name, size: 1000, isDirectory: false })) },
    observedAtMs: 1_000_000,
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

describe('show install summary parser refuses what it cannot read', () => {
  it('names a package row it cannot read instead of leaving the package out', () => {
    const output = [
      '[ Switch 1 ] Installed Package(s) Information:',
      'State (St): I - Inactive, U - Activated & Uncommitted,',
      '            C - Activated & Committed, D - Deactivated & Uncommitted',
      '-'.repeat(80),
      'Type  St   Filename/Version',
      '-'.repeat(80),
      'SMU   U    flash:cat9k_iosxe.17.09.04a.CSCwh87343.SPA.smu.bin',
      'SMU   X    flash:cat9k_iosxe.17.09.04a.CSCwh11111.SPA.smu.bin',
      'IMG   C    17.09.04a.0.5371',
    ].join('\n');
    assert.throws(
      () => parseInstallSummary(output),
      (e: unknown) => e instanceof DeviceOutputError && e.message.includes('"SMU   X    flash:cat9k_iosxe.17.09.04a.CSCwh11111.SPA.smu.bin"'),
    );
  });
});
