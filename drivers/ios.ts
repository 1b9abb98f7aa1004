// Classic IOS: ISR G2 routers (`show bootvar`) and Catalyst access switches (`show boot`, images
// in a flash directory as `archive download-sw` leaves them).
import type { PlatformDriver } from './driver.ts';

export const iosDriver: PlatformDriver = {
  os: 'ios',
  label: 'IOS',
  recognises: () => true,
  bootFilesystem: 'flash',
  bootVariablesCommands: ['show bootvar', 'show boot'],
  keepsReloadMarker: true,
  autoCleanup: true,
  activationMethod: () => 'boot-variable',
  installCommand: () => undefined,
};
