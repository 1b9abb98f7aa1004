// Which devices an image fits, by the platform part of its Cisco file name.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { familyOfModel } from '../domain/device-family.ts';
import { bootStyleMismatch, familiesOfImage, familyMismatch, kickstartPairMismatch } from '../domain/image-fit.ts';

void describe('image fit', () => {
  void it('fits ASR 1000 images, the fixed-configuration ones included, to the asr1000 family', () => {
    // The ASR1001-X of genieparser's capture reports PID ASR1001-X in `show inventory`.
    const family = familyOfModel('ASR1001-X')?.family ?? null;
    assert.equal(family, 'asr1000');
    for (const fileName of ['asr1001x-universalk9.17.09.04a.SPA.bin', 'asr1000-universalk9.17.03.04a.SPA.bin', 'asr1001-universalk9.03.09.01.S.153-2.S1.bin']) {
      assert.deepEqual(familiesOfImage({ fileName, families: [] }), ['asr1000'], fileName);
      assert.equal(familyMismatch({ hostname: 'asr', family }, { fileName, families: [] }), undefined, fileName);
    }
  });

  void it('refuses an ASR image for a Catalyst and a Catalyst image for an ASR', () => {
    assert.match(familyMismatch({ hostname: 'sw1', family: 'cat9300' }, { fileName: 'asr1001x-universalk9.17.09.04a.SPA.bin', families: [] }) ?? '', /is an image for asr1000; sw1 is a cat9300/);
    assert.match(familyMismatch({ hostname: 'asr', family: 'asr1000' }, { fileName: 'cat9k_iosxe.17.09.04a.SPA.bin', families: [] }) ?? '', /asr is a asr1000/);
  });

  void it('fits Nexus 5000 and 3000 kickstart + system images to their families', () => {
    assert.equal(familyOfModel('N5K-C5548UP')?.family, 'n5k');
    assert.deepEqual(familiesOfImage({ fileName: 'n5000-uk9.7.3.8.N1.1.bin', families: [] }), ['n5k']);
    assert.deepEqual(familiesOfImage({ fileName: 'n3000-uk9-kickstart.6.0.2.U6.10.bin', families: [] }), ['n3k']);
    assert.match(familyMismatch({ hostname: 'nx', family: 'n9k' }, { fileName: 'n5000-uk9.7.3.8.N1.1.bin', families: [] }) ?? '', /is an image for n5k; nx is a n9k/);
  });

  void it('pairs a kickstart only with a system image of its platform and release', () => {
    const system = { fileName: 'n5000-uk9.7.3.8.N1.1.bin', imageType: 'base', version: '7.3(8)N1(1)' };
    assert.equal(kickstartPairMismatch(system, { fileName: 'n5000-uk9-kickstart.7.3.8.N1.1.bin', imageType: 'kickstart', version: '7.3(8)N1(1)' }), undefined);
    assert.match(kickstartPairMismatch(system, { fileName: 'n5000-uk9-kickstart.7.3.5.N1.1.bin', imageType: 'kickstart', version: '7.3(5)N1(1)' }) ?? '', /is release 7\.3\(5\)N1\(1\), system n5000-uk9\.7\.3\.8\.N1\.1\.bin is 7\.3\(8\)N1\(1\)/);
    assert.match(kickstartPairMismatch(system, { fileName: 'n5000-uk9.7.3.7.N1.1.bin', imageType: 'base', version: '7.3(7)N1(1)' }) ?? '', /is a base image, not a kickstart image/);
    assert.match(kickstartPairMismatch(system, { fileName: 'n6000-uk9-kickstart.7.3.8.N1.1.bin', imageType: 'kickstart', version: '7.3(8)N1(1)' }) ?? '', /is for n6000, system n5000-uk9\.7\.3\.8\.N1\.1\.bin for n5000/);
    assert.match(kickstartPairMismatch({ ...system, imageType: 'kickstart' }, { fileName: 'n5000-uk9-kickstart.7.3.8.N1.1.bin', imageType: 'kickstart', version: '7.3(8)N1(1)' }) ?? '', /the kickstart goes with it/);
  });

  void it('gives a kickstart switch only a pair and a single-image switch never one', () => {
    assert.equal(bootStyleMismatch('n5k', 'n5000-uk9-kickstart.7.1.4.N1.1.bin', { system: 'n5000-uk9.7.3.8.N1.1.bin', kickstart: 'n5000-uk9-kickstart.7.3.8.N1.1.bin' }), undefined);
    assert.equal(bootStyleMismatch('n9k', undefined, { system: 'nxos64-cs.10.3.6.M.bin' }), undefined);
    assert.match(bootStyleMismatch('n5k', 'n5000-uk9-kickstart.7.1.4.N1.1.bin', { system: 'n5000-uk9.7.3.8.N1.1.bin' }) ?? '', /n5k boots kickstart .* it needs a kickstart \+ system pair/);
    assert.match(bootStyleMismatch('n9k', undefined, { system: 'n5000-uk9.7.3.8.N1.1.bin', kickstart: 'n5000-uk9-kickstart.7.3.8.N1.1.bin' }) ?? '', /n9k boots a single image/);
  });
});
