// Parser for `dir flash:` / `dir bootflash:` on IOS, IOS-XE and NX-OS.
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

// `475138  -rw-   485376536  Oct 13 2023 13:33:25 +00:00  cat9k_iosxe.17.06.05.SPA.bin`
const IOS_ENTRY = /^\s*\d+\s+([-dlrwx]{4,10})\s+(\d+)\s+.*?\s(\S+)\s*$/;
// NX-OS: `  1011 Oct 13 10:02:33 2023  nxos64-cs.10.2.5.M.bin`
const NXOS_ENTRY = /^\s+(\d+)\s+\w{3}\s+\d+\s+[\d:]+\s+\d{4}\s+(\S+)\s*$/;

export function parseDirFlash(output: string): FlashListing {
  const filesystem = /Directory of (\S+?):/.exec(output)?.[1];
  const totals =
    /(\d+) bytes total \((\d+) bytes free\)/.exec(output) ??
    null;
  const nxFree = /(\d+) bytes free/.exec(output);
  const nxTotal = /(\d+) bytes total/.exec(output);
  if (!totals && !(nxFree && nxTotal)) {
    throw new DeviceOutputError('dir', 'no "bytes total / bytes free" line', output);
  }
  const totalBytes = Number(totals?.[1] ?? nxTotal?.[1]);
  const freeBytes = Number(totals?.[2] ?? nxFree?.[1]);

  const files: FlashFile[] = [];
  for (const line of output.split(/\r?\n/)) {
    const ios = IOS_ENTRY.exec(line);
    if (ios?.[1] && ios[2] && ios[3]) {
      files.push({ name: ios[3], size: Number(ios[2]), isDirectory: ios[1].startsWith('d') });
      continue;
    }
    const nx = NXOS_ENTRY.exec(line);
    if (nx?.[1] && nx[2]) {
      files.push({ name: nx[2].replace(/\/$/, ''), size: Number(nx[1]), isDirectory: nx[2].endsWith('/') });
    }
  }
  return { filesystem: filesystem ?? 'flash', files, totalBytes, freeBytes };
}
