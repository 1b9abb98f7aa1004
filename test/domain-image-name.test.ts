// Metadata from standard Cisco image file names. Names are real ones from cisco.com software
// download pages, release notes and configuration guides (SMU: "Software Maintenance Upgrade"
// chapter of the Catalyst 9000 System Management guides; KGV entries from Cisco's KGV JSON as
// shown by CiscoDevNet/BootIntegrityValidator; lab captures under test/fixtures/show-version/).
// Not every row is a published file: the bug ids of the ISR SMU and the C9800 APSP/APDP rows and the
// C9800 ROMMON name follow the documented naming pattern with placeholder numbers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeImageFileName, guessImageType, parseImageFileName, type ImageFileInfo } from '../domain/image-name.ts';
import { parseCiscoVersion } from '../domain/version.ts';

type Expected = Partial<ImageFileInfo> & Pick<ImageFileInfo, 'platform' | 'version' | 'imageType'>;

const table: [string, Expected][] = [
  // IOS-XE base images
  ['cat9k_iosxe.17.09.04a.SPA.bin', { platform: 'cat9k', version: '17.09.04a', imageType: 'base', featureSet: 'iosxe', npe: false, os: 'iosxe' }],
  ['cat9k_iosxe_npe.17.09.04a.SPA.bin', { platform: 'cat9k', version: '17.09.04a', imageType: 'base', featureSet: 'iosxe_npe', npe: true }],
  ['cat9k_lite_iosxe.17.09.04a.SPA.bin', { platform: 'cat9k', version: '17.09.04a', imageType: 'base', featureSet: 'lite_iosxe' }],
  ['isr4300-universalk9.16.09.04.SPA.bin', { platform: 'isr4300', version: '16.09.04', imageType: 'base', featureSet: 'universalk9', npe: false }],
  ['isr4300-universalk9_npe.16.02.01.SPA.bin', { platform: 'isr4300', version: '16.02.01', imageType: 'base', featureSet: 'universalk9_npe', npe: true }],
  ['isr4400-universalk9.16.03.01a.SPA.bin', { platform: 'isr4400', version: '16.03.01a', imageType: 'base', featureSet: 'universalk9' }],
  ['cat3k_caa-universalk9.16.12.04.SPA.bin', { platform: 'cat3k', version: '16.12.04', imageType: 'base', featureSet: 'universalk9' }],
  ['C9800-80-universalk9_wlc.17.09.04a.SPA.bin', { platform: 'c9800', version: '17.09.04a', imageType: 'base', featureSet: 'universalk9_wlc' }],
  ['C9800-CL-universalk9.17.09.04a.SPA.bin', { platform: 'c9800', version: '17.09.04a', imageType: 'base', featureSet: 'universalk9' }],
  ['c8000v-universalk9.17.09.04a.SPA.bin', { platform: 'c8000v', version: '17.09.04a', imageType: 'base', featureSet: 'universalk9' }],
  ['asr1000-universalk9.17.03.04a.SPA.bin', { platform: 'asr1000', version: '17.03.04a', imageType: 'base', featureSet: 'universalk9' }],
  // IOS-XE 3.x
  ['cat3k_caa-universalk9.SPA.03.06.08.E.152-2.E8.bin', { platform: 'cat3k', version: '03.06.08E', imageType: 'base', featureSet: 'universalk9' }],
  ['asr1000rpx86-universalk9.03.16.10.S.155-3.S10-ext.SPA.bin', { platform: 'asr1000rpx86', version: '03.16.10S', imageType: 'base', featureSet: 'universalk9' }],
  // IOS classic
  ['c2900-universalk9-mz.SPA.152-4.M7.bin', { platform: 'c2900', version: '15.2(4)M7', imageType: 'base', featureSet: 'universalk9', os: 'ios' }],
  ['c1900-universalk9-mz.SPA.159-3.M4.bin', { platform: 'c1900', version: '15.9(3)M4', imageType: 'base', featureSet: 'universalk9' }],
  ['c800-universalk9-mz.SPA.159-3.M10.bin', { platform: 'c800', version: '15.9(3)M10', imageType: 'base' }],
  ['c2960x-universalk9-mz.152-7.E9.bin', { platform: 'c2960x', version: '15.2(7)E9', imageType: 'base', featureSet: 'universalk9' }],
  ['c2960-lanbasek9-mz.122-55.SE12.bin', { platform: 'c2960', version: '12.2(55)SE12', imageType: 'base', featureSet: 'lanbasek9' }],
  ['c3560-ipbasek9-mz.150-2.SE8.bin', { platform: 'c3560', version: '15.0(2)SE8', imageType: 'base', featureSet: 'ipbasek9' }],
  ['c3750e-universalk9-tar.150-2.SE11.tar', { platform: 'c3750e', version: '15.0(2)SE11', imageType: 'base', featureSet: 'universalk9' }],
  ['cat4500e-entservicesk9-mz.122-54.SG1.bin', { platform: 'cat4500e', version: '12.2(54)SG1', imageType: 'base', featureSet: 'entservicesk9' }],
  ['c180x-advipservicesk9-mz.124-6.T2.bin', { platform: 'c180x', version: '12.4(6)T2', imageType: 'base', featureSet: 'advipservicesk9' }],
  ['vios-adventerprisek9-m.spa.159-3.m9.qcow2', { platform: 'vios', version: '15.9(3)M9', imageType: 'base', featureSet: 'adventerprisek9' }],
  // SMU and AP packs
  ['cat9k_iosxe.17.09.04a.CSCwh87343.SPA.smu.bin', { platform: 'cat9k', version: '17.09.04a', imageType: 'SMU', bugId: 'CSCwh87343', featureSet: 'iosxe' }],
  ['isr4300-universalk9.16.09.04.CSCvn12345.SPA.smu.bin', { platform: 'isr4300', version: '16.09.04', imageType: 'SMU', bugId: 'CSCvn12345' }],
  ['C9800-80-universalk9_wlc.17.09.04a.CSCwh12345.SPA.apsp.bin', { platform: 'c9800', version: '17.09.04a', imageType: 'APSP', bugId: 'CSCwh12345' }],
  ['C9800-universalk9_wlc.17.03.03.CSCvx12345.SPA.apdp.bin', { platform: 'c9800', version: '17.03.03', imageType: 'APDP', bugId: 'CSCvx12345' }],
  // install-mode subpackages
  ['cat9k-rpbase.17.09.04a.SPA.pkg', { platform: 'cat9k', version: '17.09.04a', imageType: 'subpackage', subpackage: 'rpbase' }],
  ['cat9k-cc_srdriver.17.09.04a.SPA.pkg', { platform: 'cat9k', version: '17.09.04a', imageType: 'subpackage', subpackage: 'cc_srdriver' }],
  ['isr4300-mono-universalk9.16.09.04.SPA.pkg', { platform: 'isr4300', version: '16.09.04', imageType: 'subpackage', subpackage: 'mono-universalk9' }],
  // ROMMON
  ['isr4200_rommon_1612_1r_SPA.pkg', { platform: 'isr4200', version: '16.12(1r)', imageType: 'ROMMON' }],
  ['isr4200_4300_rommon_1612_1r_SPA.pkg', { platform: 'isr4200', version: '16.12(1r)', imageType: 'ROMMON' }],
  ['asr1000-rommon.169-1r.SPA.pkg', { platform: 'asr1000', version: '16.9(1r)', imageType: 'ROMMON' }],
  ['C9800-80-rommon.17.3.1r.SPA.pkg', { platform: 'c9800', version: '17.3(1r)', imageType: 'ROMMON' }],
  // NX-OS
  ['nxos.9.3.10.bin', { platform: 'nxos', version: '9.3(10)', imageType: 'base', os: 'nxos' }],
  ['nxos64-cs.10.2.5.M.bin', { platform: 'nxos64', version: '10.2(5)', imageType: 'base', featureSet: 'cs' }],
  ['nxos64-msll.10.4.1.F.bin', { platform: 'nxos64', version: '10.4(1)', imageType: 'base', featureSet: 'msll' }],
  ['nxos.7.0.3.I7.9.bin', { platform: 'nxos', version: '7.0(3)I7(9)', imageType: 'base' }],
  ['nxos.CSCvr09175-n9k_ALL-1.0.0-9.3.3.lib32_n9000.rpm', { platform: 'nxos', version: '9.3(3)', imageType: 'SMU', bugId: 'CSCvr09175' }],
  // NX-OS kickstart + system pairs (Cisco's Nexus 3000 6.x and Nexus 5500 upgrade guides; ntc-templates' Nexus 5548/5596 captures)
  ['n3000-uk9-kickstart.6.0.2.U6.10.bin', { platform: 'n3000', version: '6.0(2)U6(10)', imageType: 'kickstart', os: 'nxos', featureSet: 'uk9' }],
  ['n3000-uk9.6.0.2.U6.10.bin', { platform: 'n3000', version: '6.0(2)U6(10)', imageType: 'base', os: 'nxos' }],
  ['n5000-uk9-kickstart.7.3.8.N1.1.bin', { platform: 'n5000', version: '7.3(8)N1(1)', imageType: 'kickstart', os: 'nxos' }],
  ['n5000-uk9.7.3.8.N1.1.bin', { platform: 'n5000', version: '7.3(8)N1(1)', imageType: 'base', os: 'nxos' }],
  ['n5000-uk9-kickstart.5.2.1.N1.4.bin', { platform: 'n5000', version: '5.2(1)N1(4)', imageType: 'kickstart' }],
];

describe('describeImageFileName', () => {
  for (const [name, expected] of table) {
    it(`reads ${name}`, () => {
      const info = describeImageFileName(name);
      assert.ok(info, `${name} not recognised`);
      for (const [key, value] of Object.entries(expected)) {
        assert.deepEqual(info[key as keyof ImageFileInfo], value, `${name}: ${key}`);
      }
      // Every version read from a name is one the ordering understands.
      assert.doesNotThrow(() => parseCiscoVersion(info.version), name);
    });
  }

  for (const name of [
    // genieparser's edited N3K capture: not a feature set or a release Cisco ships
    'n3000-uk10.225.0.2.U6.10.bin',
    'notes.txt',
    'packages.conf',
    'cat9k_iosxe.17.09.04a.SPA.conf',
    'cat9k_iosxe.17.09.04a.bin',
    'cat9k_iosxe.17.09.04a.SPA.smu.bin', // a SMU names its bug
    'cat9k_iosxe.17.09.04a.CSCwh87343.SPA.bin', // a bug id without the SMU suffix
    'cat9k_iosxe.17.9.4a.SPA.bin', // file names carry two-digit parts
    'random-image.bin',
  ]) {
    it(`does not guess for ${name}`, () => assert.equal(describeImageFileName(name), undefined));
  }
});

describe('parseImageFileName keeps its { platform, version } shape', () => {
  it('for the names covered before', () => {
    assert.deepEqual(parseImageFileName('cat9k_iosxe.17.09.04a.SPA.bin'), { platform: 'cat9k', version: '17.09.04a' });
    assert.deepEqual(parseImageFileName('c2900-universalk9-mz.SPA.152-4.M7.bin'), { platform: 'c2900', version: '15.2(4)M7' });
    assert.deepEqual(parseImageFileName('isr4300-universalk9.16.09.04.SPA.bin'), { platform: 'isr4300', version: '16.09.04' });
    assert.deepEqual(parseImageFileName('nxos64-cs.10.2.5.M.bin'), { platform: 'nxos64', version: '10.2(5)' });
    assert.deepEqual(parseImageFileName('nxos.9.3.10.bin'), { platform: 'nxos', version: '9.3(10)' });
    assert.equal(parseImageFileName('notes.txt'), undefined);
  });

  it('guessImageType is the short form', () => {
    assert.equal(guessImageType('cat9k_iosxe.17.09.04a.CSCwh87343.SPA.smu.bin'), 'SMU');
    assert.equal(guessImageType('cat9k-rpbase.17.09.04a.SPA.pkg'), 'subpackage');
    assert.equal(guessImageType('isr4200_rommon_1612_1r_SPA.pkg'), 'ROMMON');
    assert.equal(guessImageType('notes.txt'), undefined);
  });
});
