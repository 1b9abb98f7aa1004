// Parser for `show boot` (Catalyst, NX-OS) and `show bootvar` (routers): the boot list for the
// next reload. Real devices print it four ways: `BOOT variable = a;b;` (routers, IOS-XE),
// `BOOT path-list : a;b` (classic IOS Catalyst access switches), `NXOS variable = x` (NX-OS 9000)
// and `kickstart variable` / `system variable` (NX-OS with separate kickstart and system images).
// Stacks and dual supervisors print one section each; they must agree, or the parser refuses.
import { DeviceOutputError } from './parse-error.ts';

export interface BootVariables {
  /** Boot list for the next reload, in order, e.g. [`flash:a.bin`, `flash:b.bin`]; the system image on NX-OS. */
  next: string[];
  /** NX-OS with separate images: the kickstart image booted with `next`. */
  kickstart?: string[];
}

// Remote boot sources keep their `//host`; a file system's slashes go (`bootflash:///x` is `bootflash:x`).
const URL_SCHEMES = /^(?:tftp|ftp|http|https|scp|sftp|rcp):/i;

function splitBootList(value: string): string[] {
  return value
    .split(';')
    // `,12` is a router's boot-attempt counter.
    .map((entry) => entry.trim().replace(/,\d+$/, ''))
    .map((entry) => (URL_SCHEMES.test(entry) ? entry : entry.replace(/^([\w-]+):\/+/, '$1:')))
    .filter((entry) => entry.length > 0);
}

/** A member's boot list; `agrees` is false when its supervisors print different ones. */
type Section = { boot: BootVariables; agrees: boolean } | 'none' | undefined;

/** One member's (or the whole output's) boot list; `none` when it says the variable is not set. */
function readSection(text: string): Section {
  // IOS-XE prints the current list, then "Boot Variables on next reload:"; the latter wins.
  const source = text.split(/Boot Variables on next reload:/)[1] ?? text;
  const values = (pattern: RegExp) => [...source.matchAll(pattern)].map((m) => m[1]!.trim());
  const system = values(/^[ \t]*(?:NXOS|system) variable[ \t]*=[ \t]*(.*)$/gm);
  if (system.length > 0) {
    const kickstart = values(/^[ \t]*kickstart variable[ \t]*=[ \t]*(.*)$/gm);
    const boot: BootVariables = { next: splitBootList(system[0]!) };
    if (kickstart.length > 0) boot.kickstart = splitBootList(kickstart[0]!);
    return { boot, agrees: new Set(system).size === 1 && new Set(kickstart).size <= 1 };
  }
  // Anchored: a router's `Standby BOOT variable = …` line is the standby's, not the next boot.
  const boot = /^[ \t]*BOOT (?:variable[ \t]*=|path-list[ \t]*:)[ \t]*(.*)$/m.exec(source);
  if (boot) return { boot: { next: splitBootList(boot[1]!) }, agrees: true };
  if (/^[ \t]*BOOT variable does not exist/m.test(source)) return 'none';
  // EOS `show boot-config`: `Software image: flash:/EOS-4.19.5M.swi`, `(not set)` when none.
  const eos = /^Software image:[ \t]*(.*?)[ \t]*$/m.exec(source);
  if (eos) return eos[1] === '(not set)' ? 'none' : { boot: { next: splitBootList(eos[1]!) }, agrees: true };
  return undefined;
}

export function parseShowBoot(output: string): BootVariables {
  const fail = (problem: string): never => {
    throw new DeviceOutputError('show boot', problem, output);
  };
  // Catalyst stacks print a `Switch N` header (between dashed lines) before each member but the first.
  const chunks = output.split(/^[ \t]*Switch \d+[ \t]*\r?$/m);
  const sections = chunks.map(readSection).filter((s) => s !== undefined);
  if (sections.length === 0) fail('no "BOOT variable", "BOOT path-list", "NXOS variable", "system variable" or "Software image:" line');
  const lists = sections.map((s) => (s === 'none' ? { next: [] } : s.boot));
  const shown = lists.map((l) => JSON.stringify([l.next, l.kickstart ?? []]));
  if (new Set(shown).size > 1 || sections.some((s) => s !== 'none' && !s.agrees)) {
    fail('the stack members or supervisors have different boot lists; make them agree before an upgrade');
  }
  const first = lists[0]!;
  return first.kickstart ? { next: first.next, kickstart: first.kickstart } : { next: first.next };
}
