// Readiness check `golden-smus`: the golden add-ons (SMUs, AP packs) that come with the image can
// be activated on this device. IOS-XE installs them with `install add file … activate commit`,
// which only INSTALL mode (packages.conf) has: a device booting a bundle, or running classic IOS,
// cannot take them, and the upgrade stops before anything changes (as Catalyst Center refuses).
// NX-OS SMUs are RPMs installed another way, which netswim does not do yet. Pure: the workflow
// evaluates it from the inventory it already read.
import type { DeviceInventory, ImageRef } from '../upgrade.ts';
import type { PrecheckResult } from './types.ts';

const COMMANDS = ['show version'];

function result(status: PrecheckResult['status'], reason: string): PrecheckResult {
  return { name: 'golden-smus', status, reason, commands: COMMANDS, output: '' };
}

export function checkGoldenSmus(
  device: Pick<DeviceInventory, 'os' | 'installMode' | 'runningImage' | 'flash'>,
  image: Pick<ImageRef, 'fileName'>,
  addOns: readonly Pick<ImageRef, 'fileName'>[],
): PrecheckResult {
  if (addOns.length === 0) return { name: 'golden-smus', status: 'pass', reason: `not applicable: no golden SMU to activate with ${image.fileName}`, commands: [], output: '' };
  const names = addOns.map((a) => a.fileName).join(', ');
  const plural = addOns.length > 1;
  const what = `golden SMU${plural ? 's' : ''} ${names}`;
  if (device.os === 'ios-xe' && device.installMode === 'INSTALL') {
    return result('pass', `${what} will be activated with ${image.fileName} (install add file … activate commit; INSTALL mode)`);
  }
  if (device.os === 'ios-xe') {
    return result('fail', `${what} need${plural ? '' : 's'} INSTALL mode; this device boots a bundle (${device.flash.filesystem}:${device.runningImage}): convert it to INSTALL mode first`);
  }
  if (device.os === 'ios') return result('fail', `${what} need${plural ? '' : 's'} IOS-XE INSTALL mode; this device runs classic IOS`);
  return result('fail', `${what} cannot be activated: netswim does not install NX-OS SMUs yet`);
}
