// Version identity. Devices and file names spell the same release differently
// (IOS-XE `17.09.04a` in the file name and `show version`, `17.9.4a` in release notes).

/** Canonical form for comparing two spellings of one version: leading zeros dropped, lower case. */
export function normalizeVersion(version: string): string {
  return version
    .trim()
    .toLowerCase()
    .replace(/(^|[.(])0+(\d)/g, '$1$2');
}

export function sameVersion(a: string, b: string): boolean {
  return normalizeVersion(a) === normalizeVersion(b);
}
