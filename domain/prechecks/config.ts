// Prechecks on the device's configuration: configuration register, RSA key, TLS, ip domain name,
// saved startup configuration.
import { notApplicable, outputLines, rejectedCommand, result, type CommandOutput, type OsFamily, type PrecheckResult } from './types.ts';

/** Bit 6: ignore the startup configuration (password recovery). */
export const CONFREG_IGNORE_CONFIG = 0x40;
/** Bits 0-3: boot field; 0 stays in ROMMON. */
export const CONFREG_BOOT_FIELD = 0x0f;
export const CONFREG_GOOD: readonly string[] = ['0x2102', '0x102'];

export interface ConfigRegister {
  current?: string;
  /** `(will be 0x2102 at next reload)`: what the upgrade's reload will use. */
  next?: string;
}

export function readConfigRegister(showVersion: string): ConfigRegister {
  const m = /Configuration register is\s+(0x[0-9A-Fa-f]+)(?:\s*\(will be\s+(0x[0-9A-Fa-f]+)\s+at next reload\))?/.exec(showVersion);
  const reg: ConfigRegister = {};
  if (m?.[1]) reg.current = m[1];
  if (m?.[2]) reg.next = m[2];
  return reg;
}

export function checkConfigRegister(family: OsFamily, showVersion?: CommandOutput): PrecheckResult {
  if (family === 'nx-os' || !showVersion) return notApplicable('config-register', 'NX-OS has no configuration register');
  const parts = [showVersion];
  const rejected = rejectedCommand('config-register', parts);
  if (rejected) return rejected;
  const reg = readConfigRegister(showVersion.output);
  const value = reg.next ?? reg.current;
  if (!value) return result('config-register', 'warn', `"${showVersion.command}" shows no configuration register`, parts);
  const label = reg.next && reg.next !== reg.current ? `${reg.current ?? '?'}, ${reg.next} at next reload` : value;
  const bits = Number.parseInt(value, 16);
  if ((bits & CONFREG_BOOT_FIELD) === 0) {
    return result('config-register', 'fail', `configuration register ${label}: boot field 0, the device would stay in ROMMON after the reload; set 0x2102`, parts);
  }
  if ((bits & CONFREG_IGNORE_CONFIG) !== 0) {
    return result(
      'config-register',
      'fail',
      `configuration register ${label} ignores the startup configuration: the device would come back unconfigured after the reload; set 0x2102`,
      parts,
    );
  }
  if (CONFREG_GOOD.includes(value.toLowerCase())) return result('config-register', 'pass', `configuration register ${label}`, parts);
  return result('config-register', 'warn', `unusual configuration register ${label} (expected 0x2102 or 0x102)`, parts);
}

export interface RsaKey {
  name: string;
  usage?: string;
}

/** Key pairs in `show crypto key mypubkey rsa` ([] when the device printed nothing). */
export function parseRsaKeys(output: string): RsaKey[] {
  const keys: RsaKey[] = [];
  for (const block of output.split(/^(?=Key name:)/m)) {
    const name = /^Key name:\s*(\S+)/.exec(block)?.[1];
    if (!name || !/Key type:\s*RSA/i.test(block)) continue;
    const usage = /Usage:\s*(.+?)\s*$/m.exec(block)?.[1];
    keys.push(usage ? { name, usage } : { name });
  }
  return keys;
}

export function checkRsaKey(keys: CommandOutput): PrecheckResult {
  const parts = [keys];
  const rejected = rejectedCommand('crypto-rsa-key', parts);
  if (rejected) return rejected;
  const found = parseRsaKeys(keys.output);
  if (found.length === 0) {
    return result(
      'crypto-rsa-key',
      'fail',
      'no RSA key pair: SCP and HTTPS from the device need one (crypto key generate rsa modulus 2048)',
      parts,
    );
  }
  return result('crypto-rsa-key', 'pass', `RSA key pair${found.length === 1 ? '' : 's'}: ${found.map((k) => k.name).join(', ')}`, parts);
}

export interface HttpSecureStatus {
  enabled?: boolean;
  /** e.g. ['TLSv1.3', 'TLSv1.2']; undefined when the device prints no TLS version line. */
  tlsVersions?: string[];
  ciphersuites: string[];
}

export function parseHttpSecureStatus(output: string): HttpSecureStatus {
  const status: HttpSecureStatus = { ciphersuites: [] };
  const enabled = /HTTP secure server status:\s*(\S+)/i.exec(output)?.[1];
  if (enabled) status.enabled = /^enabled$/i.test(enabled);
  const tls = /HTTP secure server TLS version:\s*(.*)$/im.exec(output)?.[1];
  if (tls !== undefined) status.tlsVersions = tls.split(/\s+/).filter(Boolean);
  // The cipher list wraps onto indented continuation lines.
  const ciphers = /HTTP secure server ciphersuite:\s*(.*(?:\r?\n[ \t]+\S.*)*)/i.exec(output)?.[1];
  if (ciphers) status.ciphersuites = ciphers.split(/\s+/).filter(Boolean);
  return status;
}

/** Cipher suites that exist only from TLS 1.2 on (SHA-2 MACs, GCM, TLS 1.3 suites). */
const TLS12_CIPHER = /sha2|sha256|sha384|gcm|tls13/i;

export function checkTls12(family: OsFamily, status?: CommandOutput): PrecheckResult {
  if (family === 'nx-os' || !status) {
    return notApplicable('tls-1.2', 'NX-OS has no `show ip http server secure status`; its copy client speaks TLS 1.2');
  }
  const parts = [status];
  const rejected = rejectedCommand('tls-1.2', parts);
  if (rejected) return rejected;
  const s = parseHttpSecureStatus(status.output);
  if (s.tlsVersions) {
    const offered = s.tlsVersions.join(' ') || 'none';
    if (s.tlsVersions.some((v) => /^TLSv?1\.2$/i.test(v))) return result('tls-1.2', 'pass', `TLS versions offered: ${offered}`, parts);
    return result('tls-1.2', 'fail', `TLS 1.2 not offered (only ${offered}): netswim's image service refuses older TLS`, parts);
  }
  if (s.ciphersuites.some((c) => TLS12_CIPHER.test(c))) {
    return result('tls-1.2', 'warn', 'no TLS version line; the cipher suites include TLS 1.2 ones, so TLS 1.2 is likely offered', parts);
  }
  return result(
    'tls-1.2',
    'fail',
    s.ciphersuites.length > 0
      ? `no TLS 1.2 cipher suite offered (${s.ciphersuites.join(' ')})`
      : `cannot read the TLS versions in the "${status.command}" output`,
    parts,
  );
}

/** `ip domain name x`, `ip domain-name x`, `ip domain name vrf Mgmt-vrf x`, NX-OS `ip domain-name x use-vrf management`. */
export function parseDomainName(output: string): string | undefined {
  return /^\s*ip domain[ -]name\s+(?:vrf\s+\S+\s+)?(\S+)/m.exec(output)?.[1];
}

export function checkDomainName(config: CommandOutput): PrecheckResult {
  const parts = [config];
  const rejected = rejectedCommand('ip-domain-name', parts);
  if (rejected) return rejected;
  const domain = parseDomainName(config.output);
  return domain
    ? result('ip-domain-name', 'pass', `ip domain name ${domain}`, parts)
    : result('ip-domain-name', 'fail', 'no ip domain name configured: RSA keys (hence SSH, SCP and HTTPS) need one', parts);
}

export function checkStartupConfig(startup: CommandOutput): PrecheckResult {
  const parts = [startup];
  const text = startup.output;
  const head = outputLines(text).filter((l) => l.trim() !== '').slice(0, 3).join('\n');
  if (/startup-config is not present|configuration memory is not present|no startup-config/i.test(head)) {
    return result('startup-config', 'fail', 'no startup configuration saved: after the reload the device would come back empty', parts);
  }
  const rejected = rejectedCommand('startup-config', parts);
  if (rejected) return rejected;
  const body = outputLines(text).filter((l) => {
    const t = l.trim();
    return t !== '' && !t.startsWith('!') && !/^Using \d+ out of \d+ bytes/.test(t) && t !== 'end';
  });
  if (body.length === 0) {
    return result('startup-config', 'fail', 'the startup configuration is empty: after the reload the device would come back unconfigured', parts);
  }
  return result('startup-config', 'pass', `startup configuration saved (${body.length} lines)`, parts);
}
