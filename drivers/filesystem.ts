// The file system a device's images live on: the one holding the image it booted, as `show version`
// names it. A Catalyst 9300 boots `flash:cat9k….bin`, an ASR 1000 `bootflash:packages.conf`, an
// ISR 3900 `flash0:c3900….bin`, a Nexus `bootflash:///nxos….bin`; a device booted over the network
// (`tftp://…`) or printing no image line says nothing, and the driver's default holds.
import type { ShowVersion } from '../domain/parsers/show-version.ts';

/** Boot sources that are not a file system on the device. */
const REMOTE_SCHEMES = new Set(['tftp', 'ftp', 'http', 'https', 'scp', 'sftp', 'rcp']);

/** `bootflash:packages.conf` → `bootflash`; undefined for a network source or no file system prefix. */
export function localFilesystemOfImage(image: string | undefined): string | undefined {
  const m = image === undefined ? null : /^([a-z][a-z0-9-]*):/i.exec(image.trim());
  const name = m?.[1]?.toLowerCase();
  return name === undefined || REMOTE_SCHEMES.has(name) ? undefined : name;
}

/** The file system of the booted image, else `fallback`. */
export function bootFilesystemOfVersion(version: Pick<ShowVersion, 'systemImage'>, fallback: string): string {
  return localFilesystemOfImage(version.systemImage) ?? fallback;
}
