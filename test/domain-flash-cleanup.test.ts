// Automatic flash cleanup: what may be deleted, in which order, what is never touched, and the
// platforms that fail instead. Flash listings come from the lab's own `dir` and `packages.conf`
// contents (parsed by netswim's parsers) and from hand-written IOS-XE listings.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  cleanupCandidates,
  cleanupCapacity,
  flashBytesNeeded,
  flashFileKey,
  FLASH_SPACE_MARGIN_BYTES,
  planFlashCleanup,
  supportsAutoCleanup,
  type FlashCleanupInput,
} from '../domain/flash-cleanup.ts';
import { parseDirFlash, type FlashListing } from '../domain/parsers/dir-flash.ts';
import { DeviceOutputError } from '../domain/parsers/parse-error.ts';
import { parsePackagesConf } from '../domain/parsers/packages-conf.ts';
import type { ImageRef } from '../domain/upgrade.ts';
import { dirFlash } from '../lab/formats.ts';
import { packageFiles } from '../lab/platforms.ts';
import { initialState, type FlashEntry } from '../lab/state.ts';

const MB = 1_000_000;

/** `more flash:packages.conf` as a Catalyst 9300 prints it for the packages of `version`. */
function packagesConfText(version: string): string {
  const pkgs = packageFiles(version).filter((f) => f.name.endsWith('.pkg'));
  const rpboot = pkgs.find((f) => f.name.includes('rpboot'));
  return [
    '#! /usr/binos/bin/packages_conf.sh',
    '',
    'sha1sum: 0123456789abcdef0123456789abcdef01234567',
    '# sha1sum above - used to verify that this file is not corrupted.',
    '#',
    `# package.conf: provisioned software file for build ${version}`,
    '#',
    `boot  rp 0 0   rp_boot       ${rpboot?.name ?? ''}`,
    `boot  rp 1 0   rp_boot       ${rpboot?.name ?? ''}`,
    ...pkgs
      .filter((f) => f !== rpboot)
      .flatMap((f) => [`iso   rp 0 0   rp_base       ${f.name}`, `iso   rp 1 0   rp_base       ${f.name}`]),
    '',
    `# pkginfo: Release: ${version}`,
  ].join('\n');
}

/** A lab Catalyst 9300 in INSTALL mode, with extra files, as `dir flash:` shows it after parsing. */
function labInstallFlash(extra: { name: string; size: number }[], freeBytes: number): FlashListing {
  const state = initialState(
    { hostname: 'lab-sw-009', address: '127.20.0.9', port: 0, platform: 'cat9300-install', username: 'u', password: 'p' },
    new Date('2024-05-01T12:00:00Z'),
  );
  const more: FlashEntry[] = extra.map((f, i) => ({
    name: f.name,
    size: f.size,
    md5: '0'.repeat(32),
    sha256: '0'.repeat(64),
    mtime: '2023-01-02T03:04:05Z',
    inode: 900_000 + i,
    synthetic: true,
  }));
  return parseDirFlash(dirFlash([...state.flash, ...more], 11_353_194_496, freeBytes).join('\n'));
}

function listing(files: [string, number][], freeBytes: number, filesystem = 'flash'): FlashListing {
  return {
    filesystem,
    files: files.map(([name, size]) => ({ name: name.replace(/\/$/, ''), size, isDirectory: name.endsWith('/') })),
    totalBytes: 11_353_194_496,
    freeBytes,
  };
}

const bundleInput = (flash: FlashListing, bytesNeeded: number, over: Partial<FlashCleanupInput> = {}): FlashCleanupInput => ({
  flash,
  bytesNeeded,
  runningImage: 'flash:cat9k_iosxe.17.06.05.SPA.bin',
  installingImage: 'cat9k_iosxe.17.09.04a.SPA.bin',
  bootVariables: ['flash:cat9k_iosxe.17.06.05.SPA.bin', 'flash:cat9k_iosxe.16.12.05.SPA.bin'],
  os: 'ios-xe',
  ...over,
});

describe('packages.conf', () => {
  it('reads the package files of a lab Catalyst 9300 provisioning file', () => {
    const conf = parsePackagesConf(packagesConfText('17.06.05'));
    const expected = packageFiles('17.06.05').filter((f) => f.name.endsWith('.pkg')).map((f) => f.name);
    assert.deepEqual([...conf.files].sort(), [...expected].sort());
    assert.equal(conf.files[0], 'cat9k-rpboot.17.06.05.SPA.pkg');
    assert.equal(conf.sha1, '0123456789abcdef0123456789abcdef01234567');
    assert.deepEqual(conf.entries[0], { kind: 'boot', location: 'rp 0 0', role: 'rp_boot', file: 'cat9k-rpboot.17.06.05.SPA.pkg' });
  });

  it('reads a CSR1000v layout where one mono package fills many roles, with CRLF line ends', () => {
    const text = [
      'more bootflash:packages.conf',
      '#! /usr/binos/bin/packages_conf.sh',
      'sha1sum: 46482bb61607b01d831ce9eb1298bef9ea137020',
      'boot  rp 0 0   rp_boot       csr1000v-rpboot.16.12.04.SPA.pkg',
      '',
      'iso   rp 0 0   rp_base       csr1000v-mono-universalk9.16.12.04.SPA.pkg',
      'iso   rp 0 1   rp_daemons    csr1000v-mono-universalk9.16.12.04.SPA.pkg',
      'iso   fp 0 0   fp            csr1000v-mono-universalk9.16.12.04.SPA.pkg',
    ].join('\r\n');
    const conf = parsePackagesConf(text);
    assert.deepEqual(conf.files, ['csr1000v-rpboot.16.12.04.SPA.pkg', 'csr1000v-mono-universalk9.16.12.04.SPA.pkg']);
    assert.equal(conf.entries.length, 4);
    assert.equal(conf.entries[3]?.location, 'fp 0 0');
  });

  it('lists an SMU .bin the provisioning file names', () => {
    const conf = parsePackagesConf(
      [
        'boot  rp 0 0   rp_boot       cat9k-rpboot.17.06.05.SPA.pkg',
        'smu   rp 0 0   rp_smu        cat9k_iosxe.17.06.05.CSCwa11111.SPA.smu.bin',
      ].join('\n'),
    );
    assert.deepEqual(conf.files, ['cat9k-rpboot.17.06.05.SPA.pkg', 'cat9k_iosxe.17.06.05.CSCwa11111.SPA.smu.bin']);
  });

  it('refuses output without package lines', () => {
    assert.throws(() => parsePackagesConf('%Error opening flash:packages.conf (No such file or directory)'), DeviceOutputError);
    assert.throws(() => parsePackagesConf(''), DeviceOutputError);
  });
});

describe('flashFileKey', () => {
  const table: [string, string][] = [
    ['flash:cat9k_iosxe.17.06.05.SPA.bin', 'cat9k_iosxe.17.06.05.spa.bin'],
    ['bootflash:///nxos64-cs.10.2.5.M.bin', 'nxos64-cs.10.2.5.m.bin'],
    ['flash:/images/c2900-universalk9-mz.SPA.152-4.M7.bin,12', 'c2900-universalk9-mz.spa.152-4.m7.bin'],
    ['PACKAGES.CONF', 'packages.conf'],
    ['  flash:packages.conf  ', 'packages.conf'],
  ];
  for (const [path, key] of table) {
    it(`${path} → ${key}`, () => assert.equal(flashFileKey(path), key));
  }
});

describe('planFlashCleanup: INSTALL mode (lab Catalyst 9300)', () => {
  const running = parsePackagesConf(packagesConfText('17.06.05')).files;
  const old = packageFiles('16.12.05');
  const extra = [
    ...old,
    { name: 'cat9k_iosxe.16.12.05.SPA.bin', size: 430 * MB },
    { name: 'virtual-instance.conf', size: 84 },
    { name: 'my;image.bin', size: 900 * MB },
    { name: 'tracelogs.tar', size: 700 * MB },
  ];
  const input = (freeBytes: number, bytesNeeded: number, over: Partial<FlashCleanupInput> = {}): FlashCleanupInput => ({
    flash: labInstallFlash(extra, freeBytes),
    bytesNeeded,
    runningImage: 'flash:packages.conf',
    runningPackages: running,
    installingImage: 'cat9k_iosxe.17.09.04a.SPA.bin',
    bootVariables: ['flash:packages.conf'],
    os: 'IOS-XE',
    ...over,
  });

  it('deletes the old bundle first, then old packages largest first, and stops once the image fits', () => {
    const oldPkgs = old.filter((f) => f.name.endsWith('.pkg')).sort((a, b) => b.size - a.size);
    const needed = 430 * MB + (oldPkgs[0]?.size ?? 0) + 10 * MB;
    const plan = planFlashCleanup(input(20 * MB, needed));
    assert.equal(plan.fits, true);
    assert.equal(plan.supported, true);
    assert.deepEqual(
      plan.deletions.map((d) => d.name),
      ['cat9k_iosxe.16.12.05.SPA.bin', oldPkgs[0]?.name],
    );
    assert.equal(plan.bytesFreed, 430 * MB + (oldPkgs[0]?.size ?? 0));
    assert.equal(plan.freeBytesAfter, 20 * MB + plan.bytesFreed);
    assert.match(plan.reason, /deleting 2 unused files \(cat9k_iosxe\.16\.12\.05\.SPA\.bin, cat9k-rpbase\.16\.12\.05\.SPA\.pkg\)/);
  });

  it('never lists the running packages, packages.conf, their provisioning .conf or non-image files', () => {
    const all = cleanupCandidates(input(0, 0));
    const names = all.map((d) => d.name);
    for (const pkg of running) assert.ok(!names.includes(pkg), pkg);
    for (const name of ['packages.conf', 'cat9k_iosxe.17.06.05.SPA.conf', 'virtual-instance.conf', 'my;image.bin', 'tracelogs.tar', 'nvram_config', 'vlan.dat']) {
      assert.ok(!names.includes(name), name);
    }
    // Every old file is a candidate: bundle, then 11 packages largest first, then the .conf.
    assert.equal(all.length, 1 + 11 + 1);
    assert.deepEqual(all.map((d) => d.kind), ['bin', ...Array<string>(11).fill('pkg'), 'conf']);
    assert.equal(all.at(-1)?.name, 'cat9k_iosxe.16.12.05.SPA.conf');
    const pkgSizes = all.filter((d) => d.kind === 'pkg').map((d) => d.size);
    assert.deepEqual(pkgSizes, [...pkgSizes].sort((a, b) => b - a));
    const plan = planFlashCleanup(input(0, 1));
    const kept = new Map(plan.kept.map((k) => [k.name, k.reason]));
    assert.equal(kept.get('packages.conf'), 'running image');
    assert.equal(kept.get('cat9k-rpbase.17.06.05.SPA.pkg'), 'package of the running system');
    assert.equal(kept.get('cat9k_iosxe.17.06.05.SPA.conf'), 'provisioning file of the running packages');
    assert.equal(kept.get('virtual-instance.conf'), 'not an image provisioning file');
    assert.equal(kept.get('my;image.bin'), 'file name not safe for the CLI');
  });

  it('keeps every .pkg and .conf when the packages the device boots are unknown', () => {
    const { runningPackages: _, ...rest } = input(0, 0);
    const names = cleanupCandidates(rest).map((d) => d.name);
    assert.deepEqual(names, ['cat9k_iosxe.16.12.05.SPA.bin']);
  });

  it('keeps packages of the version being installed (left by an earlier install add)', () => {
    // Re-installing 16.12.05: its bundle, packages and provisioning file all stay.
    const again = input(0, 1, { installingImage: 'flash:CAT9K_IOSXE.16.12.05.SPA.BIN' });
    assert.deepEqual(cleanupCandidates(again), []);
    const plan = planFlashCleanup(again);
    assert.equal(plan.fits, false);
    assert.deepEqual(plan.deletions, []);
    const kept = new Map(plan.kept.map((k) => [k.name, k.reason]));
    assert.equal(kept.get('cat9k_iosxe.16.12.05.SPA.bin'), 'image being installed');
    assert.equal(kept.get('cat9k-rpbase.16.12.05.SPA.pkg'), 'part of the version being installed');
    assert.equal(kept.get('cat9k_iosxe.16.12.05.SPA.conf'), 'part of the version being installed');
  });

  it('deletes nothing when even every candidate would not make room', () => {
    const capacity = cleanupCapacity(input(0, 0));
    const plan = planFlashCleanup(input(5 * MB, 5 * MB + capacity + 1));
    assert.equal(plan.fits, false);
    assert.deepEqual(plan.deletions, []);
    assert.equal(plan.bytesFreed, 0);
    assert.equal(plan.freeBytesAfter, 5 * MB);
    assert.match(plan.reason, /not enough flash even after cleanup: .* would free only \d+ bytes, so nothing is deleted/);
    // One byte less and everything goes.
    const all = planFlashCleanup(input(5 * MB, 5 * MB + capacity));
    assert.equal(all.fits, true);
    assert.equal(all.deletions.length, 13);
    assert.equal(all.bytesFreed, capacity);
  });
});

describe('planFlashCleanup: bundle mode', () => {
  const flash = listing(
    [
      ['nvram_config', 2_097_152],
      ['cat9k_iosxe.17.06.05.SPA.bin', 485_376_536],
      ['cat9k_iosxe.16.12.05.SPA.bin', 450_000_000],
      ['cat9k_iosxe.16.09.04.SPA.bin', 420_000_000],
      ['cat9k_iosxe.16.06.07.SPA.bin', 410_000_000],
      ['cat9k_iosxe.16.06.07.CSCvx12345.SPA.smu.bin', 1_000_000],
      ['cat9k_iosxe.17.06.05.CSCwa11111.SPA.smu.bin', 2_000_000],
      ['cat9k_iosxe.17.09.04a.CSCwh87343.SPA.smu.bin', 3_000_000],
      ['.installer/', 4_096],
      ['old-images.bin/', 4_096],
      ['vlan.dat', 3_096],
    ],
    100_000_000,
  );

  it('never deletes the running image, the fallback in the boot variable or the image being installed', () => {
    const names = cleanupCandidates(bundleInput(flash, 0)).map((d) => d.name);
    assert.deepEqual(names, ['cat9k_iosxe.16.09.04.SPA.bin', 'cat9k_iosxe.16.06.07.SPA.bin', 'cat9k_iosxe.16.06.07.CSCvx12345.SPA.smu.bin']);
  });

  it('keeps SMUs of the running release and of the release being installed', () => {
    const kept = new Map(planFlashCleanup(bundleInput(flash, 1)).kept.map((k) => [k.name, k.reason]));
    assert.equal(kept.get('cat9k_iosxe.17.06.05.CSCwa11111.SPA.smu.bin'), 'SMU of the running release');
    assert.equal(kept.get('cat9k_iosxe.17.09.04a.CSCwh87343.SPA.smu.bin'), 'part of the version being installed');
    assert.equal(kept.get('cat9k_iosxe.16.12.05.SPA.bin'), 'in the boot variable');
    assert.equal(kept.get('cat9k_iosxe.17.06.05.SPA.bin'), 'running image');
  });

  it('deletes the largest unused image first, so one deletion is enough here', () => {
    const plan = planFlashCleanup(bundleInput(flash, flashBytesNeeded(500_000_000)));
    assert.equal(FLASH_SPACE_MARGIN_BYTES, 0);
    assert.deepEqual(plan.deletions, [{ name: 'cat9k_iosxe.16.09.04.SPA.bin', size: 420_000_000, kind: 'bin' }]);
    assert.equal(plan.freeBytesAfter, 520_000_000);
    assert.equal(plan.fits, true);
  });

  it('stops exactly when the free bytes reach the bytes needed', () => {
    const plan = planFlashCleanup(bundleInput(flash, 100_000_000 + 420_000_000));
    assert.equal(plan.deletions.length, 1);
    const two = planFlashCleanup(bundleInput(flash, 100_000_000 + 420_000_001));
    assert.equal(two.deletions.length, 2);
    assert.equal(two.bytesFreed, 830_000_000);
  });

  it('does nothing when the image already fits', () => {
    const plan = planFlashCleanup(bundleInput(flash, 100_000_000));
    assert.equal(plan.fits, true);
    assert.deepEqual(plan.deletions, []);
    assert.match(plan.reason, /100000000 bytes free on flash:, 100000000 bytes needed: no cleanup needed/);
  });

  it('compares protected names without case and with or without a file system prefix or path', () => {
    const names = cleanupCandidates(
      bundleInput(flash, 0, {
        runningImage: 'FLASH:/CAT9K_IOSXE.16.09.04.SPA.BIN',
        installingImage: 'bootflash:cat9k_iosxe.16.06.07.spa.bin',
        bootVariables: ['flash:///Cat9k_iosxe.16.06.07.CSCvx12345.SPA.smu.bin,1', 'cat9k_iosxe.17.06.05.SPA.bin'],
      }),
    ).map((d) => d.name);
    // The SMUs of 17.06.05 and 17.09.04a are neither running nor being installed here.
    assert.deepEqual(names, ['cat9k_iosxe.16.12.05.SPA.bin', 'cat9k_iosxe.17.09.04a.CSCwh87343.SPA.smu.bin', 'cat9k_iosxe.17.06.05.CSCwa11111.SPA.smu.bin']);
  });

  it('never touches directories, even ones named like an image', () => {
    const names = cleanupCandidates(bundleInput(flash, 0)).map((d) => d.name);
    assert.ok(!names.includes('old-images.bin'));
    assert.ok(!names.includes('.installer'));
  });

  it('capacity is what the flash-space precheck adds to free space to decide warn or fail', () => {
    const image: ImageRef = { imageId: 'i', fileName: 'cat9k_iosxe.17.09.04a.SPA.bin', version: '17.09.04a', sizeBytes: 600_000_000, md5: '', sha256: '' };
    assert.ok(flash.freeBytes < flashBytesNeeded(image.sizeBytes), 'the image does not fit as flash is');
    const capacity = cleanupCapacity(bundleInput(flash, flashBytesNeeded(image.sizeBytes)));
    assert.equal(capacity, 420_000_000 + 410_000_000 + 1_000_000);
    assert.ok(flash.freeBytes + capacity >= flashBytesNeeded(image.sizeBytes), 'cleanup can make room: a warn, not a fail');
  });
});

describe('planFlashCleanup: platforms without automatic cleanup', () => {
  const nxos = parseDirFlash(
    [
      'Directory of bootflash:/',
      '       4096    Oct 13 10:02:33 2023  .rpmstore/',
      ' 1978203648    Oct 13 10:02:33 2023  nxos64-cs.10.2.5.M.bin',
      ' 1960000000    Jan 01 10:02:33 2023  nxos64-cs.10.1.2.bin',
      '',
      'Usage for bootflash://sup-local',
      ' 5000000000 bytes used',
      ' 1000000000 bytes free',
      ' 6000000000 bytes total',
    ].join('\n'),
  );

  it('NX-OS fails with a clear error and a capacity of 0', () => {
    const input: FlashCleanupInput = {
      flash: nxos,
      bytesNeeded: 2_000_000_000,
      runningImage: 'bootflash:///nxos64-cs.10.2.5.M.bin',
      installingImage: 'nxos64-cs.10.4.5.M.bin',
      bootVariables: ['bootflash:/nxos64-cs.10.2.5.M.bin'],
      os: 'nx-os',
    };
    const plan = planFlashCleanup(input);
    assert.equal(plan.supported, false);
    assert.equal(plan.fits, false);
    assert.deepEqual(plan.deletions, []);
    assert.equal(
      plan.reason,
      'not enough flash: 1000000000 bytes free on bootflash:, 2000000000 bytes needed (short by 1000000000 bytes); ' +
        'automatic flash cleanup is not supported on NX-OS: delete unused images from bootflash: by hand',
    );
    assert.equal(cleanupCapacity(input), 0);
    assert.deepEqual(cleanupCandidates(input), []);
    // Enough room: nothing to clean up, so no error either.
    assert.equal(planFlashCleanup({ ...input, bytesNeeded: 1_000_000_000 }).fits, true);
  });

  it('wireless controllers and unknown families fail too', () => {
    const flash = listing([['C9800-80-universalk9_wlc.17.03.04.SPA.bin', 900 * MB], ['C9800-80-universalk9_wlc.17.09.04a.SPA.bin', 950 * MB]], 10 * MB);
    const base = bundleInput(flash, 900 * MB, {
      runningImage: 'bootflash:C9800-80-universalk9_wlc.17.09.04a.SPA.bin',
      bootVariables: ['bootflash:C9800-80-universalk9_wlc.17.09.04a.SPA.bin'],
      installingImage: 'C9800-80-universalk9_wlc.17.12.01.SPA.bin',
    });
    const wlc = planFlashCleanup({ ...base, wirelessController: true });
    assert.equal(wlc.fits, false);
    assert.match(wlc.reason, /not supported on wireless controllers/);
    assert.match(planFlashCleanup({ ...base, os: 'aireos' }).reason, /not supported on AireOS/);
    assert.match(planFlashCleanup({ ...base, os: 'junos' }).reason, /not supported on OS family "junos"/);
    // The same controller treated as a plain IOS-XE box would delete the old image.
    assert.deepEqual(planFlashCleanup(base).deletions.map((d) => d.name), ['C9800-80-universalk9_wlc.17.03.04.SPA.bin']);
  });

  it('supportsAutoCleanup', () => {
    assert.equal(supportsAutoCleanup('ios'), true);
    assert.equal(supportsAutoCleanup('IOS-XE'), true);
    assert.equal(supportsAutoCleanup('iosxe'), true);
    assert.equal(supportsAutoCleanup('ios-xe', { wirelessController: true }), false);
    assert.equal(supportsAutoCleanup('NX-OS'), false);
    assert.equal(supportsAutoCleanup(''), false);
  });

  it('refuses nonsense byte counts', () => {
    assert.throws(() => planFlashCleanup({ ...bundleInput(listing([], 0), Number.NaN) }), RangeError);
    assert.throws(() => planFlashCleanup({ ...bundleInput(listing([], -1), 0) }), RangeError);
  });
});
