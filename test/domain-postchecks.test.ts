// Postchecks: parsers of the pre/post commands against real captures (ntc-templates, genieparser;
// see test/fixtures/README.md) and the lab's own output, healthy and faulted, then the diff and
// its thresholds.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseIpInterfaceBrief } from '../domain/parsers/ip-interface-brief.ts';
import { parseIpRouteSummary } from '../domain/parsers/ip-route-summary.ts';
import { DeviceOutputError } from '../domain/parsers/parse-error.ts';
import { parseProcessesCpu } from '../domain/parsers/processes-cpu.ts';
import {
  buildSnapshot,
  CPU_FAIL_PERCENT,
  CPU_WARN_PERCENT,
  DEFAULT_POSTCHECK_THRESHOLDS,
  diffLines,
  diffSnapshots,
  lineDiffSummary,
  ROUTE_DROP_FAIL_PERCENT,
  ROUTE_DROP_WARN_PERCENT,
  type HealthSnapshot,
} from '../domain/postchecks.ts';
import { ipInterfaceBrief, ipRouteSummary, processesCpu } from '../lab/formats-platforms.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/postchecks/${name}`, import.meta.url), 'utf8');
const text = (lines: string[]) => lines.join('\n');

type Family = 'ios-xe' | 'ios' | 'nx-os';
/** The lab's answers to the snapshot commands, healthy or with the after-upgrade faults. */
function labOutputs(family: Family, faults: { high?: boolean; fewer?: boolean; uplinkDown?: boolean } = {}) {
  return {
    cpu: text(processesCpu(faults.high === true, 7)),
    routeSummary: text(ipRouteSummary(faults.fewer === true, family === 'nx-os')),
    interfaceBrief: text(ipInterfaceBrief(family, '127.20.0.7', faults.uplinkDown === true)),
  };
}

describe('CPU parsers', () => {
  it('reads a real IOS-XE show processes cpu (ASR1000 capture)', () => {
    assert.deepEqual(parseProcessesCpu(fixture('ios-show-processes-cpu.txt')), {
      fiveSecondsPercent: 0,
      interruptPercent: 0,
      oneMinutePercent: 0,
      fiveMinutesPercent: 0,
    });
  });

  it('reads a real NX-OS show processes cpu', () => {
    assert.deepEqual(parseProcessesCpu(fixture('nxos-show-processes-cpu.txt')), {
      fiveSecondsPercent: 15,
      interruptPercent: 1,
      oneMinutePercent: 12,
      fiveMinutesPercent: 10,
    });
  });

  it('reads a real NX-OS show system resources as busy = 100 - idle of the whole system', () => {
    assert.deepEqual(parseProcessesCpu(fixture('nxos-show-system-resources.txt')), { fiveSecondsPercent: 5.5 });
  });

  it('reads the `| include CPU utilization` line alone, and the lab output healthy and high', () => {
    assert.equal(parseProcessesCpu('CPU utilization for five seconds: 3%/0%; one minute: 4%; five minutes: 4%').oneMinutePercent, 4);
    const healthy = parseProcessesCpu(text(processesCpu(false, 7)));
    assert.ok(healthy.oneMinutePercent !== undefined && healthy.oneMinutePercent < 10);
    const high = parseProcessesCpu(text(processesCpu(true, 7)));
    assert.ok(high.oneMinutePercent !== undefined && high.oneMinutePercent > 90);
    assert.ok(high.fiveMinutesPercent !== undefined && high.fiveMinutesPercent > 85);
  });

  it('refuses output that is not a CPU display', () => {
    assert.throws(() => parseProcessesCpu("% Invalid input detected at '^' marker."), DeviceOutputError);
    // A utilization line in an unknown shape is named in the refusal.
    assert.throws(
      () => parseProcessesCpu('CPU utilization for five seconds: 3%/0%; one minute: n/a'),
      (e: unknown) => e instanceof DeviceOutputError && /cannot read line "CPU utilization for five seconds: 3%\/0%; one minute: n\/a"/.test(e.message),
    );
  });
});

describe('route summary parser', () => {
  it('sums the source rows of a real IOS capture, leaving out internal and Total', () => {
    const r = parseIpRouteSummary(fixture('ios-show-ip-route-summary.txt'));
    assert.equal(r.totalRoutes, 41 + 3 + 3016 + 1);
    assert.deepEqual(r.bySource, { connected: 41, static: 3, application: 0, nhrp: 0, 'eigrp 65329': 3016, 'ospf 20': 1 });
  });

  it('reads a real capture with bgp and isis detail lines', () => {
    const r = parseIpRouteSummary(fixture('ios-show-ip-route-summary-2.txt'));
    assert.equal(r.totalRoutes, 6);
    assert.equal(r.bySource['isis test1'], 0);
    assert.equal(r.bySource['bgp 65001'], 0);
  });

  it('reads a real IOS 12.x capture without the Replicates column', () => {
    const r = parseIpRouteSummary(fixture('ios-show-ip-route-summary-3.txt'));
    assert.equal(r.totalRoutes, 7);
    assert.deepEqual(r.bySource, { connected: 4, static: 3 });
  });

  it('sums the VRFs of a real NX-OS capture, best paths per protocol', () => {
    const r = parseIpRouteSummary(fixture('nxos-show-ip-route-summary-vrfs.txt'));
    assert.equal(r.totalRoutes, 17 + 11 + 11 + 11);
    assert.equal(r.bySource['bgp-100'], 1000);
    assert.equal(r.bySource.local, 4 + 1 + 2 + 2);
  });

  it('takes the best-path column when a backup column shares the line (real NX-OS capture)', () => {
    const r = parseIpRouteSummary(fixture('nxos-show-ip-route-summary-backup.txt'));
    assert.equal(r.totalRoutes, 308);
    assert.equal(r.bySource.am, 214);
    assert.equal(r.bySource['ospf-1000'], 41);
  });

  it('reads the lab output on IOS-XE and NX-OS, healthy and with fewer routes', () => {
    for (const nxos of [false, true]) {
      assert.equal(parseIpRouteSummary(text(ipRouteSummary(false, nxos))).totalRoutes, 56, `nxos=${nxos}`);
      assert.equal(parseIpRouteSummary(text(ipRouteSummary(true, nxos))).totalRoutes, 11, `nxos=${nxos}`);
    }
    assert.equal(parseIpRouteSummary(text(ipRouteSummary(false, false))).bySource['ospf 1'], 48);
    assert.equal(parseIpRouteSummary(text(ipRouteSummary(true, true))).bySource['ospf-1'], 3);
  });

  it('refuses output that is not a route summary', () => {
    assert.throws(() => parseIpRouteSummary('% IP routing table summary not available'), DeviceOutputError);
  });

  it('refuses a source row it cannot read, naming it, instead of leaving its routes out', () => {
    const ios = text(['Route Source    Networks    Subnets     Overhead    Memory (bytes)', 'connected       0           4           288         544', 'ospf 1          0           4           288', 'Total           0           8           576         1088']);
    assert.throws(() => parseIpRouteSummary(ios), (e: unknown) => e instanceof DeviceOutputError && /"ospf 1 +0 +4 +288"/.test(e.message));
    const nxos = text(['IP Route Table for VRF "default"', 'Total number of routes: 8', '', 'Best paths per protocol:      Backup paths per protocol:', '  direct         : 4', '  ospf-1         : four']);
    assert.throws(() => parseIpRouteSummary(nxos), (e: unknown) => e instanceof DeviceOutputError && /ospf-1 +: four/.test(e.message));
  });
});

describe('interface brief parser', () => {
  it('reads a real IOS capture, two-word status included', () => {
    const rows = parseIpInterfaceBrief(fixture('ios-show-ip-interface-brief.txt'));
    assert.equal(rows.length, 6);
    assert.deepEqual(rows[1], { name: 'Ethernet0/0.11', status: 'up', protocol: 'up' });
    assert.deepEqual(rows[3], { name: 'Ethernet0/2', status: 'administratively down', protocol: 'down' });
  });

  it('reads a real NX-OS capture over two VRFs', () => {
    const rows = parseIpInterfaceBrief(fixture('nxos-show-ip-interface-brief.txt'));
    assert.equal(rows.length, 8);
    assert.deepEqual(rows[0], { name: 'Eth1/1', status: 'down', protocol: 'down' });
    assert.deepEqual(rows[7], { name: 'mgmt0', status: 'up', protocol: 'up' });
  });

  it('reads a real NX-OS capture with an unnumbered interface wrapped on two lines', () => {
    const rows = parseIpInterfaceBrief(fixture('nxos-show-ip-interface-brief-vrf-all.txt'));
    assert.deepEqual(
      rows.map((r) => r.name),
      ['mti6', 'Eth2/17.103', 'Eth2/17.104'],
    );
  });

  it('maps NX-OS admin-down to administratively down', () => {
    const rows = parseIpInterfaceBrief(
      text(['IP Interface Status for VRF "default"(1)', 'Interface            IP Address      Interface Status', 'Eth1/9               10.1.1.19       protocol-down/link-down/admin-down']),
    );
    assert.deepEqual(rows, [{ name: 'Eth1/9', status: 'administratively down', protocol: 'down' }]);
  });

  it('reads the lab output of every family, healthy and with the uplink down', () => {
    const uplink: Record<Family, string> = { 'ios-xe': 'TenGigabitEthernet1/1/1', ios: 'GigabitEthernet0/1', 'nx-os': 'Eth1/49' };
    for (const family of ['ios-xe', 'ios', 'nx-os'] as const) {
      const up = parseIpInterfaceBrief(text(ipInterfaceBrief(family, '127.20.0.7', false)));
      const down = parseIpInterfaceBrief(text(ipInterfaceBrief(family, '127.20.0.7', true)));
      assert.deepEqual(up.find((r) => r.name === uplink[family]), { name: uplink[family], status: 'up', protocol: 'up' }, family);
      assert.deepEqual(down.find((r) => r.name === uplink[family]), { name: uplink[family], status: 'down', protocol: 'down' }, family);
      assert.equal(up.length, down.length, family);
    }
    const classic = parseIpInterfaceBrief(text(ipInterfaceBrief('ios', '127.20.0.7', false)));
    assert.equal(classic[0]?.name, 'Embedded-Service-Engine0/0');
    assert.equal(classic[0]?.status, 'administratively down');
  });

  it('refuses output that is not an interface table', () => {
    assert.throws(() => parseIpInterfaceBrief('Interface GigabitEthernet0/0 is up'), DeviceOutputError);
  });

  it('refuses a row it cannot read, naming it, instead of leaving the interface out', () => {
    const ios = text(['Interface              IP-Address      OK? Method Status                Protocol', 'GigabitEthernet0/0     10.0.0.1        YES NVRAM  up                    up', 'GigabitEthernet0/1     10.0.0.2']);
    assert.throws(() => parseIpInterfaceBrief(ios), (e: unknown) => e instanceof DeviceOutputError && /GigabitEthernet0\/1\s+10\.0\.0\.2/.test(e.message));
    const nxos = text(['IP Interface Status for VRF "default"(1)', 'Interface            IP Address      Interface Status', 'Eth1/9               10.1.1.19       protocol-down/link-down']);
    assert.throws(() => parseIpInterfaceBrief(nxos), (e: unknown) => e instanceof DeviceOutputError && /Eth1\/9/.test(e.message));
  });

  it('reads an NX-OS table indented by one space (genieparser ShowIpInterfaceBrief golden_output_1)', () => {
    const rows = parseIpInterfaceBrief(text([' IP Interface Status for VRF "default"(1)', ' Interface            IP Address      Interface Status', ' Lo0                  192.168.4.1       protocol-up/link-up/admin-up']));
    assert.deepEqual(rows, [{ name: 'Lo0', status: 'up', protocol: 'up' }]);
  });
});

describe('diffSnapshots with the lab', () => {
  for (const family of ['ios-xe', 'ios', 'nx-os'] as const) {
    it(`${family}: healthy before and after passes`, () => {
      const pre = buildSnapshot(labOutputs(family));
      const post = buildSnapshot(labOutputs(family));
      const diff = diffSnapshots(pre, post);
      assert.equal(diff.status, 'pass', diff.reason);
      assert.deepEqual(
        diff.items.map((i) => [i.check, i.status]),
        [['cpu', 'pass'], ['routes', 'pass'], ['interfaces', 'pass']],
      );
      assert.match(diff.reason, /^all 3 postchecks passed$/);
    });

    it(`${family}: CPU high, fewer routes and uplink down after the upgrade all fail`, () => {
      const pre = buildSnapshot(labOutputs(family));
      const post = buildSnapshot(labOutputs(family, { high: true, fewer: true, uplinkDown: true }));
      const diff = diffSnapshots(pre, post);
      assert.equal(diff.status, 'fail');
      const byCheck = new Map(diff.items.map((i) => [i.check, i]));
      assert.equal(byCheck.get('cpu')?.status, 'fail');
      assert.equal(byCheck.get('routes')?.status, 'fail');
      assert.equal(byCheck.get('routes')?.pre, 56);
      assert.equal(byCheck.get('routes')?.post, 11);
      assert.match(byCheck.get('routes')?.reason ?? '', /45 fewer \(80\.4%\) \(ospf[ -]1: 48 → 3\), more than 10%/);
      assert.equal(byCheck.get('interfaces')?.status, 'fail');
      const ifaceFails = diff.items.filter((i) => i.check.startsWith('interface '));
      assert.equal(ifaceFails.length, 1);
      assert.equal(ifaceFails[0]?.pre, 'up/up');
      assert.equal(ifaceFails[0]?.post, 'down/down');
      assert.match(diff.reason, /^fail: CPU \d+% after the upgrade .*; fail: \d+ routes after .*; fail: 1 of \d+ interfaces up\/up/);
    });
  }

  it('each lab fault alone fails only its own check', () => {
    const pre = buildSnapshot(labOutputs('ios-xe'));
    const statuses = (faults: Parameters<typeof labOutputs>[1]) =>
      Object.fromEntries(
        diffSnapshots(pre, buildSnapshot(labOutputs('ios-xe', faults)))
          .items.filter((i) => !i.check.startsWith('interface '))
          .map((i) => [i.check, i.status]),
      );
    assert.deepEqual(statuses({ high: true }), { cpu: 'fail', routes: 'pass', interfaces: 'pass' });
    assert.deepEqual(statuses({ fewer: true }), { cpu: 'pass', routes: 'fail', interfaces: 'pass' });
    assert.deepEqual(statuses({ uplinkDown: true }), { cpu: 'pass', routes: 'pass', interfaces: 'fail' });
  });
});

describe('diffSnapshots thresholds', () => {
  const base = (over: Partial<HealthSnapshot> = {}): HealthSnapshot => ({
    cpuPercent: 10,
    routes: 100,
    routesBySource: { connected: 10, 'ospf 1': 90 },
    interfaces: [
      { name: 'Gi1/0/1', status: 'up', protocol: 'up' },
      { name: 'Gi1/0/2', status: 'down', protocol: 'down' },
      { name: 'Gi1/0/3', status: 'up', protocol: 'up' },
    ],
    custom: [],
    ...over,
  });
  const item = (pre: HealthSnapshot, post: HealthSnapshot, check: string, t = {}) => diffSnapshots(pre, post, t).items.find((i) => i.check === check);

  it('exports the default thresholds as named constants', () => {
    assert.deepEqual(
      [CPU_WARN_PERCENT, CPU_FAIL_PERCENT, ROUTE_DROP_WARN_PERCENT, ROUTE_DROP_FAIL_PERCENT],
      [60, 80, 0, 10],
    );
    assert.equal(DEFAULT_POSTCHECK_THRESHOLDS.customChanged, 'warn');
    assert.ok(Object.isFrozen(DEFAULT_POSTCHECK_THRESHOLDS));
  });

  it('CPU: 60 passes, 61 warns, 80 warns, 81 fails; already high before only warns', () => {
    const cpu = (before: number, after: number) => item(base({ cpuPercent: before }), base({ cpuPercent: after }), 'cpu')?.status;
    assert.equal(cpu(10, 60), 'pass');
    assert.equal(cpu(10, 61), 'warn');
    assert.equal(cpu(10, 80), 'warn');
    assert.equal(cpu(10, 81), 'fail');
    assert.equal(cpu(85, 90), 'warn');
    assert.match(item(base({ cpuPercent: 85 }), base({ cpuPercent: 90 }), 'cpu')?.reason ?? '', /already was before/);
    assert.equal(item(base(), base({ cpuPercent: 70 }), 'cpu', { cpuWarnPercent: 75 })?.status, 'pass');
  });

  it('the CPU figure is the one-minute average; the five-minute one is reported', () => {
    const pre = buildSnapshot({ cpu: 'CPU utilization for five seconds: 3%/0%; one minute: 4%; five minutes: 4%' });
    const post = buildSnapshot({ cpu: 'CPU utilization for five seconds: 99%/2%; one minute: 12%; five minutes: 85%' });
    const cpu = diffSnapshots(pre, post).items[0];
    assert.equal(cpu?.status, 'pass');
    assert.equal(cpu?.post, 12);
    assert.match(cpu?.reason ?? '', /five-minute average 85%/);
  });

  it('routes: none lost passes, a few lost warns, more than 10 % lost fails, more passes', () => {
    const routes = (after: number) => item(base(), base({ routes: after, routesBySource: { connected: 10, 'ospf 1': after - 10 } }), 'routes');
    assert.equal(routes(100)?.status, 'pass');
    assert.equal(routes(120)?.status, 'pass');
    assert.equal(routes(99)?.status, 'warn');
    assert.equal(routes(90)?.status, 'warn');
    assert.equal(routes(89)?.status, 'fail');
    assert.match(routes(89)?.reason ?? '', /89 routes after the upgrade, 100 before: 11 fewer \(11%\) \(ospf 1: 90 → 79\), more than 10%/);
    assert.equal(item(base({ routes: 0 }), base({ routes: 0 }), 'routes')?.status, 'pass');
  });

  it('interfaces: up/up then down fails, gone fails, down then up and new interfaces are ignored', () => {
    const post = base({
      interfaces: [
        { name: 'Gi1/0/1', status: 'administratively down', protocol: 'down' },
        { name: 'Gi1/0/2', status: 'up', protocol: 'up' },
        { name: 'Gi1/0/9', status: 'up', protocol: 'up' },
      ],
    });
    const diff = diffSnapshots(base(), post);
    const items = diff.items.filter((i) => i.check.startsWith('interface'));
    assert.deepEqual(
      items.map((i) => [i.check, i.pre, i.post, i.status]),
      [
        ['interfaces', 2, 0, 'fail'],
        ['interface Gi1/0/1', 'up/up', 'administratively down/down', 'fail'],
        ['interface Gi1/0/3', 'up/up', null, 'fail'],
      ],
    );
    assert.match(items[0]?.reason ?? '', /2 of 2 interfaces up\/up before the upgrade are not up\/up after it: Gi1\/0\/1, Gi1\/0\/3/);
    // up/down (line protocol down) is not up/up either.
    const upDown = base({ interfaces: [{ name: 'Gi1/0/1', status: 'up', protocol: 'down' }, { name: 'gi1/0/3', status: 'UP', protocol: 'Up' }] });
    const d2 = diffSnapshots(base(), upDown);
    assert.deepEqual(
      d2.items.filter((i) => i.status === 'fail').map((i) => i.check),
      ['interfaces', 'interface Gi1/0/1'],
    );
  });

  it('custom post checks: same output passes, changed output warns with a line diff summary', () => {
    const pre = base({ custom: [{ name: 'bgp peers', output: 'Neighbor 10.0.0.1 Established\r\nNeighbor 10.0.0.2 Established\r\n' }] });
    const same = base({ custom: [{ name: 'bgp peers', output: 'Neighbor 10.0.0.1 Established   \nNeighbor 10.0.0.2 Established' }] });
    assert.equal(item(pre, same, 'custom bgp peers')?.status, 'pass');
    const changed = base({ custom: [{ name: 'bgp peers', output: 'Neighbor 10.0.0.1 Established\nNeighbor 10.0.0.2 Idle\nNeighbor 10.0.0.3 Active' }] });
    const c = item(pre, changed, 'custom bgp peers');
    assert.equal(c?.status, 'warn');
    assert.equal(c?.pre, 2);
    assert.equal(c?.post, 3);
    assert.equal(
      c?.reason,
      'bgp peers: output changed after the upgrade, +2 -1 lines: + "Neighbor 10.0.0.2 Idle", + "Neighbor 10.0.0.3 Active", - "Neighbor 10.0.0.2 Established"',
    );
    assert.equal(item(pre, changed, 'custom bgp peers', { customChanged: 'fail' })?.status, 'fail');
    const missing = item(pre, base(), 'custom bgp peers');
    assert.deepEqual([missing?.status, missing?.pre, missing?.post], ['warn', 2, null]);
    assert.match(missing?.reason ?? '', /not collected after the upgrade/);
  });

  it('line diff: reordering, duplicates and long diffs', () => {
    assert.equal(lineDiffSummary(diffLines('a\nb', 'b\na')), 'same lines in a different order');
    assert.deepEqual(diffLines('a\na\nb', 'a\nb'), { added: [], removed: ['a'], reordered: false });
    const many = diffLines('', 'l1\nl2\nl3\nl4\nl5');
    assert.match(lineDiffSummary(many), /^\+5 -0 lines: \+ "l1", \+ "l2", \+ "l3", and 2 more$/);
  });

  it('a check collected on one side only warns; none collected at all is an empty pass', () => {
    const { cpuPercent: _c, ...noCpu } = base();
    const diff = diffSnapshots(base(), noCpu);
    assert.equal(diff.status, 'warn');
    assert.deepEqual(diff.items[0], { check: 'cpu', pre: 10, post: null, status: 'warn', reason: 'cpu was not collected after the upgrade: nothing to compare' });
    const { interfaces: _i, ...noIfaces } = base();
    assert.deepEqual(
      diffSnapshots(noIfaces, base()).items.find((i) => i.check === 'interfaces'),
      { check: 'interfaces', pre: null, post: 2, status: 'warn', reason: 'interfaces was not collected before the upgrade: nothing to compare' },
    );
    const empty = diffSnapshots({ custom: [] }, { custom: [] });
    assert.deepEqual(empty, { status: 'pass', items: [], reason: 'no postcheck data to compare' });
  });

  it('snapshots are plain JSON (they travel through Temporal)', () => {
    const snap = buildSnapshot({ ...labOutputs('nx-os'), custom: [{ name: 'show vpc brief', output: 'vPC domain id : 10' }] });
    assert.deepEqual(JSON.parse(JSON.stringify(snap)), snap);
    assert.equal(snap.routes, 56);
    assert.equal(snap.custom.length, 1);
  });
});
