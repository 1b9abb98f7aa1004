// Which devices an image fits, by the platform part of its Cisco file name.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { familyOfModel } from '../domain/device-family.ts';
import { familiesOfImage, familyMismatch } from '../domain/image-fit.ts';

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
});
