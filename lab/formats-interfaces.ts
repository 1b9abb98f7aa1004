// IOS / IOS-XE interface and memory show commands, for the interfaces `show ip interface brief`
// lists (one list, so every command agrees). Formats from real captures:
// - `show interfaces`: genieparser iosxe ShowInterfaces golden_interface_output_8 (Catalyst,
//   "(connected)" / "(notconnect)" after the line protocol) and ntc-templates
//   tests/cisco_ios/show_interfaces/cisco_ios_show_interfaces.raw.
// - `show ip interface`: ntc-templates tests/cisco_ios/show_ip_interface/cisco_ios_show_ip_interface.raw.
// - `show ipv6 interface`: prints nothing when no interface has IPv6 enabled (the lab has none).
// - `show memory statistics`: genieparser iosxe ShowMemoryStatistics golden_output.
import { hashNumber } from './platform.ts';

export interface LabInterface {
  name: string;
  hardware: string;
  /** `up`, `down` or `administratively down`. */
  status: string;
  protocol: 'up' | 'down';
  /** Address and prefix length, when it has one. */
  ipv4?: { address: string; prefix: number };
  bandwidthKbit: number;
  description?: string;
  /** Switch ports say why the line is up or down. */
  switchport: boolean;
}

/** The interfaces of an IOS or IOS-XE lab device; `uplinkDown` is the interfaceDownAfterUpgrade fault. */
export function labInterfaces(family: 'ios-xe' | 'ios', address: string, uplinkDown: boolean): LabInterface[] {
  const uplink = uplinkDown ? 'down' : 'up';
  const mgmt = { address, prefix: 24 };
  if (family === 'ios') {
    return [
      { name: 'Embedded-Service-Engine0/0', hardware: 'PQ3_TSEC', status: 'administratively down', protocol: 'down', bandwidthKbit: 10000, switchport: false },
      { name: 'GigabitEthernet0/0', hardware: 'CN Gigabit Ethernet', status: 'up', protocol: 'up', ipv4: mgmt, bandwidthKbit: 1000000, description: 'management', switchport: false },
      { name: 'GigabitEthernet0/1', hardware: 'CN Gigabit Ethernet', status: uplink, protocol: uplink, ipv4: { address: '10.0.1.2', prefix: 30 }, bandwidthKbit: 1000000, description: 'uplink', switchport: false },
      { name: 'GigabitEthernet0/2', hardware: 'CN Gigabit Ethernet', status: 'administratively down', protocol: 'down', bandwidthKbit: 1000000, switchport: false },
    ];
  }
  return [
    { name: 'Vlan1', hardware: 'Ethernet SVI', status: 'administratively down', protocol: 'down', bandwidthKbit: 1000000, switchport: false },
    { name: 'GigabitEthernet0/0', hardware: 'RP management port', status: 'up', protocol: 'up', ipv4: mgmt, bandwidthKbit: 1000000, description: 'management', switchport: false },
    { name: 'GigabitEthernet1/0/1', hardware: 'Gigabit Ethernet', status: 'up', protocol: 'up', bandwidthKbit: 1000000, switchport: true },
    { name: 'GigabitEthernet1/0/2', hardware: 'Gigabit Ethernet', status: 'down', protocol: 'down', bandwidthKbit: 1000000, switchport: true },
    { name: 'TenGigabitEthernet1/1/1', hardware: 'Ten Gigabit Ethernet', status: uplink, protocol: uplink, ipv4: { address: '10.0.1.2', prefix: 30 }, bandwidthKbit: 10000000, description: 'uplink', switchport: false },
  ];
}

/** A stable burned-in MAC per device and interface, `xxxx.xxxx.xxxx`. */
export function macOf(hostname: string, index: number): string {
  const hex = (hashNumber(hostname).toString(16).padStart(8, '0') + (index + 1).toString(16).padStart(4, '0')).slice(-12);
  return `${hex.slice(0, 4)}.${hex.slice(4, 8)}.${hex.slice(8, 12)}`;
}

function headLine(i: LabInterface): string {
  const reason = i.switchport ? (i.protocol === 'up' ? ' (connected)' : ' (notconnect)') : '';
  return `${i.name} is ${i.status}, line protocol is ${i.protocol}${reason}`;
}

export function showInterfaces(hostname: string, interfaces: LabInterface[]): string[] {
  return interfaces.flatMap((i, index) => {
    const mac = macOf(hostname, index);
    const speed = i.bandwidthKbit >= 10000000 ? '10Gb/s' : i.bandwidthKbit >= 1000000 ? '1000Mb/s' : '10Mb/s';
    const up = i.protocol === 'up';
    return [
      headLine(i),
      `  Hardware is ${i.hardware}, address is ${mac} (bia ${mac})`,
      ...(i.description ? [`  Description: ${i.description}`] : []),
      ...(i.ipv4 ? [`  Internet address is ${i.ipv4.address}/${i.ipv4.prefix}`] : []),
      `  MTU 1500 bytes, BW ${i.bandwidthKbit} Kbit/sec, DLY 10 usec,`,
      '     reliability 255/255, txload 1/255, rxload 1/255',
      '  Encapsulation ARPA, loopback not set',
      '  Keepalive set (10 sec)',
      up ? `  Full-duplex, ${speed}, media type is ${i.bandwidthKbit >= 10000000 ? 'SFP-10GBase-SR' : '10/100/1000BaseTX'}` : '  Auto-duplex, Auto-speed, media type is 10/100/1000BaseTX',
      '  input flow-control is off, output flow-control is unsupported',
      '  ARP type: ARPA, ARP Timeout 04:00:00',
      `  Last input ${up ? '00:00:00' : 'never'}, output ${up ? '00:00:00' : 'never'}, output hang never`,
      '  Last clearing of "show interface" counters never',
      '  Input queue: 0/2000/0/0 (size/max/drops/flushes); Total output drops: 0',
      '  Queueing strategy: fifo',
      '  Output queue: 0/40 (size/max)',
      `  5 minute input rate ${up ? 16000 : 0} bits/sec, ${up ? 17 : 0} packets/sec`,
      '  5 minute output rate 0 bits/sec, 0 packets/sec',
      `     ${up ? 802233 : 0} packets input, ${up ? 69788086 : 0} bytes, 0 no buffer`,
      '     Received 0 broadcasts (0 multicasts)',
      '     0 runts, 0 giants, 0 throttles',
      '     0 input errors, 0 CRC, 0 frame, 0 overrun, 0 ignored',
      '     0 watchdog, 0 multicast, 0 pause input',
      `     ${up ? 971350 : 0} packets output, ${up ? 143406430 : 0} bytes, 0 underruns`,
      '     0 output errors, 0 collisions, 1 interface resets',
      '     0 unknown protocol drops',
      '     0 babbles, 0 late collision, 0 deferred',
      '     0 lost carrier, 0 no carrier, 0 pause output',
      '     0 output buffer failures, 0 output buffers swapped out',
    ];
  });
}

export function showIpInterface(interfaces: LabInterface[]): string[] {
  return interfaces.flatMap((i) => {
    if (!i.ipv4) return [headLine(i), '  Internet protocol processing disabled'];
    return [
      headLine(i),
      `  Internet address is ${i.ipv4.address}/${i.ipv4.prefix}`,
      '  Broadcast address is 255.255.255.255',
      '  Address determined by non-volatile memory',
      '  MTU is 1500 bytes',
      '  Helper address is not set',
      '  Directed broadcast forwarding is disabled',
      '  Outgoing Common access list is not set',
      '  Outgoing access list is not set',
      '  Inbound Common access list is not set',
      '  Inbound  access list is not set',
      '  Proxy ARP is enabled',
    ];
  });
}

/** `show memory statistics`: processor and I/O pools, sizes in bytes. */
export function showMemoryStatistics(seed: number): string[] {
  const total = 856541768;
  const used = 355116128 + (seed % 1000) * 4096;
  const free = total - used;
  const row = (pool: string, head: string, t: number, u: number, f: number, low: number, big: number): string =>
    `${pool.padStart(9)}  ${head}  ${String(t).padStart(10)}  ${String(u).padStart(10)}  ${String(f).padStart(10)}  ${String(low).padStart(10)}  ${String(big).padStart(10)}`;
  return [
    'Tracekey : 1#f8e3c2db7822c04e58ce2bd2fc7e476a   ',
    '',
    '                Head    Total(b)     Used(b)     Free(b)   Lowest(b)  Largest(b)',
    row('Processor', 'FF86F21010', total, used, free, free - 2328664, free - 384292),
    row(' lsmpi_io', 'FF867C51A8', 6295128, 6294304, 824, 824, 412),
    '',
  ];
}
