// Parser for `show install summary` (IOS-XE INSTALL mode). The real format, one block per switch
// or route processor (genieparser's ShowInstallSummary samples):
//   [ Switch 1 ] Installed Package(s) Information:
//   State (St): I - Inactive, U - Activated & Uncommitted,
//               C - Activated & Committed, D - Deactivated & Uncommitted
//   --------------------------------------------------------------------------------
//   Type  St   Filename/Version
//   --------------------------------------------------------------------------------
//   SMU   C    flash:cat9k_iosxe.17.09.04a.CSCwh87343.SPA.smu.bin
//   IMG   C    17.09.04a.0.5371
// SMUs and AP packs are listed by file name, images by version.
import { DeviceOutputError } from './parse-error.ts';

export type InstallState = 'I' | 'U' | 'C' | 'D';

export interface InstallSummaryEntry {
  /** `IMG`, `SMU`, `APSP`, `APDP`, `PKG`… as printed. */
  type: string;
  state: InstallState;
  /** Version for IMG rows, the file (with its file system) for the others. */
  filenameOrVersion: string;
}

const ROW = /^\s*([A-Z]{3,5})\s+([IUCD])\s+(\S+)\s*$/;

export function parseInstallSummary(output: string): InstallSummaryEntry[] {
  if (!/Installed Package\(s\) Information/.test(output)) {
    throw new DeviceOutputError('show install summary', 'no "Installed Package(s) Information" header', output);
  }
  const entries: InstallSummaryEntry[] = [];
  for (const line of output.split(/\r?\n/)) {
    const m = ROW.exec(line);
    if (!m?.[1] || !m[2] || !m[3]) continue;
    entries.push({ type: m[1], state: m[2] as InstallState, filenameOrVersion: m[3] });
  }
  return entries;
}

/** `flash:x.bin`, `bootflash:/x.bin`, `/flash/x.bin` → `x.bin`. */
function bareFileName(path: string): string {
  return path.replace(/^[a-z0-9]+:/i, '').split('/').filter(Boolean).pop() ?? path;
}

/** File names of the add-ons (SMUs, AP packs) that are active: activated, committed or not yet. */
export function activeAddOnFiles(entries: readonly InstallSummaryEntry[]): string[] {
  const names = entries.filter((e) => e.type !== 'IMG' && (e.state === 'C' || e.state === 'U')).map((e) => bareFileName(e.filenameOrVersion));
  return [...new Set(names)];
}
