// Classic IOS: ISR G2 routers (`show bootvar`) and Catalyst access switches.
import type { PlatformDriver } from './driver.ts';

export const iosDriver: PlatformDriver = {
  os: 'ios',
  label: 'IOS',
  recognises: () => true,
  bootFilesystem: 'flash',
  bootVariablesCommand: 'show bootvar',
  keepsReloadMarker: true,
  autoCleanup: true,
  activationMethod: () => 'boot-variable',
  installCommand: () => undefined,
};
