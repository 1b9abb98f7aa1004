// License / service entitlement precheck: a device whose licenses are not authorized can come
// back from the reload at a lower feature level (configuration lines rejected, features off).
import { DeviceOutputError } from '../parsers/parse-error.ts';
import { rejectedCommand, result, type CommandOutput, type OsFamily, type PrecheckResult } from './types.ts';

export type LicenseHealth = 'ok' | 'eval' | 'bad' | 'unused';

export interface LicenseEntry {
  name: string;
  /** Status as printed (`IN USE`, `EVAL MODE`, `Active, In Use`, `In use` …). */
  status: string;
  health: LicenseHealth;
  /** Extra words for the reason: period left, grace time, license type. */
  detail?: string;
}

/** Smart Licensing status words (IOS-XE `show license summary`, NX-OS 10 smart licensing). */
export function smartStatusHealth(status: string): LicenseHealth {
  const s = status.toUpperCase();
  if (/NOT AUTHORIZED|OUT OF COMPLIANCE|EXPIRED|INVALID|NO LICENSE|UNAUTHORIZED/.test(s)) return 'bad';
  if (/EVAL|GRACE/.test(s)) return 'eval';
  // `NOT APPLICABLE`: NX-OS 10 with licensing not enforced; neither good nor bad.
  if (/NOT IN USE|UNUSED|NOT APPLICABLE/.test(s)) return 'unused';
  return 'ok';
}

function refuse(command: string, line: string, output: string): never {
  throw new DeviceOutputError(command, `cannot read line ${JSON.stringify(line.trim())}`, output);
}

/** Lines between a table's dashed rule and the next blank line (or dashed rule). */
function tableRows(output: string, title: RegExp): string[] {
  const lines = output.split(/\r?\n/);
  const start = lines.findIndex((line) => title.test(line));
  if (start < 0) return [];
  const rule = lines.findIndex((line, i) => i > start && /^\s*-{10,}\s*$/.test(line));
  if (rule < 0) return [];
  const rows: string[] = [];
  for (const line of lines.slice(rule + 1)) {
    if (line.trim() === '' || /^\s*-{10,}\s*$/.test(line)) break;
    rows.push(line);
  }
  return rows;
}

const SMART_ROW = /^\s*(.*?)\s*\(([^)]*)\)\s+(\d+)\s+([A-Za-z].*?)\s*$/;

/** Rows of the `License Usage:` table: `network-advantage  (C9300-48 Network Advan...)  1 IN USE`. */
function parseSmartTable(output: string): LicenseEntry[] {
  const entries: LicenseEntry[] = [];
  for (const line of tableRows(output, /^\s*License\s+Entitlement tag\s+Count\s+Status\s*$/i)) {
    const m = SMART_ROW.exec(line);
    if (!m) refuse('show license summary', line, output);
    const [, name = '', tag = '', count = '0', status = ''] = m;
    const health = Number(count) === 0 ? 'unused' : smartStatusHealth(status);
    entries.push({ name: name || tag, status, health });
  }
  entries.push(...parseSmartBlocks(output), ...authorization(output));
  return entries;
}

/** Pre-17.3 smart licensing: `License Authorization:` / `Status: EVAL MODE` applies to all rows. */
function authorization(output: string): LicenseEntry[] {
  const auth = /License Authorization:\s*\r?\n\s*Status:\s*(.+?)\s*$/m.exec(output)?.[1];
  return auth ? [{ name: 'license authorization', status: auth, health: smartStatusHealth(auth) }] : [];
}

const SMART_BLOCK = /^\s*([^\s(]*)\s*\(([^)]*)\):\s*$/;

/**
 * Smart licensing's `show license usage` blocks (NX-OS 10, IOS-XE 17): a `name (tag):` line, then
 * `Count: 1` and `Status: IN USE` among its attributes.
 */
function parseSmartBlocks(output: string): LicenseEntry[] {
  const entries: LicenseEntry[] = [];
  const lines = output.split(/\r?\n/);
  for (let i = 0; i < lines.length; i += 1) {
    const head = SMART_BLOCK.exec(lines[i] ?? '');
    if (!head) continue;
    const name = head[1] || head[2] || '';
    let count: string | undefined;
    let status: string | undefined;
    for (let j = i + 1; j < lines.length && !SMART_BLOCK.test(lines[j] ?? '') && (lines[j] ?? '').trim() !== ''; j += 1) {
      count ??= /^\s*Count:\s*(\d+)\s*$/.exec(lines[j] ?? '')?.[1];
      status ??= /^\s*Status:\s*(.+?)\s*$/.exec(lines[j] ?? '')?.[1];
    }
    // A license block without its status: refused, naming the block.
    if (status === undefined) refuse('show license usage', lines[i] ?? '', output);
    entries.push({ name, status, health: count === '0' ? 'unused' : smartStatusHealth(status) });
  }
  return entries;
}

/** Classic IOS `show license`: `Index 1 Feature: ipbasek9` blocks. */
function parseClassicBlocks(output: string): LicenseEntry[] {
  const entries: LicenseEntry[] = [];
  for (const block of output.split(/^(?=Index \d+ Feature:)/m)) {
    const feature = /^Index \d+ Feature:\s*(\S+)/.exec(block)?.[1];
    if (!feature) continue;
    const state = /License State:\s*(.+?)\s*$/m.exec(block)?.[1] ?? '';
    const type = /License Type:\s*(.+?)\s*$/m.exec(block)?.[1] ?? '';
    const period = /Period left:\s*(.+?)\s*$/m.exec(block)?.[1] ?? '';
    const inUse = /(^|,\s*)In Use\b/i.test(state);
    const expired = /expired/i.test(`${period} ${state}`);
    const health: LicenseHealth = !inUse ? 'unused' : expired ? 'bad' : /eval/i.test(type) ? 'eval' : 'ok';
    entries.push({ name: feature, status: state, health, detail: [type, period && `period left ${period}`].filter(Boolean).join(', ') });
  }
  return entries;
}

/** NX-OS `show license usage` (traditional licensing): `LAN_ENTERPRISE_SERVICES_PKG  Yes  -  In use Never  -`. */
function parseNxosUsage(output: string): LicenseEntry[] {
  const entries: LicenseEntry[] = [];
  for (const line of tableRows(output, /^\s*Feature\s+Ins\s+Lic\s+Status/)) {
    const m = /^(\S+)\s+(Yes|No)\s+(\S+)\s+(In use|Unused)\s*(.*?)\s*$/i.exec(line);
    if (!m) refuse('show license usage', line, output);
    const [, feature = '', installed = '', , status = '', rest = ''] = m;
    if (!/in use/i.test(status)) {
      entries.push({ name: feature, status, health: 'unused' });
      continue;
    }
    const grace = /Grace\s+(.+)$/i.exec(rest)?.[1];
    const health: LicenseHealth = installed.toLowerCase() === 'yes' ? 'ok' : /expired/i.test(rest) ? 'bad' : grace ? 'eval' : 'bad';
    entries.push({ name: feature, status, health, detail: grace ? `grace period, ${grace} left` : installed === 'No' ? 'no license installed' : '' });
  }
  return entries;
}

/** Throws DeviceOutputError naming a table row or license block it cannot read. */
export function parseLicenses(output: string): LicenseEntry[] {
  if (/^Index \d+ Feature:/m.test(output)) return parseClassicBlocks(output);
  const nxos = parseNxosUsage(output);
  return nxos.length > 0 ? nxos : parseSmartTable(output);
}

const describe = (e: LicenseEntry): string => `${e.name} (${[e.status, e.detail].filter(Boolean).join('; ')})`;

export function checkLicense(family: OsFamily, licenses: CommandOutput): PrecheckResult {
  const parts = [licenses];
  const rejected = rejectedCommand('license', parts);
  if (rejected) return rejected;
  let entries: LicenseEntry[];
  try {
    entries = parseLicenses(licenses.output);
  } catch (error) {
    if (!(error instanceof DeviceOutputError)) throw error;
    return result('license', 'fail', `cannot read the "${licenses.command}" output: ${error.message}`, parts);
  }
  const bad = entries.filter((e) => e.health === 'bad');
  const evals = entries.filter((e) => e.health === 'eval');
  const ok = entries.filter((e) => e.health === 'ok');
  if (bad.length > 0) {
    return result(
      'license',
      'fail',
      `license not authorized: ${bad.map(describe).join(', ')}; after the reload the device may lose the features it runs`,
      parts,
    );
  }
  if (evals.length > 0) {
    return result('license', 'warn', `running on evaluation or grace licenses: ${evals.map(describe).join(', ')}`, parts);
  }
  if (ok.length > 0) return result('license', 'pass', `licenses in use: ${[...new Set(ok.map((e) => e.name))].join(', ')}`, parts);
  if (family === 'nx-os') return result('license', 'pass', 'no licensed feature in use (NX-OS base features need no license)', parts);
  if (family === 'ios' && entries.length > 0) {
    return result('license', 'fail', `no feature license in use: ${entries.map(describe).join(', ')}`, parts);
  }
  return result('license', 'warn', `no license in use found in the "${licenses.command}" output`, parts);
}
