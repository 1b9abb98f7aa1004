// Readiness prechecks against the lab's output (healthy and faulted) and real device captures.
import { supportsAutoCleanup } from '../domain/flash-cleanup.ts';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  CLOCK_SKEW_FAIL_SECONDS,
  CLOCK_SKEW_WARN_SECONDS,
  OS_FAMILIES,
  PRECHECK_CATALOGUE,
  PRECHECK_NAMES,
  applyPrecheckOptions,
  checkConfigRegister,
  checkDomainName,
  checkFileTransfer,
  checkFlashRoom,
  checkLicense,
  checkNfvisFlash,
  checkNtpClock,
  checkRsaKey,
  checkStartupConfig,
  checkTls12,
  customChecksFor,
  formatBytes,
  parseHttpSecureStatus,
  parseLicenses,
  parseNtpStatus,
  parseRsaKeys,
  parseShowClock,
  planPrechecks,
  precheckCommands,
  readConfigRegister,
  refuseCommand,
  summarizePrechecks,
  validateCustomCheck,
  type CustomCheck,
  type PrecheckResult,
} from '../domain/prechecks.ts';
import { parseDirFlash } from '../domain/parsers/dir-flash.ts';
import { DeviceOutputError } from '../domain/parsers/parse-error.ts';
import { showClock, showRunningConfig, showStartupConfig, showVersion, dirFlash, type ConfigContext } from '../lab/formats.ts';
import {
  classicShowVersion,
  clockLine,
  cryptoKeys,
  httpSecureStatus,
  licenseSummary,
  nxosDir,
  nxosShowVersion,
  ntpStatus,
  type PlatformContext,
} from '../lab/formats-platforms.ts';
import { identityOf } from '../lab/platform.ts';
import { profileOf } from '../lab/platforms.ts';
import { initialState } from '../lab/state.ts';
import type { LabPlatform } from '../lab/types.ts';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const text = (lines: string[]): string => lines.join('\n');
const NOW = new Date('2026-11-21T10:15:02.123Z');
const at = (seconds: number): Date => new Date(NOW.getTime() + seconds * 1000);

function labState(platform: LabPlatform, hostname = 'lab-sw-001') {
  return initialState({ hostname, address: '127.20.0.1', port: 0, platform, username: 'netswim', password: 'x' }, NOW);
}

function platformContext(platform: LabPlatform, configRegister: string, nextConfigRegister?: string): PlatformContext {
  const profile = profileOf(platform);
  const state = labState(platform);
  return {
    profile,
    state,
    version: profile.versionOfImage(state.runningImage) ?? '',
    flashSizeBytes: profile.flashSizeBytes,
    configRegister,
    nextConfigRegister,
    now: NOW,
  };
}

function iosxeShowVersion(configRegister: string, nextConfigRegister?: string): string {
  return text(showVersion({ state: labState('cat9300'), flashSizeBytes: 11_353_194_496, configRegister, nextConfigRegister, now: NOW }));
}

const configContext = (domainName?: string): ConfigContext => ({
  hostname: 'lab-sw-001',
  version: '17.06.05',
  bootVariables: ['flash:cat9k_iosxe.17.06.05.SPA.bin'],
  configRegister: '0x102',
  username: 'netswim',
  address: '127.20.0.1',
  ...(domainName === undefined ? {} : { domainName }),
});

// The clock and licence checks read Cisco output; EOS's driver marks them not applicable (drivers/eos.ts).
const CISCO_FAMILIES = ['ios-xe', 'ios', 'nx-os'] as const;
type CiscoFamily = (typeof CISCO_FAMILIES)[number];

/** What `show running-config | include ip domain` prints. */
const includeIpDomain = (config: string[]): string => text(config.filter((l) => l.includes('ip domain')));

const ntpCheck = (family: CiscoFamily, skewSeconds: number) =>
  checkNtpClock({
    clock: { command: 'show clock', output: text(family === 'nx-os' ? clockLine(at(skewSeconds), true) : showClock(at(skewSeconds))) },
    ntp: { command: 'show ntp status', output: text(ntpStatus(family, skewSeconds, at(skewSeconds))) },
    netswimTime: NOW,
  });

describe('precheck catalogue, options and summary', () => {
  it('names a command list for every check and OS family', () => {
    for (const name of PRECHECK_NAMES) {
      assert.equal(PRECHECK_CATALOGUE[name].name, name);
      for (const family of OS_FAMILIES) assert.ok(Array.isArray(precheckCommands(name, family)));
    }
    assert.deepEqual(precheckCommands('license', 'ios-xe'), ['show license summary']);
    assert.deepEqual(precheckCommands('license', 'ios'), ['show license']);
    assert.deepEqual(precheckCommands('license', 'nx-os'), ['show license usage']);
    assert.deepEqual(precheckCommands('ntp-clock', 'nx-os'), ['show clock', 'show ntp status']);
    assert.deepEqual(precheckCommands('flash-space', 'nx-os'), ['dir bootflash:']);
    assert.deepEqual(precheckCommands('config-register', 'nx-os'), []);
  });

  it('plans disabled checks without commands and reports them as skipped', () => {
    const plan = planPrechecks('ios-xe', { disabledChecks: ['license', 'ntp-clock'] });
    assert.equal(plan.length, PRECHECK_NAMES.length);
    assert.deepEqual(plan.find((p) => p.name === 'license'), { name: 'license', enabled: false, commands: [] });
    assert.deepEqual(plan.find((p) => p.name === 'crypto-rsa-key')?.commands, ['show crypto key mypubkey rsa']);
    const results = applyPrecheckOptions(
      [checkRsaKey({ command: 'show crypto key mypubkey rsa', output: '' }), checkLicense('ios-xe', { command: 'show license summary', output: '' })],
      { disabledChecks: ['crypto-rsa-key'] },
    );
    assert.equal(results[0]?.status, 'skipped');
    assert.match(results[0]?.reason ?? '', /disabledChecks/);
    assert.equal(results[1]?.name, 'license');
  });

  it('stops the device on any fail and lets warnings through', () => {
    const pass: PrecheckResult = { name: 'startup-config', status: 'pass', reason: 'ok', commands: [], output: '' };
    const warn: PrecheckResult = { name: 'ntp-clock', status: 'warn', reason: 'NTP unsynchronized', commands: [], output: '' };
    const fail: PrecheckResult = { name: 'crypto-rsa-key', status: 'fail', reason: 'no RSA key pair', commands: [], output: '' };
    const skipped: PrecheckResult = { name: 'license', status: 'skipped', reason: 'off', commands: [], output: '' };

    const ready = summarizePrechecks([pass, warn, skipped]);
    assert.equal(ready.proceed, true);
    assert.deepEqual(ready.counts, { pass: 1, warn: 1, fail: 0, skipped: 1 });
    assert.equal(ready.message, 'ready: 1 of 3 checks passed (1 warning: ntp-clock; skipped: license)');

    const stopped = summarizePrechecks([pass, warn, fail]);
    assert.equal(stopped.proceed, false);
    assert.deepEqual(stopped.failed, ['crypto-rsa-key']);
    assert.deepEqual(stopped.warned, ['ntp-clock']);
    assert.equal(stopped.message, 'stopped before any change: crypto-rsa-key (no RSA key pair)');
    assert.equal(summarizePrechecks([]).proceed, true);
  });

  it('prints sizes in binary units', () => {
    assert.equal(formatBytes(512), '512 bytes');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(485_376_536), '462.9 MiB');
    assert.equal(formatBytes(8_015_745_024), '7.5 GiB');
  });
});

describe('ntp-clock', () => {
  it('reads real IOS and NX-OS show clock captures', () => {
    const star = parseShowClock(fixture('prechecks/ios-show-clock.txt'));
    assert.equal(star?.time?.toISOString(), '2015-10-19T18:57:38.347Z');
    assert.equal(star?.flag, '*');
    assert.equal(parseShowClock(fixture('prechecks/ios-show-clock-dot.txt'))?.flag, '.');
    const nxos = parseShowClock(fixture('prechecks/nxos-show-clock.txt'));
    assert.equal(nxos?.time?.toISOString(), '2015-10-19T18:57:38.347Z');
    assert.equal(nxos?.flag, '');
  });

  it('reads the lab show clock of each family, with the NX-OS time source', () => {
    assert.equal(parseShowClock(text(showClock(NOW)))?.time?.toISOString(), NOW.toISOString());
    const nxos = parseShowClock(text(clockLine(NOW, true)));
    assert.equal(nxos?.time?.toISOString(), NOW.toISOString());
    assert.equal(nxos?.timeSource, 'NTP');
  });

  it('converts named time zones and takes an offset for unknown ones', () => {
    assert.equal(parseShowClock('*10:15:02.123 PDT Sat Nov 21 2026')?.time?.toISOString(), '2026-11-21T17:15:02.123Z');
    assert.equal(parseShowClock('10:15:02.123 CET Sat Nov 21 2026')?.time?.toISOString(), '2026-11-21T09:15:02.123Z');
    assert.equal(parseShowClock('10:15:02.123 XYZ Sat Nov 21 2026')?.time, undefined);
    assert.equal(parseShowClock('10:15:02.123 XYZ Sat Nov 21 2026', 90)?.time?.toISOString(), '2026-11-21T08:45:02.123Z');
    assert.equal(parseShowClock('no clock here'), undefined);
  });

  it('reads a real IOS-XE show ntp status and the lab ones', () => {
    assert.deepEqual(parseNtpStatus(fixture('prechecks/iosxe-show-ntp-status.txt')), {
      synchronized: true,
      stratum: 1,
      reference: '.LOCL.',
      offsetMs: 0,
    });
    assert.equal(parseNtpStatus(text(ntpStatus('ios-xe', 120, NOW))).synchronized, false);
    assert.equal(parseNtpStatus(text(ntpStatus('nx-os', 0, NOW))).synchronized, true);
    assert.equal(parseNtpStatus(text(ntpStatus('nx-os', 120, NOW))).synchronized, false);
    assert.equal(parseNtpStatus('Distribution : Disabled\nLast operational state: No session').synchronized, undefined);
  });

  it('refuses a "Clock is" line it cannot read, and the check fails naming it', () => {
    const odd = 'Clock is in an unknown state, stratum 16';
    assert.throws(() => parseNtpStatus(odd), (e: unknown) => e instanceof DeviceOutputError && e.message.includes(JSON.stringify(odd)));
    const check = checkNtpClock({ clock: { command: 'show clock', output: '10:00:00.000 UTC Mon Oct 19 2015' }, ntp: { command: 'show ntp status', output: odd }, netswimTime: new Date('2015-10-19T10:00:00Z') });
    assert.equal(check.status, 'fail');
    assert.match(check.reason, /cannot read line "Clock is in an unknown state/);
  });

  it('passes a healthy lab device of every family', () => {
    for (const family of CISCO_FAMILIES) {
      const r = ntpCheck(family, 0);
      assert.equal(r.status, 'pass', `${family}: ${r.reason}`);
      assert.deepEqual(r.commands, ['show clock', 'show ntp status']);
      assert.match(r.output, /^> show clock\n/);
      assert.match(r.reason, /NTP synchronized to 10\.0\.0\.1 \(stratum 3\)/);
    }
  });

  it('warns on a small skew and fails a large one (lab clockSkewSeconds fault)', () => {
    const small = ntpCheck('ios-xe', 30);
    assert.equal(small.status, 'warn');
    assert.match(small.reason, /device clock 30 s ahead of netswim; NTP unsynchronized/);
    const behind = ntpCheck('nx-os', -30);
    assert.equal(behind.status, 'warn');
    assert.match(behind.reason, /30 s behind netswim/);
    const large = ntpCheck('ios', 3600);
    assert.equal(large.status, 'fail');
    assert.match(large.reason, /3600 s ahead of netswim \(more than 300 s/);
  });

  it('applies the thresholds at their edges', () => {
    const check = (skew: number, ntp = 'Clock is synchronized, stratum 2, reference is 10.1.1.1') =>
      checkNtpClock({
        clock: { command: 'show clock', output: text(showClock(at(skew))) },
        ntp: { command: 'show ntp status', output: ntp },
        netswimTime: NOW,
      }).status;
    assert.equal(check(CLOCK_SKEW_WARN_SECONDS), 'pass');
    assert.equal(check(CLOCK_SKEW_WARN_SECONDS + 0.5), 'warn');
    assert.equal(check(CLOCK_SKEW_FAIL_SECONDS), 'warn');
    assert.equal(check(-CLOCK_SKEW_FAIL_SECONDS - 1), 'fail');
    assert.equal(check(0, 'Clock is unsynchronized, stratum 16, no reference clock'), 'warn');
  });

  it('judges real captures: synchronized IOS-XE passes, a clock that lost NTP warns', () => {
    const netswimTime = new Date('2015-10-19T18:57:39.100Z');
    const synced = checkNtpClock({
      clock: { command: 'show clock', output: fixture('prechecks/ios-show-clock.txt') },
      ntp: { command: 'show ntp status', output: fixture('prechecks/iosxe-show-ntp-status.txt') },
      netswimTime,
    });
    assert.equal(synced.status, 'pass');
    assert.equal(synced.reason, 'device clock 0.8 s behind netswim; NTP synchronized to .LOCL. (stratum 1)');
    const lost = checkNtpClock({ clock: { command: 'show clock', output: fixture('prechecks/ios-show-clock-dot.txt') }, netswimTime });
    assert.equal(lost.status, 'warn');
    assert.match(lost.reason, /NTP lost synchronization/);
    const nxos = checkNtpClock({ clock: { command: 'show clock', output: fixture('prechecks/nxos-show-clock.txt') }, netswimTime });
    assert.equal(nxos.status, 'pass');
  });

  it('fails unreadable or rejected output, warns on an unknown zone', () => {
    const garbage = checkNtpClock({ clock: { command: 'show clock', output: 'what' }, netswimTime: NOW });
    assert.equal(garbage.status, 'fail');
    assert.match(garbage.reason, /cannot read the time/);
    const rejected = checkNtpClock({
      clock: { command: 'show clock', output: text(showClock(NOW)) },
      ntp: { command: 'show ntp status', output: "% Invalid input detected at '^' marker." },
      netswimTime: NOW,
    });
    assert.equal(rejected.status, 'fail');
    assert.match(rejected.reason, /rejected "show ntp status": % Invalid input/);
    const zone = checkNtpClock({ clock: { command: 'show clock', output: '10:15:02.123 XYZ Sat Nov 21 2026' }, netswimTime: NOW });
    assert.equal(zone.status, 'warn');
    assert.match(zone.reason, /time zone "XYZ"/);
  });
});

describe('file-transfer', () => {
  const https = (output: string) => ({ command: 'copy https://10.0.0.5:8081/probe/netswim-probe.bin null:', output });
  const scp = (output: string) => ({ command: 'copy scp://netswim@10.0.0.5/probe/netswim-probe.bin null:', output });

  it('passes when HTTPS works', () => {
    const r = checkFileTransfer({ https: https('1024 bytes copied in 0.104 secs (9846 bytes/sec)') });
    assert.equal(r.status, 'pass');
    assert.deepEqual(r.commands, [https('').command]);
    assert.equal(checkFileTransfer({ https: https('Copy complete.') }).status, 'pass');
  });

  it('warns when only SCP works, naming the HTTPS error line', () => {
    const r = checkFileTransfer({
      https: https('Accessing https://10.0.0.5:8081/probe/netswim-probe.bin...\n%Error opening https://10.0.0.5:8081/probe/netswim-probe.bin (I/O error)'),
      scp: scp('1024 bytes copied in 0.5 secs'),
    });
    assert.equal(r.status, 'warn');
    assert.match(r.reason, /HTTPS to netswim's image service failed \(%Error opening https:\/\/10\.0\.0\.5:8081\/probe\/netswim-probe\.bin \(I\/O error\)\); SCP works/);
    assert.equal(r.commands.length, 2);
  });

  it('fails when neither works and names both errors', () => {
    const r = checkFileTransfer({
      https: https('%Error opening https://10.0.0.5:8081/probe (No such file or directory)'),
      scp: scp('%Error opening scp://netswim@10.0.0.5/probe (Connection refused by remote host)'),
    });
    assert.equal(r.status, 'fail');
    assert.match(r.reason, /HTTPS: %Error opening .*No such file.*; SCP: %Error opening .*Connection refused/);
    assert.match(checkFileTransfer({ https: https('') }).reason, /HTTPS: no output; SCP: not tried/);
  });

  it('takes the activity’s verdict when it gives one', () => {
    assert.equal(checkFileTransfer({ https: { ...https('whatever'), ok: true } }).status, 'pass');
    assert.equal(checkFileTransfer({ https: { ...https('1 bytes copied'), ok: false }, scp: { ...scp(''), ok: true } }).status, 'warn');
  });
});

describe('flash-space', () => {
  const image = 485_376_536;

  it('passes when the image fits in the lab flash', () => {
    const output = text(dirFlash(labState('cat9300').flash, 11_353_194_496, 8_015_745_024));
    const listing = parseDirFlash(output);
    const r = checkFlashRoom({
      dir: { command: 'dir flash:', output },
      filesystem: listing.filesystem,
      freeBytes: listing.freeBytes,
      imageBytes: image,
      autoCleanup: supportsAutoCleanup('ios-xe'),
      reclaimableBytes: 0,
    });
    assert.equal(r.status, 'pass');
    assert.equal(r.reason, '462.9 MiB needed, 7.5 GiB free on flash:');
    assert.deepEqual(r.commands, ['dir flash:']);
  });

  it('warns when auto cleanup can make room and fails when it cannot (lab flashFull fault)', () => {
    const output = text(dirFlash(labState('cat9300').flash, 11_353_194_496, 0));
    const base = { dir: { command: 'dir flash:', output }, filesystem: 'flash', freeBytes: parseDirFlash(output).freeBytes, imageBytes: image, autoCleanup: true };
    const warn = checkFlashRoom({ ...base, reclaimableBytes: 600 * 1024 * 1024 });
    assert.equal(warn.status, 'warn');
    assert.match(warn.reason, /short by 462\.9 MiB\); auto cleanup will make room by freeing up to 600\.0 MiB/);
    const fail = checkFlashRoom({ ...base, reclaimableBytes: 100 * 1024 * 1024 });
    assert.equal(fail.status, 'fail');
    assert.match(fail.reason, /auto cleanup could free only 100\.0 MiB, still 362\.9 MiB short/);
    assert.equal(checkFlashRoom({ ...base, reclaimableBytes: 0, alreadyPresent: true }).status, 'pass');
  });

  it('fails without auto cleanup on NX-OS and wireless controllers', () => {
    assert.equal(supportsAutoCleanup('nx-os'), false);
    assert.equal(supportsAutoCleanup('ios-xe', { wirelessController: true }), false);
    assert.equal(supportsAutoCleanup('ios'), true);
    const output = text(nxosDir(labState('n9k').flash, 53_586_325_504, 1_000_000_000));
    const r = checkFlashRoom({
      dir: { command: 'dir bootflash:', output },
      filesystem: 'bootflash',
      freeBytes: parseDirFlash(output).freeBytes,
      imageBytes: 1_978_203_648,
      autoCleanup: supportsAutoCleanup('nx-os'),
      reclaimableBytes: 5_000_000_000,
      platformLabel: 'NX-OS',
    });
    assert.equal(r.status, 'fail');
    assert.match(r.reason, /not enough space on bootflash: — 1\.8 GiB needed, 953\.7 MiB free .*NX-OS has no auto cleanup/);
  });

  it('treats NFVIS flash as not applicable elsewhere', () => {
    const na = checkNfvisFlash({ nfvis: false });
    assert.equal(na.status, 'pass');
    assert.match(na.reason, /^not applicable/);
    assert.equal(checkNfvisFlash({ nfvis: true, freeBytes: 10, imageBytes: 5 }).status, 'pass');
    assert.equal(checkNfvisFlash({ nfvis: true, freeBytes: 1, imageBytes: 5 }).status, 'fail');
    assert.equal(checkNfvisFlash({ nfvis: true }).status, 'fail');
  });
});

describe('config-register', () => {
  const sv = (output: string) => ({ command: 'show version', output });

  it('passes 0x2102 and 0x102 on lab IOS-XE, lab classic IOS and a real capture', () => {
    assert.equal(checkConfigRegister('ios-xe', sv(iosxeShowVersion('0x102'))).status, 'pass');
    const classic = checkConfigRegister('ios', sv(text(classicShowVersion(platformContext('isr2900', '0x2102')))));
    assert.equal(classic.status, 'pass');
    assert.equal(classic.reason, 'configuration register 0x2102');
    assert.equal(checkConfigRegister('ios', sv(fixture('show-version/ios-cat4948e-12.2-54-SG1.txt'))).status, 'pass');
  });

  it('fails registers that ignore the startup config or stay in ROMMON (lab configRegister fault)', () => {
    const ignore = checkConfigRegister('ios-xe', sv(iosxeShowVersion('0x2142')));
    assert.equal(ignore.status, 'fail');
    assert.match(ignore.reason, /0x2142 ignores the startup configuration/);
    const rommon = checkConfigRegister('ios', sv(text(classicShowVersion(platformContext('isr2900', '0x2100')))));
    assert.equal(rommon.status, 'fail');
    assert.match(rommon.reason, /ROMMON/);
  });

  it('judges the value the reload will use', () => {
    const output = iosxeShowVersion('0x2102', '0x2142');
    assert.deepEqual(readConfigRegister(output), { current: '0x2102', next: '0x2142' });
    const r = checkConfigRegister('ios-xe', sv(output));
    assert.equal(r.status, 'fail');
    assert.match(r.reason, /0x2102, 0x2142 at next reload/);
    assert.equal(checkConfigRegister('ios-xe', sv(iosxeShowVersion('0x2142', '0x2102'))).status, 'pass');
  });

  it('warns on other values and on a missing register; NX-OS is not applicable', () => {
    assert.equal(checkConfigRegister('ios-xe', sv(iosxeShowVersion('0x2101'))).status, 'warn');
    assert.equal(checkConfigRegister('ios', sv('Cisco IOS Software, Version 15.2(4)M7')).status, 'warn');
    const nxos = checkConfigRegister('nx-os', sv(text(nxosShowVersion(platformContext('n9k', '0x0')))));
    assert.equal(nxos.status, 'pass');
    assert.match(nxos.reason, /^not applicable: NX-OS/);
  });
});

describe('crypto-rsa-key', () => {
  const cmd = 'show crypto key mypubkey rsa';

  it('passes the lab key and a real capture', () => {
    const lab = checkRsaKey({ command: cmd, output: text(cryptoKeys('lab-sw-001', 'lab.netswim.example', 2048, identityOf('lab-sw-001'))) });
    assert.equal(lab.status, 'pass');
    assert.equal(lab.reason, 'RSA key pair: lab-sw-001.lab.netswim.example');
    const real = fixture('prechecks/iosxe-show-crypto-key-mypubkey-rsa.txt');
    assert.deepEqual(
      parseRsaKeys(real).map((k) => k.name),
      ['TP-self-signed-1331515841', 'TP-self-signed-1331515841.server', 'responder'],
    );
    assert.equal(checkRsaKey({ command: cmd, output: real }).status, 'pass');
  });

  it('fails when the device has no key (lab noRsaKey fault)', () => {
    const r = checkRsaKey({ command: cmd, output: text(cryptoKeys('lab-sw-001', 'lab.netswim.example', 0, identityOf('lab-sw-001'))) });
    assert.equal(r.status, 'fail');
    assert.match(r.reason, /no RSA key pair: SCP and HTTPS from the device need one/);
  });
});

describe('tls-1.2', () => {
  const cmd = 'show ip http server secure status';

  it('passes the lab and a real IOS-XE capture', () => {
    assert.equal(checkTls12('ios-xe', { command: cmd, output: text(httpSecureStatus(false)) }).status, 'pass');
    const real = fixture('prechecks/iosxe-show-ip-http-server-secure-status.txt');
    assert.deepEqual(parseHttpSecureStatus(real).tlsVersions, ['TLSv1.3', 'TLSv1.2']);
    assert.ok(parseHttpSecureStatus(real).ciphersuites.includes('tls13-chacha20-poly1305-sha256'));
    const r = checkTls12('ios-xe', { command: cmd, output: real });
    assert.equal(r.status, 'pass');
    assert.equal(r.reason, 'TLS versions offered: TLSv1.3 TLSv1.2');
  });

  it('fails TLS 1.0/1.1 only (lab tlsBelow12 fault)', () => {
    const r = checkTls12('ios', { command: cmd, output: text(httpSecureStatus(true)) });
    assert.equal(r.status, 'fail');
    assert.match(r.reason, /TLS 1\.2 not offered \(only TLSv1\.1 TLSv1\.0\)/);
  });

  it('falls back on cipher suites when no TLS version line is printed', () => {
    const old = 'HTTP secure server status: Enabled\nHTTP secure server port: 443\nHTTP secure server ciphersuite: 3des-ede-cbc-sha des-cbc-sha rc4-128-md5 rc4-128-sha';
    assert.equal(checkTls12('ios', { command: cmd, output: old }).status, 'fail');
    const newer = 'HTTP secure server status: Enabled\nHTTP secure server ciphersuite: aes-128-cbc-sha ecdhe-rsa-aes-gcm-128-sha256';
    assert.equal(checkTls12('ios', { command: cmd, output: newer }).status, 'warn');
  });

  it('is not applicable on NX-OS and fails a rejected command', () => {
    assert.match(checkTls12('nx-os').reason, /^not applicable/);
    const r = checkTls12('ios', { command: cmd, output: "        ^\n% Invalid input detected at '^' marker." });
    assert.equal(r.status, 'fail');
    assert.match(r.reason, /rejected "show ip http server secure status"/);
  });
});

describe('ip-domain-name', () => {
  const cmd = 'show running-config | include ip domain';

  it('passes the lab running config and both IOS spellings', () => {
    const r = checkDomainName({ command: cmd, output: includeIpDomain(showRunningConfig(configContext(), NOW)) });
    assert.equal(r.status, 'pass');
    assert.equal(r.reason, 'ip domain name lab.netswim.example');
    assert.equal(checkDomainName({ command: cmd, output: 'ip domain-name example.net' }).reason, 'ip domain name example.net');
    assert.equal(checkDomainName({ command: cmd, output: 'ip domain name vrf Mgmt-vrf corp.example' }).reason, 'ip domain name corp.example');
    assert.equal(checkDomainName({ command: cmd, output: 'ip domain-name corp.example use-vrf management' }).status, 'pass');
  });

  it('fails without one (lab noDomainName fault)', () => {
    const r = checkDomainName({ command: cmd, output: includeIpDomain(showRunningConfig(configContext(''), NOW)) });
    assert.equal(r.status, 'fail');
    assert.match(r.reason, /no ip domain name configured/);
    assert.equal(checkDomainName({ command: cmd, output: 'ip domain lookup source-interface Vlan1' }).status, 'fail');
  });
});

describe('startup-config', () => {
  const cmd = 'show startup-config';

  it('passes the lab startup config', () => {
    const r = checkStartupConfig({ command: cmd, output: text(showStartupConfig(configContext())) });
    assert.equal(r.status, 'pass');
    assert.match(r.reason, /^startup configuration saved \(\d+ lines\)$/);
  });

  it('fails a missing or empty one (lab noStartupConfig fault)', () => {
    const missing = checkStartupConfig({ command: cmd, output: text(showStartupConfig(undefined)) });
    assert.equal(missing.status, 'fail');
    assert.match(missing.reason, /no startup configuration saved/);
    assert.equal(checkStartupConfig({ command: cmd, output: '' }).status, 'fail');
    assert.equal(checkStartupConfig({ command: cmd, output: '!\n!\nend\n' }).status, 'fail');
    assert.equal(checkStartupConfig({ command: cmd, output: '%% Non-volatile configuration memory is not present' }).status, 'fail');
  });
});

describe('license', () => {
  const lab = (family: CiscoFamily, invalid: boolean) =>
    checkLicense(family, { command: precheckCommands('license', family)[0] ?? '', output: text(licenseSummary(family, invalid)) });

  it('passes healthy lab licenses of every family', () => {
    for (const family of CISCO_FAMILIES) assert.equal(lab(family, false).status, 'pass', family);
    assert.equal(lab('ios-xe', false).reason, 'licenses in use: network-advantage, dna-advantage');
    assert.equal(lab('ios', false).reason, 'licenses in use: ipbasek9, securityk9');
    assert.equal(lab('nx-os', false).reason, 'licenses in use: NX-OS Essentials');
  });

  it('fails the lab licenseInvalid fault on every family', () => {
    for (const family of CISCO_FAMILIES) assert.equal(lab(family, true).status, 'fail', family);
    assert.match(lab('ios-xe', true).reason, /network-advantage \(NOT AUTHORIZED\)/);
    assert.doesNotMatch(lab('ios-xe', true).reason, /HSEC/);
    assert.match(lab('ios', true).reason, /no feature license in use: ipbasek9 \(Not in Use, EULA not accepted; EvalRightToUse, period left Expired\)/);
    assert.match(lab('nx-os', true).reason, /NX-OS Essentials \(OUT OF COMPLIANCE\)/);
  });

  it('passes real captures of each family', () => {
    const xe = checkLicense('ios-xe', { command: 'show license summary', output: fixture('prechecks/iosxe-show-license-summary.txt') });
    assert.equal(xe.status, 'pass');
    assert.equal(xe.reason, 'licenses in use: network-advantage, dna-advantage');
    const classic = checkLicense('ios', { command: 'show license', output: fixture('prechecks/ios-show-license.txt') });
    assert.equal(classic.status, 'pass');
    assert.equal(classic.reason, 'licenses in use: appxk9, securityk9, ipbasek9, hseck9');
    const nxos = checkLicense('nx-os', { command: 'show license usage', output: fixture('prechecks/nxos-show-license-usage.txt') });
    assert.equal(nxos.status, 'pass');
    assert.equal(nxos.reason, 'licenses in use: LAN_ENTERPRISE_SERVICES_PKG');
    assert.equal(parseLicenses(fixture('prechecks/nxos-show-license-usage.txt')).length, 11);
  });

  it('refuses a license row it cannot read, and the check fails naming it', () => {
    const garbled = fixture('prechecks/nxos-show-license-usage.txt').replace(
      'LAN_ENTERPRISE_SERVICES_PKG   Yes   -   In use Never       -',
      'LAN_ENTERPRISE_SERVICES_PKG   Yes   -   Expiring soon',
    );
    assert.throws(() => parseLicenses(garbled), (e: unknown) => e instanceof DeviceOutputError && e.message.includes('"LAN_ENTERPRISE_SERVICES_PKG   Yes   -   Expiring soon"'));
    const r = checkLicense('nx-os', { command: 'show license usage', output: garbled });
    assert.equal(r.status, 'fail');
    assert.match(r.reason, /cannot read line "LAN_ENTERPRISE_SERVICES_PKG/);
  });

  it('reads NX-OS 10 smart licensing blocks (ntc-templates cisco_nxos_show_license_usage_ver10)', () => {
    const ver10 = ['License Authorization:', '  Status: Not Applicable', '', '(LAN_ENTERPRISE_SERVICES_PKG):', '  Description: LAN license for Nexus 9300-XF', '  Count: 1', '  Status: IN USE'].join('\n');
    const r = checkLicense('nx-os', { command: 'show license usage', output: ver10 });
    assert.equal(r.status, 'pass');
    assert.equal(r.reason, 'licenses in use: LAN_ENTERPRISE_SERVICES_PKG');
  });

  it('warns on evaluation and grace periods', () => {
    const evalMode = [
      'Smart Licensing is ENABLED',
      '',
      'Registration:',
      '  Status: UNREGISTERED',
      '',
      'License Authorization: ',
      '  Status: EVAL MODE',
      '  Evaluation Period Remaining: 71 days, 22 hours, 1 minutes, 59 seconds',
      '',
      'License Usage:',
      '  License                 Entitlement tag               Count Status',
      '  -----------------------------------------------------------------------------',
      '                          (C9200L-NW-E-48)                  1 EVAL MODE',
    ].join('\n');
    const r = checkLicense('ios-xe', { command: 'show license summary', output: evalMode });
    assert.equal(r.status, 'warn');
    assert.match(r.reason, /C9200L-NW-E-48 \(EVAL MODE\)/);
    const grace = fixture('prechecks/nxos-show-license-usage.txt').replace(
      'MPLS_PKG                      No    -   Unused             Grace 10D 1H',
      'MPLS_PKG                      No    -   In use             Grace 10D 1H',
    );
    const g = checkLicense('nx-os', { command: 'show license usage', output: grace });
    assert.equal(g.status, 'warn');
    assert.match(g.reason, /MPLS_PKG \(In use; grace period, 10D 1H left\)/);
    const expired = fixture('prechecks/ios-show-license.txt').replace('Period left: Life time', 'Period left: Expired');
    assert.equal(checkLicense('ios', { command: 'show license', output: expired }).status, 'fail');
  });

  it('passes NX-OS with no licensed feature in use', () => {
    const none = fixture('prechecks/nxos-show-license-usage.txt').replace(/In use Never/, 'Unused Never');
    assert.match(checkLicense('nx-os', { command: 'show license usage', output: none }).reason, /no licensed feature in use/);
  });
});

describe('custom checks', () => {
  const valid = { name: 'bgp-summary', commands: ['show ip bgp summary', '  show  interfaces status | include connected '], when: 'both', stage: 'activation' };

  it('accepts read-only show commands and normalizes them', () => {
    const v = validateCustomCheck({ ...valid, series: ['cat9300', 'cat9300'] });
    assert.deepEqual(v, {
      ok: true,
      check: {
        name: 'bgp-summary',
        commands: ['show ip bgp summary', 'show interfaces status | include connected'],
        when: 'both',
        stage: 'activation',
        series: ['cat9300'],
      },
    });
    assert.equal(refuseCommand('show running-config | section router bgp'), undefined);
    assert.equal(refuseCommand('show interface brief | json'), undefined);
  });

  it('refuses commands that change the device, with a clear reason', () => {
    const cases: [string, RegExp][] = [
      ['reload', /"reload" reloads the device; custom checks may only run read-only "show \.\.\." commands/],
      ['configure terminal', /enters configuration mode/],
      ['write memory', /writes or erases the configuration/],
      ['copy running-config startup-config', /copies files/],
      ['delete /force flash:old.bin', /deletes files/],
      ['erase startup-config', /erases/],
      ['clear counters', /clears/],
      ['show running-config | redirect flash:run.txt', /pipe "\| redirect" is not allowed/],
      ['show tech-support | tee bootflash:tech.txt', /pipe "\| tee" is not allowed/],
      ['show running-config > bootflash:run.txt', /">" \(output redirection writes files\)/],
      ['show version; reload', /contains ";"/],
      ['show version\nreload', /line break/],
      ['sh ver', /write "show" in full/],
      ['dir flash:', /only read-only "show \.\.\." commands are allowed \(got "dir"\)/],
      ['show', /needs something to show/],
      ['', /empty command/],
    ];
    for (const [command, reason] of cases) assert.match(refuseCommand(command) ?? 'accepted', reason, command);
  });

  it('reports every problem of an invalid check', () => {
    const v = validateCustomCheck({ name: 'ntp-clock', commands: ['show clock', 'reload'], when: 'sometimes', stage: 'x', series: [''] });
    assert.equal(v.ok, false);
    assert.deepEqual(v.ok ? [] : v.problems, [
      'name: "ntp-clock" is a built-in precheck',
      'commands[1] "reload": "reload" reloads the device; custom checks may only run read-only "show ..." commands',
      'when: one of pre, post, both',
      'stage: one of distribution, activation, both',
      'series: a list of non-empty names',
    ]);
    assert.deepEqual(validateCustomCheck(null), { ok: false, problems: ['a custom check must be an object'] });
    const noCommands = validateCustomCheck({ name: 'has space', commands: [], when: 'pre', stage: 'both' });
    assert.deepEqual(noCommands.ok ? [] : noCommands.problems, [
      'name: letters, digits, ".", "_" and "-" only, starting with a letter or digit',
      'commands: at least one command',
    ]);
  });

  it('selects the checks for a phase, stage and series', () => {
    const checks: CustomCheck[] = [
      { name: 'a', commands: ['show a'], when: 'pre', stage: 'distribution' },
      { name: 'b', commands: ['show b'], when: 'post', stage: 'activation' },
      { name: 'c', commands: ['show c'], when: 'both', stage: 'both' },
      { name: 'd', commands: ['show d'], when: 'both', stage: 'activation', series: ['Cat9300'] },
    ];
    const names = (ctx: Parameters<typeof customChecksFor>[1]) => customChecksFor(checks, ctx).map((c) => c.name);
    assert.deepEqual(names({ phase: 'pre', stage: 'distribution' }), ['a', 'c']);
    assert.deepEqual(names({ phase: 'post', stage: 'activation', series: 'cat9300' }), ['b', 'c', 'd']);
    assert.deepEqual(names({ phase: 'pre', stage: 'activation', series: 'isr2900' }), ['c']);
    assert.deepEqual(names({ phase: 'pre', stage: 'activation' }), ['c']);
  });
});
