// The platform drivers, and how to find the one for a device.
import type { PlatformDriver } from './driver.ts';
import { eosDriver } from './eos.ts';
import { iosDriver } from './ios.ts';
import { iosXeDriver } from './iosxe.ts';
import { nxosDriver } from './nxos.ts';
import type { OsFamily } from './os-family.ts';

export type { ActivationMethod, InstallCommand, PlatformDriver } from './driver.ts';
export { OS_FAMILIES, type OsFamily } from './os-family.ts';

/** In the order they are asked to recognise `show version`: the most specific first. */
export const DRIVERS: readonly PlatformDriver[] = [nxosDriver, iosXeDriver, iosDriver, eosDriver];

const BY_OS = new Map(DRIVERS.map((driver) => [driver.os, driver]));

export function driverFor(os: OsFamily): PlatformDriver {
  const driver = BY_OS.get(os);
  if (!driver) throw new Error(`no driver for ${String(os)}`);
  return driver;
}

/** The OS that printed this `show version`, or undefined when no driver recognises it. */
export function osOfShowVersion(showVersion: string): OsFamily | undefined {
  return DRIVERS.find((driver) => driver.recognises(showVersion))?.os;
}

/**
 * The driver whose OS printed this `show version`. Output no driver recognises gets the IOS
 * driver here, and parseShowVersion, which every caller runs on the same output, refuses it.
 */
export function driverOfShowVersion(showVersion: string): PlatformDriver {
  return DRIVERS.find((driver) => driver.recognises(showVersion)) ?? iosDriver;
}
