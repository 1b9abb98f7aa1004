// The Arista EOS driver on real captures (ntc-templates arista_eos, vendored in the conformance
// corpus): recognition, the running image EOS's `show version` does not name, its boot list,
// releases and image names, and the reload/save dialogue netswim answers.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { describeImageFileName } from '../domain/image-name.ts';
import { parseDirFlash } from '../domain/parsers/dir-flash.ts';
import { parseShowBoot } from '../domain/parsers/show-boot.ts';
import { bootImageOf, parseShowVersion } from '../domain/parsers/show-version.ts';
import { compareVersions } from '../domain/version.ts';
import { driverFor, driverOfShowVersion } from '../drivers/index.ts';

const capture = (command: string, name: string): Promise<string> => readFile(new URL(`./fixtures/conformance/${command}/ntc-arista_eos-${name}.txt`, import.meta.url), 'utf8');
const eos = driverFor('eos');

void describe('EOS driver', () => {
  void it('recognises EOS show version (DCS/CCS, vEOS) and no Cisco driver claims it', async () => {
    for (const name of ['arista_eos_show_version', 'arista_eos_show_version2', 'arista_eos_show_version3']) {
      const text = await capture('show-version', name);
      assert.equal(driverOfShowVersion(text).label, 'EOS', name);
      const version = parseShowVersion(text);
      assert.equal(version.os, 'eos');
      assert.equal(version.hostname, undefined, 'EOS show version names no host');
      assert.equal(eos.bootFilesystemOf(version), 'flash');
    }
  });

  void it('reads the running image as the one .swi on flash: named for the running release, else refuses', async () => {
    const flash = parseDirFlash(await capture('dir', 'arista_eos_dir_flash'));
    const on = (release: string) => ({ os: 'eos' as const, version: release, uptimeSeconds: 60, uptimeResolutionSeconds: 60 });
    assert.equal(eos.runningImageOf(on('4.19.5M'), flash), 'flash:EOS-4.19.5M.swi');
    assert.equal(eos.runningImageOf(on('4.18.3.1F'), flash), 'flash:EOS-4.18.3.1F.swi');
    // No image of the running release on flash: netswim cannot say what runs, and says so.
    assert.throws(() => eos.runningImageOf(on('4.27.6M'), flash), /no \.swi named for the running release 4\.27\.6M on flash:/);
    assert.throws(() => bootImageOf({ ...on('4.27.6M') }), /cannot tell which image the device runs/);
    // Two names for one release (32- and 64-bit): refused, not guessed.
    const both = { ...flash, files: [...flash.files, { name: 'EOS64-4.19.5M.swi', size: 1, isDirectory: false }] };
    assert.throws(() => eos.runningImageOf(on('4.19.5M'), both), /EOS-4\.19\.5M\.swi and EOS64-4\.19\.5M\.swi are both named for the running release 4\.19\.5M/);
  });

  void it('reads the boot image from show boot-config', async () => {
    assert.deepEqual(parseShowBoot(await capture('show-boot', 'arista_eos_show_boot-config')).next, ['flash:EOS-2.2.0.swi']);
    assert.deepEqual(parseShowBoot('Software image: (not set)\nConsole speed: (not set)\n').next, []);
  });

  void it('orders EOS releases and reads EOS image names', () => {
    assert.equal(compareVersions('4.27.6M', '4.28.9M'), -1);
    assert.equal(compareVersions('4.18.3.1F', '4.18.3F'), 1);
    assert.throws(() => compareVersions('4.27.6M', '17.09.04a'), /different software lineages/);
    assert.deepEqual(describeImageFileName('EOS-4.27.6M.swi'), { platform: 'eos', version: '4.27.6M', os: 'eos', imageType: 'base' });
    assert.equal(describeImageFileName('EOS64-4.30.1F.swi')?.version, '4.30.1F');
    assert.equal(describeImageFileName('EOS-4.31.6M-39953990.4316M.swi'), undefined);
  });

  void it("answers EOS's reload questions and knows its save confirmation", () => {
    const reply = (prompt: string) => eos.reloadAnswers.find((a) => a.prompt.test(prompt))?.reply;
    assert.equal(reply('System configuration has been modified. Save? [yes/no/cancel/diff]:'), 'no');
    assert.equal(reply('Proceed with reload? [confirm]'), '');
    assert.match('Copy completed successfully.', eos.saveConfirmed);
    assert.equal(eos.installCommand('boot-variable', 'flash', 'EOS-4.28.9M.swi'), undefined);
  });
});
