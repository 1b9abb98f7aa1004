// Parser for `dir flash:` / `dir bootflash:` on IOS, IOS-XE, NX-OS and EOS. Every line must be one
// it knows: a file it could not read would be a file the space check and the cleanup plan do
// not see (the running image's packages.conf, say), so an unknown line is refused, naming it.
import { DeviceOutputError } from './parse-error.ts';

export interface FlashFile {
  name: string;
  size: number;
  isDirectory: boolean;
}

export interface FlashListing {
  filesystem: string;
  files: FlashFile[];
  totalBytes: number;
  freeBytes: number;
}

// IOS / IOS-XE: `475138  -rw-   485376536  Oct 13 2023 13:33:25 +00:00  cat9k_iosxe.17.06.05.SPA.bin`.
// Real captures also show the attributes split by a space (`-rw  -`) and `<no date>`.
const IOS_ENTRY = /^\s*\d+\s+([-dl][-rwx ]*?[-rwx])\s+(\d+)\s+(?:<no date>|\w{3}\s+\d{1,2}\s+\d{4}\s+\d{1,2}:\d{2}:\d{2}(?:\s+[+-]\d{2}:?\d{2})?)\s+(\S+)\s*$/;
// NX-OS: `  1011    Oct 13 10:02:33 2023  nxos64-cs.10.2.5.M.bin` (a directory ends in `/`).
const NXOS_ENTRY = /^\s*(\d+)\s+\w{3}\s+\d{1,2}\s+\d{1,2}:\d{2}:\d{2}\s+\d{4}\s+(\S+)\s*$/;
// EOS: `       -rwx   591941836            Aug 2  2017  EOS-4.18.3.1F.swi` (a year, or a time this
// year), `<no date>` on system:; no index column.
const EOS_ENTRY = /^\s*([-d][-rwx]{3})\s+(\d+)\s+(?:<no date>|\w{3}\s+\d{1,2}\s+(?:\d{4}|\d{1,2}:\d{2}))\s+(\S+)\s*$/;
// Lines that carry no file: headings, totals, the echoed command and the prompt.
const FRAME = [
  /^\s*$/,
  /^\s*Directory of \S+/,
  /^\s*Usage for \S+/,
  /^\s*\d+ bytes total \(\d+ bytes free\)\s*$/,
  /^\s*\d+ bytes (?:used|free|total)\s*$/,
  /^\s*No files in directory\s*$/,
  // EOS system: has no size to report; such a listing has no totals and is refused below.
  /^\s*No space information available\s*$/,
  /^\s*dir\b.*$/,
  /^\S+[#>]\s*(?:dir\b.*)?$/,
];

export function parseDirFlash(output: string): FlashListing {
  const fail = (problem: string): never => {
    throw new DeviceOutputError('dir', problem, output);
  };
  const filesystem = /Directory of (\S+?):/.exec(output)?.[1];
  const totals = /(\d+) bytes total \((\d+) bytes free\)/.exec(output);
  const nxFree = /^\s*(\d+) bytes free/m.exec(output);
  const nxTotal = /^\s*(\d+) bytes total/m.exec(output);
  if (!totals && !(nxFree && nxTotal)) fail('no "bytes total / bytes free" line');
  const totalBytes = Number(totals?.[1] ?? nxTotal?.[1]);
  const freeBytes = Number(totals?.[2] ?? nxFree?.[1]);

  const files: FlashFile[] = [];
  for (const line of output.split(/\r?\n/)) {
    const ios = IOS_ENTRY.exec(line);
    if (ios) {
      files.push({ name: ios[3]!, size: Number(ios[2]), isDirectory: ios[1]!.startsWith('d') });
      continue;
    }
    const eos = EOS_ENTRY.exec(line);
    if (eos) {
      files.push({ name: eos[3]!, size: Number(eos[2]), isDirectory: eos[1]!.startsWith('d') });
      continue;
    }
    const nx = NXOS_ENTRY.exec(line);
    if (nx) {
      files.push({ name: nx[2]!.replace(/\/$/, ''), size: Number(nx[1]), isDirectory: nx[2]!.endsWith('/') });
      continue;
    }
    if (!FRAME.some((frame) => frame.test(line))) fail(`cannot read the line ${JSON.stringify(line.trim())}`);
  }
  return { filesystem: filesystem ?? 'flash', files, totalBytes, freeBytes };
}
