// Image file names: what may reach a device CLI or a path, and what a Cisco file name tells us.

/**
 * File names that may be interpolated into a device CLI (`copy … flash:<name>`) or a path.
 * Letters, digits, dot, dash, underscore, plus; must start with a letter or digit; no path
 * separators, spaces, colons or shell/CLI metacharacters.
 */
const SAFE_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/;

export function isSafeFileName(name: string): boolean {
  return SAFE_FILE_NAME.test(name) && !name.includes('..');
}

export const SAFE_FILE_NAME_RULE =
  'letters, digits and . _ + - only (1-128 characters, starting with a letter or digit, no "..")';

export interface ImageNameInfo {
  platform: string;
  /** Version as the device prints it, e.g. 17.09.04a or 15.2(4)M7. */
  version: string;
}

// cat9k_iosxe.17.09.04a.SPA.bin, isr4300-universalk9.16.09.04.SPA.bin, cat3k_caa-universalk9.16.12.04.SPA.bin
const IOS_XE_NAME = /^([a-z0-9]+)[_-][a-z0-9_-]*\.(\d{2}\.\d{2}\.\d{2}[a-z]?)\.SPA\.bin$/i;
// c2900-universalk9-mz.SPA.152-4.M7.bin → 15.2(4)M7
const CLASSIC_IOS_NAME = /^([a-z0-9]+)-[a-z0-9_]+-m[z]?\.SPA\.(\d)(\d)(\d)-(\d+)\.([A-Z]+\d*[a-z]?)\.bin$/i;
// nxos64-cs.10.2.5.M.bin / nxos.9.3.10.bin
const NXOS_NAME = /^(nxos(?:64)?)(?:-[a-z0-9]+)?\.(\d+\.\d+\.\d+[a-z]?)(?:\.[A-Z])?\.bin$/i;

/** Reads platform and version from a standard Cisco image file name; undefined when it is not one. */
export function parseImageFileName(fileName: string): ImageNameInfo | undefined {
  const xe = IOS_XE_NAME.exec(fileName);
  if (xe?.[1] && xe[2]) return { platform: xe[1].toLowerCase(), version: xe[2] };
  const classic = CLASSIC_IOS_NAME.exec(fileName);
  if (classic) {
    const [, platform, major, minor, train, rebuild, suffix] = classic;
    return { platform: platform!.toLowerCase(), version: `${major}${minor}.${train}(${rebuild})${suffix}` };
  }
  const nx = NXOS_NAME.exec(fileName);
  if (nx?.[1] && nx[2]) {
    const [maj, min, patch] = nx[2].split('.');
    return { platform: nx[1].toLowerCase(), version: `${maj}.${min}(${patch})` };
  }
  return undefined;
}
