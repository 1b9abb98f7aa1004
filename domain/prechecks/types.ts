// Readiness prechecks: names, the command catalogue, results, run options and the summary that
// decides whether a device may go on. Pure: activities run the commands and pass the output in.
import { findCliError } from '../parsers/cli-error.ts';

export { OS_FAMILIES, type OsFamily } from '../../drivers/os-family.ts';
import type { OsFamily } from '../../drivers/os-family.ts';
import { driverFor } from '../../drivers/index.ts';

export const PRECHECK_NAMES = [
  'file-transfer',
  'ntp-clock',
  'flash-space',
  'config-register',
  'crypto-rsa-key',
  'tls-1.2',
  'ip-domain-name',
  'startup-config',
  'nfvis-flash',
  'license',
  'golden-smus',
] as const;
export type PrecheckName = (typeof PRECHECK_NAMES)[number];

export function isPrecheckName(value: string): value is PrecheckName {
  return (PRECHECK_NAMES as readonly string[]).includes(value);
}

/** `skipped`: the run's options turned the check off (see PrecheckOptions). */
export type PrecheckStatus = 'pass' | 'warn' | 'fail' | 'skipped';

export interface PrecheckResult {
  name: PrecheckName;
  status: PrecheckStatus;
  /** One sentence an engineer can act on. */
  reason: string;
  /** The CLI the check ran, in order ([] when it needed none). */
  commands: string[];
  /** What the device printed (several commands: each under a `> command` line). */
  output: string;
}

export interface PrecheckSpec {
  name: PrecheckName;
  title: string;
}

export const PRECHECK_CATALOGUE: Record<PrecheckName, PrecheckSpec> = {
  'file-transfer': {
    name: 'file-transfer',
    title: "device reaches netswim's image service (HTTPS, else SCP)",
  },
  'ntp-clock': { name: 'ntp-clock', title: 'device clock agrees with netswim and NTP is synchronized' },
  'flash-space': {
    name: 'flash-space',
    title: 'the image fits on flash',
  },
  'config-register': {
    name: 'config-register',
    title: 'configuration register boots the image with the startup configuration',
  },
  'crypto-rsa-key': { name: 'crypto-rsa-key', title: 'an RSA key pair exists (SCP/HTTPS need it)' },
  'tls-1.2': {
    name: 'tls-1.2',
    title: 'the HTTPS stack offers TLS 1.2',
  },
  'ip-domain-name': { name: 'ip-domain-name', title: 'ip domain name is configured' },
  'startup-config': { name: 'startup-config', title: 'a startup configuration is saved' },
  'nfvis-flash': { name: 'nfvis-flash', title: 'NFVIS host has room for the image' },
  license: {
    name: 'license',
    title: 'licenses are authorized',
  },
  // Decided from the inventory (`show version`: OS and boot mode) and the upgrade's golden
  // add-ons, by the workflow (domain/prechecks/golden-smus.ts): the device activity sends nothing.
  'golden-smus': { name: 'golden-smus', title: 'the golden SMUs of the image can be activated (IOS-XE INSTALL mode)' },
};

/** The commands a check runs on `family`: its driver's (drivers/precheck-commands.ts, drivers/eos.ts). */
export function precheckCommands(name: PrecheckName, family: OsFamily): readonly string[] {
  return driverFor(family).precheckCommands[name];
}

/**
 * Per-run options. A disabled check is not run (no command is sent) but still appears in the
 * results as `skipped`, naming the option, so the record shows what the operator turned off.
 */
export interface PrecheckOptions {
  disabledChecks?: readonly PrecheckName[];
}

export function isPrecheckEnabled(name: PrecheckName, options: PrecheckOptions = {}): boolean {
  return !(options.disabledChecks ?? []).includes(name);
}

export function skippedResult(name: PrecheckName): PrecheckResult {
  return { name, status: 'skipped', reason: 'turned off for this run (disabledChecks)', commands: [], output: '' };
}

export interface PlannedPrecheck {
  name: PrecheckName;
  enabled: boolean;
  commands: readonly string[];
}

/** Every built-in check in catalogue order, with the commands to run on this family. */
export function planPrechecks(family: OsFamily, options: PrecheckOptions = {}): PlannedPrecheck[] {
  return PRECHECK_NAMES.map((name) => {
    const enabled = isPrecheckEnabled(name, options);
    return { name, enabled, commands: enabled ? precheckCommands(name, family) : [] };
  });
}

/** Replaces the results of disabled checks by `skipped` ones; the order is kept. */
export function applyPrecheckOptions(results: readonly PrecheckResult[], options: PrecheckOptions = {}): PrecheckResult[] {
  return results.map((r) => (isPrecheckEnabled(r.name, options) ? r : skippedResult(r.name)));
}

export interface PrecheckSummary {
  /** False when any check failed: the device stops before anything on it changes. */
  proceed: boolean;
  counts: Record<PrecheckStatus, number>;
  failed: PrecheckName[];
  warned: PrecheckName[];
  skipped: PrecheckName[];
  /** One line for people: what stops the device, or that it may go on (and with which warnings). */
  message: string;
}

export function summarizePrechecks(results: readonly PrecheckResult[]): PrecheckSummary {
  const counts: Record<PrecheckStatus, number> = { pass: 0, warn: 0, fail: 0, skipped: 0 };
  for (const r of results) counts[r.status] += 1;
  const named = (status: PrecheckStatus): PrecheckName[] => results.filter((r) => r.status === status).map((r) => r.name);
  const failed = named('fail');
  const warned = named('warn');
  const skipped = named('skipped');
  const extras = [
    warned.length > 0 ? `${warned.length} warning${warned.length === 1 ? '' : 's'}: ${warned.join(', ')}` : '',
    skipped.length > 0 ? `skipped: ${skipped.join(', ')}` : '',
  ].filter(Boolean);
  const message =
    failed.length > 0
      ? `stopped before any change: ${results
          .filter((r) => r.status === 'fail')
          .map((r) => `${r.name} (${r.reason})`)
          .join('; ')}`
      : `ready: ${counts.pass} of ${results.length} checks passed${extras.length > 0 ? ` (${extras.join('; ')})` : ''}`;
  return { proceed: failed.length === 0, counts, failed, warned, skipped, message };
}

// --- helpers shared by the checks ------------------------------------------------------------

export interface CommandOutput {
  command: string;
  output: string;
}

/** Output of several commands as one text: each under a `> command` line. One command: as is. */
export function joinOutputs(parts: readonly CommandOutput[]): string {
  if (parts.length === 1) return parts[0]?.output ?? '';
  return parts.map((p) => `> ${p.command}\n${p.output.replace(/\s+$/, '')}`).join('\n');
}

export function result(name: PrecheckName, status: PrecheckStatus, reason: string, parts: readonly CommandOutput[]): PrecheckResult {
  return { name, status, reason, commands: parts.map((p) => p.command), output: joinOutputs(parts) };
}

export function notApplicable(name: PrecheckName, why: string): PrecheckResult {
  return { name, status: 'pass', reason: `not applicable: ${why}`, commands: [], output: '' };
}

/** A fail naming the error line when the device rejected one of the commands, else undefined. */
export function rejectedCommand(name: PrecheckName, parts: readonly CommandOutput[]): PrecheckResult | undefined {
  for (const part of parts) {
    const error = findCliError(part.output);
    if (error) return result(name, 'fail', `the device rejected "${part.command}": ${error}`, parts);
  }
  return undefined;
}

const UNITS = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];

/** 1536 → `1.5 KiB`, 485376536 → `462.9 MiB` (binary units, one decimal). */
export function formatBytes(bytes: number): string {
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const sign = bytes < 0 ? '-' : '';
  return unit === 0 ? `${sign}${value} bytes` : `${sign}${value.toFixed(1)} ${UNITS[unit] ?? ''}`;
}

/** Lines of output without the echoed command and prompt lines some captures carry. */
export function outputLines(output: string): string[] {
  return output.split(/\r?\n/).filter((line) => !/^\S+[#>]\s*(show|sh)\s/i.test(line));
}
