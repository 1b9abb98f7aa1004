// Parser for `more flash:packages.conf` (IOS-XE INSTALL mode): the package files the provisioning
// file boots. Lines look like
//   boot  rp 0 0   rp_boot       cat9k-rpboot.17.09.04a.SPA.pkg
//   iso   rp 0 0   rp_base       cat9k-rpbase.17.09.04a.SPA.pkg
// around `#` comments, a `sha1sum:` line and `#! /usr/binos/bin/packages_conf.sh`.
import { DeviceOutputError } from './parse-error.ts';

export interface PackagesConfEntry {
  /** `boot` (the rpboot package ROMMON loads), `iso` (a package mounted at boot), or another keyword. */
  kind: string;
  /** Where it runs: `rp`, `fp`, `cc`… with slot and bay, e.g. `rp 0 0`. */
  location: string;
  /** Role of the package at that location, e.g. `rp_base`. */
  role: string;
  file: string;
}

export interface PackagesConf {
  entries: PackagesConfEntry[];
  /** Every distinct package file the provisioning file names, in order of first mention. */
  files: string[];
  sha1?: string;
}

// kind, location (name slot bay), role, file (.pkg, or an SMU .bin)
const ENTRY = /^\s*([a-z]+)\s+([a-z]+\s+\S+\s+\S+)\s+(\S+)\s+(\S+\.(?:pkg|bin))\s*$/i;

export function parsePackagesConf(output: string): PackagesConf {
  const entries: PackagesConfEntry[] = [];
  const files: string[] = [];
  let sha1: string | undefined;
  for (const line of output.split(/\r?\n/)) {
    if (/^\s*#/.test(line)) continue;
    const sum = /^\s*sha1sum:\s*([0-9a-f]{40})\s*$/i.exec(line);
    if (sum?.[1]) {
      sha1 = sum[1].toLowerCase();
      continue;
    }
    const m = ENTRY.exec(line);
    if (!m?.[1] || !m[2] || !m[3] || !m[4]) continue;
    const file = m[4];
    entries.push({ kind: m[1].toLowerCase(), location: m[2].replace(/\s+/g, ' '), role: m[3], file });
    if (!files.includes(file)) files.push(file);
  }
  if (entries.length === 0) {
    throw new DeviceOutputError('more packages.conf', 'no "boot"/"iso" package lines', output);
  }
  return { entries, files, ...(sha1 ? { sha1 } : {}) };
}
