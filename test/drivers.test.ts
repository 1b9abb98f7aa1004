// Which driver a real `show version` gets (the same recognition the parser reports as its OS),
// and the file system a device's images live on: the one of the image it booted (real captures
// of the conformance corpus), else the driver's default.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { parseShowVersion } from '../domain/parsers/show-version.ts';
import { driverOfShowVersion } from '../drivers/index.ts';
import { localFilesystemOfImage } from '../drivers/filesystem.ts';

const capture = (name: string): Promise<string> => readFile(new URL(`./fixtures/conformance/show-version/${name}`, import.meta.url), 'utf8');

void describe('drivers: boot file system of a device', () => {
  for (const [file, label, filesystem] of [
    ['genie-iosxe-ShowVersion-golden_output_6.txt', 'IOS-XE', 'bootflash'], // ASR1001-X, bootflash:packages.conf
    ['genie-iosxe-ShowVersion-golden_output_3.txt', 'IOS-XE', 'flash'], // Catalyst, flash:packages.conf
    ['ntc-cisco_ios-cisco_ios_show_version2.txt', 'IOS-XE', 'bootflash'], // ASR 1001 bundle, bootflash:asr1001-….bin
    ['genie-iosxe-ShowVersion-golden_output_isr4k.txt', 'IOS-XE', 'bootflash'], // ISR 4400
    ['genie-ios-ShowVersion-golden_output_ios_cat6k.txt', 'IOS', 'disk0'], // Catalyst 6500, disk0:s72033-…
    ['genie-ios-ShowVersion-device_output.txt', 'IOS', 'flash0'], // ISR 3900, flash0:c3900-….bin
    ['genie-nxos-ShowVersion-golden_output.txt', 'NX-OS', 'bootflash'], // Nexus 3000, bootflash:///n3000-….bin
    ['genie-iosxe-ShowVersion-golden_output_c4507.txt', 'IOS-XE', 'flash'], // no image line: the default
    ['ntc-cisco_nxos-cisco_nxos_show_version2.txt', 'NX-OS', 'bootflash'], // Nexus 5000 captured below its banner: its kickstart line says NX-OS
  ] as const) {
    void it(`${file}: ${label} on ${filesystem}:`, async () => {
      const text = await capture(file);
      const driver = driverOfShowVersion(text);
      assert.equal(driver.label, label);
      assert.equal(driver.bootFilesystemOf(parseShowVersion(text)), filesystem);
    });
  }

  void it('reads the file system of a boot image, and none of a network source', () => {
    assert.equal(localFilesystemOfImage('bootflash:packages.conf'), 'bootflash');
    assert.equal(localFilesystemOfImage('BOOTFLASH:/x.bin'), 'bootflash');
    assert.equal(localFilesystemOfImage('flash:c2960x-universalk9-mz.152-2.E7/c2960x-universalk9-mz.152-2.E7.bin'), 'flash');
    assert.equal(localFilesystemOfImage('tftp://10.1.6.241//auto/x.bin'), undefined);
    assert.equal(localFilesystemOfImage('https://10.0.0.1/x.bin'), undefined);
    assert.equal(localFilesystemOfImage('packages.conf'), undefined);
    assert.equal(localFilesystemOfImage(undefined), undefined);
    assert.equal(driverOfShowVersion('Cisco Nexus Operating System (NX-OS) Software').defaultBootFilesystem, 'bootflash');
    // A Catalyst 3850 booted over TFTP (genieparser's c3850 capture; its experimental build is refused
    // by parseShowVersion, so its image line is given here): the driver's default.
    const xe = driverOfShowVersion('Cisco IOS XE Software, Version 16.09.04');
    assert.equal(xe.bootFilesystemOf({ systemImage: 'tftp://10.1.6.241//auto/tftp-ssr/Edison/cat3k_caa-universalk9.BLD_V164_THROTTLE_LATEST_20170410_174845.SSA.bin' }), 'flash');
    assert.equal(xe.bootFilesystemOf({}), 'flash');
  });
});
