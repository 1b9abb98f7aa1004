// Device family and series from the chassis model (`show inventory` PID). The family is the key
// golden tags and image assignments use (e.g. cat9300); the series is Cisco's product-line name
// as Catalyst Center shows it.
export interface FamilyOfModel {
  family: string;
  series: string;
}

const MODEL_FAMILIES: readonly { pattern: RegExp; family: string; series: string }[] = [
  { pattern: /^C9200/i, family: 'cat9200', series: 'Cisco Catalyst 9200 Series Switches' },
  { pattern: /^C9300/i, family: 'cat9300', series: 'Cisco Catalyst 9300 Series Switches' },
  { pattern: /^C9400/i, family: 'cat9400', series: 'Cisco Catalyst 9400 Series Switches' },
  { pattern: /^C9500/i, family: 'cat9500', series: 'Cisco Catalyst 9500 Series Switches' },
  { pattern: /^C9600/i, family: 'cat9600', series: 'Cisco Catalyst 9600 Series Switches' },
  { pattern: /^C9800-CL/i, family: 'c9800cl', series: 'Cisco Catalyst 9800 Wireless Controllers for Cloud' },
  { pattern: /^C9800/i, family: 'c9800', series: 'Cisco Catalyst 9800 Series Wireless Controllers' },
  { pattern: /^WS-C3850/i, family: 'cat3850', series: 'Cisco Catalyst 3850 Series Switches' },
  { pattern: /^WS-C2960X/i, family: 'cat2960x', series: 'Cisco Catalyst 2960-X Series Switches' },
  { pattern: /^WS-C4948E?/i, family: 'cat4948', series: 'Cisco Catalyst 4900 Series Switches' },
  { pattern: /^CISCO29\d\d/i, family: 'isr2900', series: 'Cisco 2900 Series Integrated Services Routers' },
  { pattern: /^CISCO39\d\d/i, family: 'isr3900', series: 'Cisco 3900 Series Integrated Services Routers' },
  { pattern: /^CISCO19\d\d/i, family: 'isr1900', series: 'Cisco 1900 Series Integrated Services Routers' },
  { pattern: /^ISR43\d\d/i, family: 'isr4300', series: 'Cisco 4300 Series Integrated Services Routers' },
  { pattern: /^ISR44\d\d/i, family: 'isr4400', series: 'Cisco 4400 Series Integrated Services Routers' },
  { pattern: /^C8[0-9]00V|^C8000V/i, family: 'c8000v', series: 'Cisco Catalyst 8000V Edge Software' },
  { pattern: /^C8[0-9]00/i, family: 'c8000', series: 'Cisco Catalyst 8000 Edge Platforms' },
  { pattern: /^ASR1\d{3}/i, family: 'asr1000', series: 'Cisco ASR 1000 Series Aggregation Services Routers' },
  { pattern: /^CSR1000V/i, family: 'csr1000v', series: 'Cisco Cloud Services Router 1000V Series' },
  { pattern: /^N9K-/i, family: 'n9k', series: 'Cisco Nexus 9000 Series Switches' },
  { pattern: /^N7K-/i, family: 'n7k', series: 'Cisco Nexus 7000 Series Switches' },
  { pattern: /^N3K-/i, family: 'n3k', series: 'Cisco Nexus 3000 Series Switches' },
  { pattern: /^N5K-/i, family: 'n5k', series: 'Cisco Nexus 5000 Series Switches' },
];

/** Family and series of a chassis model; undefined for a model netswim does not know yet. */
export function familyOfModel(model: string): FamilyOfModel | undefined {
  const hit = MODEL_FAMILIES.find((m) => m.pattern.test(model.trim()));
  return hit && { family: hit.family, series: hit.series };
}

/** Virtual platforms: role-specific golden tags do not apply to them (domain/golden.ts). */
export function isVirtualFamily(family: string): boolean {
  return ['c8000v', 'csr1000v', 'c9800cl'].includes(family);
}
