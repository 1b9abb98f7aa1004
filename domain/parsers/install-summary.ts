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
  /** The block's title: `Switch 1`, `R0 R1`, `Switch 1 2`. */
  location?: string;
}

const COMMAND = 'show install summary';
const ROW = /^\s*([A-Z]{3,5})\s+([IUCD])\s+(\S+)\s*$/;
const LOCATION = /^\s*\[\s*(.*?)\s*\]\s*Installed Package\(s\) Information:?\s*$/;
const TABLE_HEADER = /^\s*Type\s+St\s+Filename\/Version\s*$/;
const RULE = /^\s*-{10,}\s*$/;
// A prompt the capture ends with (`switch#`).
const PROMPT = /^\s*[\w.:/-]+[#>]\s*$/;

/**
 * Every package row of every block. Inside a table (after `Type St Filename/Version` and its
 * rule) each line is a row or blank until the next rule or block; any other line is refused
 * with the line in the error: a package left out could be an add-on reported missing, or one
 * the cleanup thinks unused.
 */
export function parseInstallSummary(output: string): InstallSummaryEntry[] {
  if (!/Installed Package\(s\) Information/.test(output)) {
    throw new DeviceOutputError(COMMAND, 'no "Installed Package(s) Information" header', output);
  }
  const entries: InstallSummaryEntry[] = [];
  let location: string | undefined;
  let state: 'outside' | 'header' | 'table' = 'outside';
  for (const line of output.split(/\r?\n/)) {
    const block = LOCATION.exec(line);
    if (block) {
      location = block[1];
      state = 'outside';
      continue;
    }
    if (TABLE_HEADER.test(line)) {
      state = 'header';
      continue;
    }
    if (RULE.test(line)) {
      state = state === 'header' ? 'table' : 'outside';
      continue;
    }
    if (state !== 'table' || line.trim() === '') continue;
    if (PROMPT.test(line)) {
      state = 'outside';
      continue;
    }
    const m = ROW.exec(line);
    if (!m?.[1] || !m[2] || !m[3]) throw new DeviceOutputError(COMMAND, `cannot read line ${JSON.stringify(line.trim())}`, output);
    entries.push({ type: m[1], state: m[2] as InstallState, filenameOrVersion: m[3], ...(location !== undefined ? { location } : {}) });
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
