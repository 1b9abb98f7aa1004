// Parser for `show boot` (Catalyst, NX-OS) and `show bootvar` (routers): the boot variable list.
import { DeviceOutputError } from './parse-error.ts';

export interface BootVariables {
  /** Boot variable for the next reload, in order, e.g. [`flash:a.bin`, `flash:b.bin`]. */
  next: string[];
}

function splitBootList(value: string): string[] {
  return value
    .split(';')
    // `,12` is a router's boot-attempt counter; `bootflash:/x` (NX-OS) and `bootflash:x` are one file.
    .map((entry) => entry.trim().replace(/,\d+$/, '').replace(/^([\w-]+):\/+/, '$1:'))
    .filter((entry) => entry.length > 0);
}

export function parseShowBoot(output: string): BootVariables {
  // Catalyst prints the current list, then "Boot Variables on next reload:"; the latter wins.
  const nextSection = output.split(/Boot Variables on next reload:/)[1];
  const source = nextSection ?? output;
  // IOS/IOS-XE print `BOOT variable = …`; NX-OS prints `NXOS variable = …`.
  const line = /(?:BOOT|NXOS) variable\s*=\s*(.*)$/m.exec(source);
  if (line) return { next: splitBootList(line[1] ?? '') };
  if (/BOOT variable does not exist/.test(source)) return { next: [] };
  throw new DeviceOutputError('show boot', 'no "BOOT variable" line', output);
}
