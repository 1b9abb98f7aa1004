// License / service entitlement precheck: a device whose licenses are not authorized can come
// back from the reload at a lower feature level (configuration lines rejected, features off).
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
  if (/NOT IN USE|UNUSED/.test(s)) return 'unused';
  return 'ok';
}

/** Rows of the `License Usage:` table: `network-advantage  (C9300-48 Network Advan...)  1 IN USE`. */
function parseSmartTable(output: string): LicenseEntry[] {
  const entries: LicenseEntry[] = [];
  for (const line of output.split(/\r?\n/)) {
    const m = /^\s*(.*?)\s*\(([^)]*)\)\s+(\d+)\s+([A-Za-z].*?)\s*$/.exec(line);
    if (!m) continue;
    const [, name = '', tag = '', count = '0', status = ''] = m;
    const health = Number(count) === 0 ? 'unused' : smartStatusHealth(status);
    entries.push({ name: name || tag, status, health });
  }
  // Pre-17.3 smart licensing: `License Authorization:` / `Status: EVAL MODE` applies to all rows.
  const auth = /License Authorization:\s*\r?\n\s*Status:\s*(.+?)\s*$/m.exec(output)?.[1];
  if (auth) entries.push({ name: 'license authorization', status: auth, health: smartStatusHealth(auth) });
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
  for (const line of output.split(/\r?\n/)) {
    const m = /^(\S+)\s+(Yes|No)\s+(\S+)\s+(In use|Unused)\s*(.*?)\s*$/i.exec(line);
    if (!m) continue;
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
  const entries = parseLicenses(licenses.output);
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
