// Every public capture of real device output for the commands netswim reads (ntc-templates and
// genieparser, vendored by scripts/conformance/vendor.py with their provenance in
// test/fixtures/conformance/samples.json), read by netswim's parsers and compared with the values
// the corpus itself expects. A capture netswim does not support must be refused with a reason,
// never read wrong; the few places where netswim reads a field differently from the corpus on
// purpose are listed with the reason.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { after, describe, it } from 'node:test';
import { DeviceOutputError } from '../domain/parsers/parse-error.ts';
import { parseImageFileName } from '../domain/image-name.ts';
import { parseDirFlash } from '../domain/parsers/dir-flash.ts';
import { parseIpInterfaceBrief, readIpInterfaceBrief } from '../domain/parsers/ip-interface-brief.ts';
import { activeAddOnFiles, parseInstallSummary } from '../domain/parsers/install-summary.ts';
import { parseIpRouteSummary } from '../domain/parsers/ip-route-summary.ts';
import { parseProcessesCpu, type CpuUtilization } from '../domain/parsers/processes-cpu.ts';
import { checkNtpClock, parseNtpStatus, parseShowClock } from '../domain/prechecks/clock.ts';
import { checkLicense, parseLicenses } from '../domain/prechecks/license.ts';
import type { OsFamily } from '../domain/prechecks/types.ts';
import { buildSnapshot, CPU_FAIL_PERCENT, CPU_WARN_PERCENT, diffSnapshots } from '../domain/postchecks.ts';
import { parseShowBoot } from '../domain/parsers/show-boot.ts';
import { chassisOf, parseShowInventory } from '../domain/parsers/show-inventory.ts';
import { fileNameOfImage, parseShowVersion, parseUptime, type ShowVersion } from '../domain/parsers/show-version.ts';
import { compareVersions } from '../domain/version.ts';

interface Sample {
  command: string;
  file: string;
  platform: string;
  parser?: string;
  source: { repository: string; path: string; commit: string; licence: string };
  expected: unknown;
}

const FIXTURES = new URL('./fixtures/conformance/', import.meta.url);
const samples = (JSON.parse(readFileSync(new URL('samples.json', FIXTURES), 'utf8')) as { samples: Sample[] }).samples;
const textOf = (sample: Sample) => readFileSync(new URL(sample.file, FIXTURES), 'utf8');

type Outcome = 'read' | 'refused';
const tally = new Map<string, Record<Outcome, number>>();
function count(sample: Sample, outcome: Outcome): void {
  const key = `${sample.command} ${sample.source.repository.split('/')[1]}/${sample.platform}`;
  const entry = tally.get(key) ?? { read: 0, refused: 0 };
  entry[outcome] += 1;
  tally.set(key, entry);
}

after(() => {
  const lines = [...tally.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, n]) => `${key}: ${n.read} read, ${n.refused} refused`);
  const total = [...tally.values()].reduce((sum, n) => sum + n.read + n.refused, 0);
  console.log(`conformance: ${total} real captures\n  ${lines.join('\n  ')}`);
});

/** Dotted numbers without leading zeros: `16.09.03` and `16.9.3` are one release. */
const release = (text: string) => text.trim().replace(/\s*\[.*\]$/, '').replace(/(^|\.)0+(\d)/g, '$1$2');
/** A boot image without its file system's slashes: `bootflash:///x.bin` and `bootflash:x.bin` are one file. */
const imagePath = (text: string) => text.replace(/^([\w-]+):\/*/, '$1:');
const pathAfterFileSystem = (text: string) => text.replace(/^[\w-]+:/, '').replace(/^\/+/, '');

/** What a corpus says about one capture of `show version`, in netswim's terms. */
interface ExpectedVersion {
  hostname?: string;
  version?: string;
  /**
   * Compared whole (`flash:x.bin`) or, where the corpus drops the file system, by path; null where
   * the corpus says the capture names none, absent where it does not say.
   */
  systemImage?: string | null;
  imagePathOnly?: boolean;
  configRegister?: string;
  uptime?: string | { days?: number; hours?: number; minutes?: number; seconds?: number };
  installMode?: 'INSTALL' | 'BUNDLE';
}

function expectedVersion(sample: Sample): ExpectedVersion {
  if (sample.source.repository === 'networktocode/ntc-templates') {
    const [e = {}] = sample.expected as Record<string, string>[];
    // EOS names neither the host nor the running image in `show version`: its release is `image`.
    if (sample.platform === 'arista_eos') return { version: e.image, uptime: e.uptime, systemImage: null };
    const isNxos = sample.platform === 'cisco_nxos';
    const found: ExpectedVersion = { hostname: e.hostname, version: isNxos ? e.os : e.version, uptime: e.uptime };
    // ntc's NX-OS boot_image is the kickstart image where there is one; netswim's systemImage is the system image.
    if (!isNxos) Object.assign(found, { systemImage: e.running_image || null, imagePathOnly: true });
    if (isNxos && e.boot_image && !/kickstart/.test(e.boot_image)) found.systemImage = e.boot_image;
    if (e.config_register) found.configRegister = e.config_register;
    return found;
  }
  const root = sample.expected as { version?: Record<string, unknown>; platform?: Record<string, Record<string, unknown>> };
  if (root.platform) {
    const { hardware = {}, software = {} } = root.platform;
    const kernel = (root.platform.kernel_uptime ?? undefined) as ExpectedVersion['uptime'];
    return {
      hostname: hardware.device_name as string,
      version: software.system_version as string,
      systemImage: software.system_image_file as string,
      ...(kernel ? { uptime: kernel } : {}),
    };
  }
  const v = root.version ?? {};
  const found: ExpectedVersion = {
    hostname: v.hostname as string,
    version: (v.xe_version as string | undefined) ?? (v.version as string),
    uptime: v.uptime as string,
  };
  found.systemImage = (v.system_image as string | undefined) ?? null;
  if (v.curr_config_register) found.configRegister = v.curr_config_register as string;
  const modes = new Set<string>();
  if (typeof v.installation_mode === 'string') modes.add(v.installation_mode);
  for (const member of Object.values((v.switch_num ?? {}) as Record<string, { mode?: string }>)) if (member.mode) modes.add(member.mode);
  if (modes.size === 1) found.installMode = [...modes][0] as 'INSTALL' | 'BUNDLE';
  return found;
}

const uptimeSecondsOf = (uptime: NonNullable<ExpectedVersion['uptime']>) =>
  typeof uptime === 'string'
    ? parseUptime(uptime)
    : (uptime.days ?? 0) * 86400 + (uptime.hours ?? 0) * 3600 + (uptime.minutes ?? 0) * 60 + (uptime.seconds ?? 0);

/**
 * Captures netswim refuses, and why: the reason must appear in the refusal. Each is a platform
 * netswim does not upgrade, or output that lacks what an upgrade decision needs.
 */
const REFUSED_VERSIONS: Record<string, RegExp> = {
  // Cisco's own engineering builds: dated, not releases; no golden image compares with them.
  ...Object.fromEntries(
    ['10', '1783', '5', '7', '8', '9500h_standalone', '9500h_svl', 'IE_3105_18T2C', 'asr1k', 'c3850', 'c8000v', 'c9300'].map((name) => [
      `show-version/genie-iosxe-ShowVersion-golden_output_${name}.txt`,
      /experimental build/,
    ]),
  ),
  // IOS 11.x and 12.1 (Catalyst 2940, 2500 and 3000 routers): older than netswim supports.
  'show-version/genie-iosxe-ShowVersion-golden_output_2.txt': /IOS 12\.1\(22\)EA12 is older than 12\.2/,
  'show-version/genie-iosxe-ShowVersion-golden_output_ios_1.txt': /IOS 11\.0\(10c\)XB1 is older/,
  'show-version/genie-iosxe-ShowVersion-golden_output_ios_2.txt': /IOS 11\.2\(5\)P is older/,
  // cEOS lab builds: `Software image version: 4.31.6M-39953990.4316M (engineering build)`, no release.
  'show-version/ntc-arista_eos-arista_eos_show_version_ceos.txt': /engineering build/,
  'show-version/ntc-arista_eos-arista_eos_show_version_clab.txt': /engineering build/,
  // ACI-mode leaves run APIC-managed images: not NX-OS standalone, not upgraded by netswim.
  'show-version/ntc-cisco_nxos-cisco_nxos_show_version1.txt': /ACI/,
  'show-version/genie-nxos-ShowVersion-golden_output_4.txt': /ACI/,
};

/**
 * Fields netswim reads differently from the corpus on purpose, with the value netswim reads.
 * IOS-XE 3.x routers print the IOSd release first and the IOS-XE release on its own line; the
 * image file is named after the IOS-XE release, so that is the version netswim compares.
 */
const READS_DIFFERENTLY: Record<string, Partial<Record<keyof ExpectedVersion, { netswim: string; why: string }>>> = {
  'show-version/ntc-cisco_ios-cisco_ios_show_version2.txt': {
    version: { netswim: '03.09.01.S', why: 'ntc reads the IOSd release 15.3(2)S1; the image asr1001-universalk9.03.09.01.S.153-2.S1.bin is IOS-XE 3.9.1S' },
  },
};

function assertShowVersion(sample: Sample, read: ShowVersion): void {
  const expected = expectedVersion(sample);
  const differs = READS_DIFFERENTLY[sample.file] ?? {};
  const want = <K extends keyof ExpectedVersion>(field: K): ExpectedVersion[K] | string =>
    differs[field] ? differs[field].netswim : expected[field];
  assert.equal(read.hostname, want('hostname'), 'hostname');
  assert.equal(release(read.version), release(String(want('version'))), 'version');
  const image = want('systemImage');
  if (typeof image === 'string') {
    assert.ok(read.systemImage, 'the corpus names a boot image, netswim read none');
    if (expected.imagePathOnly) assert.equal(pathAfterFileSystem(read.systemImage), pathAfterFileSystem(image), 'system image');
    else assert.equal(imagePath(read.systemImage), imagePath(image), 'system image');
  } else if (image === null) {
    assert.equal(read.systemImage, undefined, 'netswim read a boot image the corpus does not see');
  }
  if (expected.configRegister) assert.equal(read.configRegister, want('configRegister'), 'configuration register');
  if (expected.uptime) assert.equal(read.uptimeSeconds, uptimeSecondsOf(expected.uptime), 'uptime');
  if (expected.installMode) assert.equal(read.installMode, want('installMode'), 'install mode');
  // A bundle's file name carries its release: it must be the one the device reports.
  const named = read.systemImage ? parseImageFileName(fileNameOfImage(read.systemImage)) : undefined;
  if (named) assert.equal(compareVersions(named.version, read.version), 0, `${read.systemImage} is not ${read.version}`);
  // An IOS-XE device boots packages.conf exactly when it runs in INSTALL mode.
  if (read.os === 'ios-xe' && read.systemImage) {
    assert.equal(read.installMode, /\.conf$/i.test(read.systemImage) ? 'INSTALL' : 'BUNDLE', 'install mode follows the boot image');
  }
}

describe('show version: every public capture', () => {
  for (const sample of samples.filter((s) => s.command === 'show-version')) {
    it(`${sample.file} (${sample.source.repository} ${sample.source.path})`, () => {
      const text = textOf(sample);
      const refusal = REFUSED_VERSIONS[sample.file];
      if (refusal) {
        assert.throws(() => parseShowVersion(text), (error: unknown) => error instanceof DeviceOutputError && refusal.test(error.message));
        count(sample, 'refused');
        return;
      }
      assertShowVersion(sample, parseShowVersion(text));
      count(sample, 'read');
    });
  }
});

/** The corpus's boot list for the next reload, and the kickstart list where NX-OS has one. */
function expectedBoot(sample: Sample): { next: string; kickstart?: string } {
  if (sample.source.repository === 'networktocode/ntc-templates') {
    const [e = {}] = sample.expected as Record<string, string>[];
    // EOS `show boot-config`: ntc calls the software image `version`.
    return { next: (sample.platform === 'arista_eos' ? e.version : e.boot_path) ?? '' };
  }
  const e = sample.expected as {
    next_reload_boot_variable?: string | { sup_number: Record<string, { system_variable?: string; kickstart_variable?: string }> };
    active?: { boot_variable?: string };
    boot_path_list?: string;
  };
  const next = e.next_reload_boot_variable;
  if (typeof next === 'object') {
    const sup = Object.values(next.sup_number)[0] ?? {};
    return { next: sup.system_variable ?? '', ...(sup.kickstart_variable ? { kickstart: sup.kickstart_variable } : {}) };
  }
  return { next: next ?? e.active?.boot_variable ?? e.boot_path_list ?? '' };
}

/** `a,12;b;` → [a, b], each file without its file system's slashes (a URL keeps its `//host`). */
const bootEntries = (list: string) =>
  list
    .split(';')
    .map((entry) => entry.trim().replace(/,\d+$/, ''))
    .filter(Boolean)
    .map((entry) => (/^(tftp|ftp|https?|scp|sftp|rcp):/.test(entry) ? entry : entry.replace(/^([\w-]+):\/+/, '$1:')));

describe('show boot / show bootvar: every public capture', () => {
  for (const sample of samples.filter((s) => s.command === 'show-boot')) {
    it(`${sample.file} (${sample.source.repository} ${sample.source.path})`, () => {
      const read = parseShowBoot(textOf(sample));
      const expected = expectedBoot(sample);
      assert.deepEqual(read.next, bootEntries(expected.next), 'boot list for the next reload');
      assert.deepEqual(read.kickstart, expected.kickstart === undefined ? undefined : bootEntries(expected.kickstart), 'kickstart');
      count(sample, 'read');
    });
  }
});

/** The corpus's listing: each file's size and whether it is a directory, and the totals. */
function expectedDir(sample: Sample): { files: Record<string, { size: number; isDirectory: boolean }>; totalBytes?: number; freeBytes?: number } {
  const files: Record<string, { size: number; isDirectory: boolean }> = {};
  const optional = (text: string | undefined) => (text ? Number(text) : undefined);
  if (sample.source.repository === 'networktocode/ntc-templates') {
    const rows = sample.expected as Record<string, string>[];
    for (const row of rows) {
      const name = row.name ?? row.item_name ?? '';
      if (!name) continue;
      const isDirectory = row.permissions ? row.permissions.startsWith('d') : name.endsWith('/');
      files[name.replace(/\/$/, '')] = { size: Number(row.size), isDirectory };
    }
    const totals = { totalBytes: optional(rows[0]?.total_size), freeBytes: optional(rows[0]?.total_free) };
    return { files, ...totals };
  }
  const e = sample.expected as { dir: Record<string, unknown> & { dir?: string } } & { files?: Record<string, { size: string }>; disk_free_space?: string; disk_total_space?: string };
  if (e.files) {
    for (const [name, file] of Object.entries(e.files)) files[name.replace(/\/$/, '')] = { size: Number(file.size), isDirectory: name.endsWith('/') };
    return { files, totalBytes: optional(e.disk_total_space), freeBytes: optional(e.disk_free_space) };
  }
  const listing = Object.entries(e.dir).find(([key]) => key !== 'dir')![1] as { files: Record<string, { size: string; permissions: string }>; bytes_total?: string; bytes_free?: string };
  for (const [name, file] of Object.entries(listing.files)) files[name] = { size: Number(file.size), isDirectory: file.permissions.startsWith('d') };
  return { files, totalBytes: optional(listing.bytes_total), freeBytes: optional(listing.bytes_free) };
}

/** Listings without the totals line that a space check needs: refused, naming it. */
const REFUSED_DIRS: Record<string, RegExp> = {
  // The capture ends before NX-OS's `bytes used / free / total` lines.
  'dir/ntc-cisco_nxos-cisco_nxos_dir_01.txt': /bytes total/,
  // `dir drec0:` on a Catalyst 9200 lists its recovery partition without sizes of the file system.
  'dir/genie-iosxe-Dir-golden_output_c9200.txt': /bytes total/,
  // EOS `dir system:` lists the running configuration and says "No space information available".
  'dir/ntc-arista_eos-arista_eos_dir_system_nodate.txt': /bytes total/,
};

describe('dir: every public capture', () => {
  for (const sample of samples.filter((s) => s.command === 'dir')) {
    it(`${sample.file} (${sample.source.repository} ${sample.source.path})`, () => {
      const refusal = REFUSED_DIRS[sample.file];
      if (refusal) {
        assert.throws(() => parseDirFlash(textOf(sample)), (error: unknown) => error instanceof DeviceOutputError && refusal.test(error.message));
        count(sample, 'refused');
        return;
      }
      const read = parseDirFlash(textOf(sample));
      const expected = expectedDir(sample);
      assert.deepEqual(Object.fromEntries(read.files.map((f) => [f.name, { size: f.size, isDirectory: f.isDirectory }])), expected.files, 'files');
      assert.equal(read.totalBytes, expected.totalBytes, 'bytes total');
      assert.equal(read.freeBytes, expected.freeBytes, 'bytes free');
      count(sample, 'read');
    });
  }
});

interface ExpectedItem {
  name: string;
  descr: string;
  pid: string;
  sn: string;
}

/** The corpus's inventory items, and the chassis where it names one. */
function expectedInventory(sample: Sample): { items: ExpectedItem[]; ordered: boolean; chassisPid?: string } {
  const trimmed = (item: Partial<ExpectedItem>): ExpectedItem => ({
    name: (item.name ?? '').trim(),
    descr: (item.descr ?? '').trim(),
    pid: (item.pid ?? '').trim(),
    sn: (item.sn ?? '').trim(),
  });
  if (sample.source.repository === 'networktocode/ntc-templates') {
    const items = (sample.expected as ExpectedItem[]).map(trimmed);
    const chassis = items.find((item) => item.pid);
    return { items, ordered: true, ...(chassis ? { chassisPid: chassis.pid } : {}) };
  }
  const e = sample.expected as { name?: Record<string, { description: string; pid: string; serial_number: string }>; main?: { chassis?: Record<string, ExpectedItem> } };
  if (e.name) {
    const items = Object.entries(e.name).map(([name, item]) => trimmed({ name, descr: item.description, pid: item.pid, sn: item.serial_number }));
    // A capture that starts below the chassis (a fan module first) names no chassis to compare.
    const chassis = e.name.Chassis;
    return { items, ordered: false, ...(chassis ? { chassisPid: chassis.pid } : {}) };
  }
  // genieparser nests items by slot and PID; every object with a name and a pid is one.
  const items: ExpectedItem[] = [];
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (typeof record.name === 'string' && typeof record.pid === 'string') items.push(trimmed(record));
    for (const value of Object.values(record)) walk(value);
  };
  walk(sample.expected);
  const chassis = Object.values(e.main?.chassis ?? {})[0];
  return { items, ordered: false, ...(chassis?.pid ? { chassisPid: chassis.pid } : {}) };
}

/**
 * EOS prints its inventory as tables ("System information", "System has 2 power supply slots" …),
 * not NAME/PID entries; netswim reads no EOS inventory yet (the upgrade does not run it), so it
 * refuses these rather than read them wrong.
 */
const REFUSED_INVENTORIES: Record<string, RegExp> = Object.fromEntries(
  ['', '1', '2'].map((n) => [`show-inventory/ntc-arista_eos-arista_eos_show_inventory${n}.txt`, /no NAME\/PID entries/]),
);

describe('show inventory: every public capture', () => {
  for (const sample of samples.filter((s) => s.command === 'show-inventory')) {
    it(`${sample.file} (${sample.source.repository} ${sample.source.path})`, () => {
      const refusal = REFUSED_INVENTORIES[sample.file];
      if (refusal) {
        assert.throws(() => parseShowInventory(textOf(sample)), (error: unknown) => error instanceof DeviceOutputError && refusal.test(error.message));
        count(sample, 'refused');
        return;
      }
      const read = parseShowInventory(textOf(sample)).map((item) => ({ name: item.name.trim(), descr: item.description.trim(), pid: item.pid, sn: item.serial }));
      const expected = expectedInventory(sample);
      if (expected.ordered) assert.deepEqual(read, expected.items, 'items');
      else for (const item of expected.items) assert.ok(read.some((r) => isDeepStrictEqual(r, item)), `item ${JSON.stringify(item)} not read`);
      if (expected.chassisPid) assert.equal(chassisOf(parseShowInventory(textOf(sample)))?.pid, expected.chassisPid, 'chassis');
      count(sample, 'read');
    });
  }
});

/** A line the corpus's expectation has and netswim's reading must match, field for field. */
interface ExpectedInterface {
  name: string;
  ipAddress: string;
  status: string;
  protocol: string;
}

/** NX-OS `protocol-up/link-down/admin-up` in netswim's IOS words. */
function nxosState(proto: string, link: string, admin: string): { status: string; protocol: string } {
  const word = (text: string, prefix: string) => text.replace(new RegExp(`^${prefix}-`), '');
  return { status: word(admin, 'admin') === 'down' ? 'administratively down' : word(link, 'link'), protocol: word(proto, 'protocol') };
}

/**
 * genieparser spells IOS-XE's abbreviated names out (`Te0/0/4` → `TenGigabitEthernet0/0/4`);
 * netswim keeps the device's own spelling, because it only ever compares a device's output with
 * the same device's output.
 */
const GENIE_LONG_NAMES: Record<string, string> = { Te: 'TenGigabitEthernet', Tw: 'TwoGigabitEthernet', ucse: 'Ucse' };
const genieLongName = (name: string) => name.replace(/^([A-Za-z]+)(?=\d)/, (prefix: string) => GENIE_LONG_NAMES[prefix] ?? prefix);

function expectedInterfaces(sample: Sample): ExpectedInterface[] {
  if (sample.source.repository === 'networktocode/ntc-templates') {
    return (sample.expected as Record<string, string>[]).map((row) => {
      const state = sample.platform === 'cisco_nxos' ? nxosState(row.proto ?? '', row.link ?? '', row.status ?? '') : { status: row.status ?? '', protocol: row.proto ?? '' };
      return { name: row.interface ?? '', ipAddress: row.ip_address ?? '', ...state };
    });
  }
  type GenieRow = { ip_address: string; status?: string; protocol?: string; interface_status?: string };
  const rows = (sample.expected as { interface: Record<string, GenieRow | { vlan_id: Record<string, GenieRow> }> }).interface;
  // genieparser files an NX-OS SVI under its VLAN number.
  return Object.entries(rows).map(([name, entry]) => {
    const row = 'vlan_id' in entry ? Object.values(entry.vlan_id)[0]! : entry;
    if (row.interface_status) {
      const [proto = '', link = '', admin = ''] = row.interface_status.split('/');
      return { name, ipAddress: row.ip_address, ...nxosState(proto, link, admin) };
    }
    return { name, ipAddress: row.ip_address, status: row.status ?? '', protocol: row.protocol ?? '' };
  });
}

/** Interfaces netswim reads that the corpus leaves out, and why netswim is right to read them. */
const EXTRA_INTERFACES: Record<string, { names: string[]; why: string }> = {
  'show-ip-interface-brief/ntc-cisco_nxos-cisco_nxos_show_ip_interface_brief_vrf_all_01.txt': {
    names: ['mti6'],
    why: 'ntc-templates skips an unnumbered interface (its source on the next line); it is a real interface, up/up, that a postcheck must see',
  },
};

describe('show ip interface brief: every public capture', () => {
  for (const sample of samples.filter((s) => s.command === 'show-ip-interface-brief')) {
    it(`${sample.file} (${sample.source.repository} ${sample.source.path})`, () => {
      const read = readIpInterfaceBrief(textOf(sample));
      const extra = EXTRA_INTERFACES[sample.file]?.names ?? [];
      const long = sample.platform === 'iosxe' ? genieLongName : (name: string) => name;
      const mine = read
        .filter((row) => !extra.includes(row.name))
        // Both corpora write an unnumbered interface's address as `unnumbered(loopback0)`.
        .map((row) => ({
          name: long(row.name),
          ipAddress: row.unnumberedFrom ? `${row.ipAddress}(${row.unnumberedFrom})` : row.ipAddress,
          status: row.status,
          protocol: row.protocol,
        }));
      const byName = (a: ExpectedInterface, b: ExpectedInterface) => a.name.localeCompare(b.name);
      assert.deepEqual(mine.sort(byName), expectedInterfaces(sample).sort(byName), 'interfaces');
      for (const name of extra) assert.ok(read.some((row) => row.name === name), `${name} read`);
      // The postchecks' view is the same rows without the address.
      assert.deepEqual(parseIpInterfaceBrief(textOf(sample)), read.map(({ name, status, protocol }) => ({ name, status, protocol })));
      count(sample, 'read');
    });
  }
});

/** The corpus's route count (without IOS's `internal` bookkeeping entries) and routes per source. */
function expectedRoutes(sample: Sample): { total: number; bySource: Record<string, number> } {
  const bySource: Record<string, number> = {};
  const add = (source: string, n: number) => (bySource[source] = (bySource[source] ?? 0) + n);
  if (sample.source.repository === 'networktocode/ntc-templates') {
    const rows = sample.expected as Record<string, string>[];
    let total = 0;
    let internal = 0;
    for (const row of rows) {
      const routes = Number(row.networks || 0) + Number(row.subnets || 0);
      if (row.route_source === 'Total') total = routes;
      else if (row.route_source === 'internal') internal = Number(row.networks);
      else add(row.route_source ?? '', routes);
    }
    // IOS's Total row counts the internal entries among its networks.
    return { total: total - internal, bySource };
  }
  type Counts = { networks?: number; subnets?: number };
  const vrfs = (sample.expected as { vrf: Record<string, { route_source?: Record<string, Counts & Record<string, unknown>>; total_route_source?: Counts; total_routes?: number; best_paths?: Record<string, number> }> }).vrf;
  let total = 0;
  for (const vrf of Object.values(vrfs)) {
    if (vrf.best_paths) {
      // NX-OS: routes per VRF and best paths per protocol.
      total += vrf.total_routes ?? 0;
      for (const [protocol, n] of Object.entries(vrf.best_paths)) add(protocol, n);
      continue;
    }
    const routes = (c: Counts) => (c.networks ?? 0) + (c.subnets ?? 0);
    for (const [protocol, entry] of Object.entries(vrf.route_source ?? {})) {
      if (protocol === 'internal') continue;
      // A protocol's own row (`rip`, `isis`) and its instances' rows (`isis Test`, `bgp 65000`).
      if (typeof entry.networks === 'number') add(protocol, routes(entry));
      for (const [instance, counts] of Object.entries(entry)) if (counts && typeof counts === 'object') add(`${protocol} ${instance}`, routes(counts));
    }
    total += routes(vrf.total_route_source ?? {}) - (vrf.route_source?.internal?.networks ?? 0);
  }
  return { total, bySource };
}

describe('show ip route summary: every public capture', () => {
  for (const sample of samples.filter((s) => s.command === 'show-ip-route-summary')) {
    it(`${sample.file} (${sample.source.repository} ${sample.source.path})`, () => {
      const read = parseIpRouteSummary(textOf(sample));
      const expected = expectedRoutes(sample);
      assert.deepEqual(read.bySource, expected.bySource, 'routes per source');
      assert.equal(read.totalRoutes, expected.total, 'routes in total');
      assert.equal(buildSnapshot({ routeSummary: textOf(sample) }).routes, expected.total, 'the count the postcheck compares');
      if (!sample.platform.includes('nxos')) {
        assert.equal(read.totalRoutes, Object.values(read.bySource).reduce((a, b) => a + b, 0), 'the total is the sum of the sources');
      }
      count(sample, 'read');
    });
  }
});

/** The corpus's utilization figures, where the capture has the utilization line. */
function expectedCpu(sample: Sample): CpuUtilization | undefined {
  const percent = (text: string | number | undefined) => (text === undefined || text === '' ? undefined : Number(text));
  if (sample.source.repository === 'networktocode/ntc-templates') {
    const [e = {}] = sample.expected as Record<string, string>[];
    const five = percent(e.cpu_usage_5_sec ?? e.cpu_5_sec);
    if (five === undefined) return undefined;
    const interrupt = percent(e.cpu_interruption_5_sec ?? e.interrupts);
    return {
      fiveSecondsPercent: five,
      ...(interrupt !== undefined ? { interruptPercent: interrupt } : {}),
      oneMinutePercent: Number(e.cpu_usage_1_min ?? e.cpu_1_min),
      fiveMinutesPercent: Number(e.cpu_usage_5_min ?? e.cpu_5_min),
    };
  }
  const e = sample.expected as { five_sec_cpu_total?: number; five_sec_cpu_interrupts?: number; one_min_cpu?: number; five_min_cpu?: number; cpu_state?: { cpu_state_idle: number } };
  // NX-OS `show system resources`: busy is what is not idle.
  if (e.cpu_state) return { fiveSecondsPercent: Math.round((100 - e.cpu_state.cpu_state_idle) * 100) / 100 };
  if (e.five_sec_cpu_total === undefined) return undefined;
  return {
    fiveSecondsPercent: e.five_sec_cpu_total,
    ...(e.five_sec_cpu_interrupts !== undefined ? { interruptPercent: e.five_sec_cpu_interrupts } : {}),
    oneMinutePercent: e.one_min_cpu!,
    fiveMinutesPercent: e.five_min_cpu!,
  };
}

/** Captures without the utilization line netswim reads: refused, naming what is missing. */
const REFUSED_CPU: Record<string, RegExp> = {
  // Captures of `show processes cpu | include process`: the process rows without the summary line.
  'show-processes-cpu/genie-ios-ShowProcessesCpu-golden_output_1.txt': /no "CPU utilization"/,
  'show-processes-cpu/genie-iosxe-ShowProcessesCpu-golden_output_1.txt': /no "CPU utilization"/,
};

/** What the CPU postcheck decides for a device that shows the same figure before and after. */
function cpuVerdict(percent: number): 'pass' | 'warn' | 'fail' {
  if (percent > CPU_FAIL_PERCENT) return 'warn'; // already that high before: the upgrade did not cause it
  return percent > CPU_WARN_PERCENT ? 'warn' : 'pass';
}

describe('show processes cpu / show system resources: every public capture', () => {
  for (const sample of samples.filter((s) => s.command === 'show-processes-cpu' || s.command === 'show-system-resources')) {
    it(`${sample.file} (${sample.source.repository} ${sample.source.path})`, () => {
      const text = textOf(sample);
      const refusal = REFUSED_CPU[sample.file];
      if (refusal) {
        assert.equal(expectedCpu(sample), undefined, 'the corpus reads no utilization from it either');
        assert.throws(() => parseProcessesCpu(text), (error: unknown) => error instanceof DeviceOutputError && refusal.test(error.message));
        assert.throws(() => buildSnapshot({ cpu: text }), DeviceOutputError);
        count(sample, 'refused');
        return;
      }
      const expected = expectedCpu(sample);
      assert.ok(expected, 'the corpus reads the utilization');
      assert.deepEqual(parseProcessesCpu(text), expected, 'utilization');
      // netswim runs the command with `| include CPU utilization`: that one line reads the same.
      const line = /^.*CPU utilization.*$/m.exec(text)?.[0];
      if (line) assert.deepEqual(parseProcessesCpu(line), expected, 'the utilization line alone');
      // The postcheck judges the one-minute figure (NX-OS show system resources: the current one).
      const snapshot = buildSnapshot({ cpu: text });
      assert.equal(snapshot.cpuPercent, expected.oneMinutePercent ?? expected.fiveSecondsPercent, 'the figure the postcheck judges');
      const item = diffSnapshots(snapshot, snapshot).items.find((i) => i.check === 'cpu');
      assert.equal(item?.status, cpuVerdict(snapshot.cpuPercent), 'the postcheck verdict');
      count(sample, 'read');
    });
  }
});

const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

describe('show clock: every public capture', () => {
  for (const sample of samples.filter((s) => s.command === 'show-clock')) {
    it(`${sample.file} (${sample.source.repository} ${sample.source.path})`, () => {
      const text = textOf(sample);
      const e = (Array.isArray(sample.expected) ? sample.expected[0] : sample.expected) as Record<string, string>;
      const read = parseShowClock(text);
      assert.ok(read, 'a time read');
      // The wall-clock fields as printed: time of day, zone, day, month, year.
      const wall = new Date(read.wallClockMs);
      const [hh = '', mm = '', ss = ''] = (e.time ?? '').split(':');
      assert.equal(wall.getUTCHours(), Number(hh), 'hours');
      assert.equal(wall.getUTCMinutes(), Number(mm), 'minutes');
      assert.equal(wall.getUTCSeconds() + wall.getUTCMilliseconds() / 1000, Number(ss), 'seconds');
      assert.equal(wall.getUTCDate(), Number(e.day), 'day');
      assert.equal(MONTH_NAMES[wall.getUTCMonth()], e.month, 'month');
      assert.equal(wall.getUTCFullYear(), Number(e.year), 'year');
      assert.equal(read.timezone, e.timezone, 'time zone');
      // The flag before the time (`*` not authoritative, `.` NTP lost), which the corpora drop.
      const flag = /^\s*([*.]?)\d{1,2}:\d{2}:\d{2}/m.exec(text)?.[1] ?? '';
      assert.equal(read.flag, flag, 'flag');
      // Compared with netswim's clock at that instant, the check passes unless the flag says NTP
      // does not keep the time.
      assert.ok(read.time, `the offset of ${read.timezone} is known`);
      const check = checkNtpClock({ clock: { command: 'show clock', output: text }, netswimTime: read.time });
      assert.equal(check.status, flag === '' ? 'pass' : 'warn', check.reason);
      count(sample, 'read');
    });
  }
});

describe('show ntp status: every public capture', () => {
  for (const sample of samples.filter((s) => s.command === 'show-ntp-status')) {
    it(`${sample.file} (${sample.source.repository} ${sample.source.path})`, () => {
      const text = textOf(sample);
      const e = (sample.expected as { clock_state: { system_status: { status: string; stratum: number; refid?: string; offset: number } } }).clock_state.system_status;
      const read = parseNtpStatus(text);
      assert.deepEqual(
        read,
        { synchronized: e.status === 'synchronized', stratum: e.stratum, ...(e.refid ? { reference: e.refid } : {}), offsetMs: e.offset },
        'NTP state',
      );
      // With the device clock right, the check passes exactly when NTP is synchronized.
      const clock = { command: 'show clock', output: '10:00:00.000 UTC Mon Oct 19 2015' };
      const check = checkNtpClock({ clock, ntp: { command: 'show ntp status', output: text }, netswimTime: new Date('2015-10-19T10:00:00Z') });
      assert.equal(check.status, read.synchronized ? 'pass' : 'warn', check.reason);
      count(sample, 'read');
    });
  }
});

const FAMILY_OF_LICENSE_COMMAND: Record<string, OsFamily> = { 'show-license': 'ios', 'show-license-summary': 'ios-xe', 'show-license-usage': 'nx-os' };

/** The corpus's licenses: each one's name, its status as printed and whether it is counted in use. */
function expectedLicenses(sample: Sample): { name: string; status: string }[] {
  if (sample.source.repository === 'networktocode/ntc-templates') {
    return (sample.expected as Record<string, string>[]).map((row) => ({ name: row.feature ?? '', status: row.license_state ?? row.status ?? '' }));
  }
  const usage = (sample.expected as { license_usage: Record<string, { license: string; status: string }> }).license_usage;
  return Object.values(usage).map((row) => ({ name: row.license, status: row.status }));
}

describe('license commands (show license, show license summary, show license usage): every public capture', () => {
  for (const sample of samples.filter((s) => s.command in FAMILY_OF_LICENSE_COMMAND)) {
    it(`${sample.file} (${sample.source.repository} ${sample.source.path})`, () => {
      const text = textOf(sample);
      // `license authorization` is netswim's entry for smart licensing's overall status line.
      const read = parseLicenses(text).filter((entry) => entry.name !== 'license authorization');
      const byName = (a: { name: string; status: string }, b: { name: string; status: string }) => a.name.localeCompare(b.name) || a.status.localeCompare(b.status);
      assert.deepEqual(read.map(({ name, status }) => ({ name, status })).sort(byName), expectedLicenses(sample).sort(byName), 'licenses');
      // The verdict follows the statuses: all the samples run licenses in use and none expired,
      // so the check passes, naming the ones in use.
      const family = FAMILY_OF_LICENSE_COMMAND[sample.command]!;
      const inUse = read.filter((entry) => /(^|,\s*)in use$|^in use\b/i.test(entry.status)).map((entry) => entry.name);
      assert.ok(inUse.length > 0, 'the capture has a license in use');
      const check = checkLicense(family, { command: sample.command.replace(/-/g, ' '), output: text });
      assert.equal(check.status, 'pass', check.reason);
      for (const name of inUse) assert.ok(check.reason.includes(name), `${name} named in "${check.reason}"`);
      count(sample, 'read');
    });
  }
});

describe('show install summary: every public capture', () => {
  for (const sample of samples.filter((s) => s.command === 'show-install-summary')) {
    it(`${sample.file} (${sample.source.repository} ${sample.source.path})`, () => {
      type Row = { type: string; state: string; filename_version: string };
      const locations = (sample.expected as { location: Record<string, { pkg_state: Record<string, Row> }> }).location;
      const expected = Object.entries(locations).flatMap(([location, block]) =>
        Object.entries(block.pkg_state)
          .sort(([a], [b]) => Number(a) - Number(b))
          .map(([, row]) => ({ type: row.type, state: row.state, filenameOrVersion: row.filename_version, location })),
      );
      const read = parseInstallSummary(textOf(sample));
      assert.deepEqual(read, expected, 'packages');
      // The add-ons netswim counts as active: SMUs and AP packs activated, committed or not.
      const active = expected.filter((row) => row.type !== 'IMG' && /^[CU]$/.test(row.state)).map((row) => row.filenameOrVersion.replace(/^[\w-]+:\/*/, '').split('/').pop());
      assert.deepEqual(activeAddOnFiles(read), [...new Set(active)], 'active add-ons');
      count(sample, 'read');
    });
  }
});
