// Cisco version ordering: table-driven, with real version strings from Cisco release notes and
// `show version` captures (IOS, IOS-XE 16/17, IOS-XE 3.x, NX-OS, ROMMON).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  compareVersions,
  normalizeVersion,
  parseCiscoVersion,
  sameVersion,
  sortVersions,
  VersionCompareError,
  VersionParseError,
} from '../domain/version.ts';

describe('parseCiscoVersion', () => {
  const table: [string, string, string][] = [
    // input, scheme, canonical
    ['15.2(4)M7', 'ios', '15.2(4)M7'],
    ['15.2(4)M10', 'ios', '15.2(4)M10'],
    ['12.2(55)SE12', 'ios', '12.2(55)SE12'],
    ['15.0(2)SE11', 'ios', '15.0(2)SE11'],
    ['15.2(7)E9', 'ios', '15.2(7)E9'],
    ['15.9(3)M4', 'ios', '15.9(3)M4'],
    ['12.4(24)T', 'ios', '12.4(24)T'],
    ['15.1(4)M12a', 'ios', '15.1(4)M12a'],
    ['12.2(33)SXJ10', 'ios', '12.2(33)SXJ10'],
    ['12.2(54)SG1', 'ios', '12.2(54)SG1'],
    ['16.12.10a', 'iosxe', '16.12.10a'],
    ['17.3.1', 'iosxe', '17.3.1'],
    ['17.09.04a', 'iosxe', '17.9.4a'],
    ['17.12.1', 'iosxe', '17.12.1'],
    ['03.06.08E', 'iosxe3', '3.6.8E'],
    ['3.16.10S', 'iosxe3', '3.16.10S'],
    ['03.16.10.S', 'iosxe3', '3.16.10S'],
    ['3.16.4bS', 'iosxe3', '3.16.4bS'],
    ['7.0(3)I7(9)', 'nxos', '7.0(3)I7(9)'],
    ['6.0(2)U6(10)', 'nxos', '6.0(2)U6(10)'],
    ['9.3(10)', 'nxos', '9.3(10)'],
    ['10.2(5)', 'nxos', '10.2(5)'],
    ['10.4(1)F', 'nxos', '10.4(1)F'],
    ['10.3(4a)M', 'nxos', '10.3(4a)M'],
    ['16.12(1r)', 'rommon', '16.12(1r)'],
    ['15.0(1r)M15', 'rommon', '15.0(1r)M15'],
  ];
  for (const [input, scheme, canonical] of table) {
    it(`reads ${input} as ${scheme}`, () => {
      const v = parseCiscoVersion(input);
      assert.equal(v.scheme, scheme);
      assert.equal(v.canonical, canonical);
    });
  }

  for (const bad of ['', 'latest', '17.9', '17.09.04a.0.4', '15.2.4', '15.2(4)', '22.1(1)', 'v17.9.4', '17.9.4-rc1', '9.3(10)SE5', '1.2.3']) {
    it(`refuses ${JSON.stringify(bad)}`, () => {
      assert.throws(() => parseCiscoVersion(bad), VersionParseError);
    });
  }
});

describe('compareVersions', () => {
  // [older, newer]
  const ascending: [string, string][] = [
    // required by issue 4
    ['15.2(4)M7', '15.2(4)M10'],
    ['16.12.10a', '17.3.1'],
    ['17.9.4', '17.9.4a'],
    ['17.9.4a', '17.12.1'],
    ['9.3(10)', '10.2(5)'],
    // IOS
    ['12.2(55)SE12', '15.0(2)SE11'],
    ['15.0(2)SE11', '15.2(7)E9'],
    ['15.2(7)E8', '15.2(7)E9'],
    ['15.2(4)M', '15.2(4)M1'],
    ['15.9(3)M4', '15.9(3)M10'],
    ['15.1(4)M12', '15.1(4)M12a'],
    ['12.2(54)SG1', '12.2(55)SE12'],
    ['15.2(4)M7', '15.9(3)M4'],
    // IOS to IOS-XE: 16 continues 15's numbering
    ['15.2(7)E9', '16.12.10a'],
    // IOS-XE
    ['16.9.4', '16.12.1'],
    ['17.3.1', '17.3.1a'],
    ['17.6.5', '17.09.04a'],
    ['17.09.04', '17.9.4a'],
    ['17.9.4a', '17.9.4b'],
    ['17.9.5', '17.10.1'],
    ['3.16.10S', '16.9.1'],
    // IOS-XE 3.x
    ['03.06.08E', '03.06.10E'],
    ['3.16.4S', '3.16.4bS'],
    ['3.16.9S', '03.16.10.S'],
    // NX-OS
    ['7.0(3)I7(8)', '7.0(3)I7(9)'],
    ['7.0(3)I7(9)', '9.3(10)'],
    ['9.3(9)', '9.3(10)'],
    ['10.2(5)', '10.4(1)F'],
    ['10.3(4)M', '10.3(4a)M'],
    ['6.0(2)U6(9)', '6.0(2)U6(10)'],
    // ROMMON
    ['16.9(1r)', '16.12(1r)'],
  ];
  for (const [older, newer] of ascending) {
    it(`${older} < ${newer}`, () => {
      assert.equal(compareVersions(older, newer), -1);
      assert.equal(compareVersions(newer, older), 1);
    });
  }

  const equal: [string, string][] = [
    ['17.09.04a', '17.9.4a'],
    ['16.12.04', '16.12.4'],
    ['03.16.10.S', '3.16.10S'],
    ['03.06.08E', '3.6.8E'],
    ['10.2(5)M', '10.2(5)'],
    ['15.2(4)M7', '15.2(4)M7'],
  ];
  for (const [a, b] of equal) {
    it(`${a} == ${b}`, () => assert.equal(compareVersions(a, b), 0));
  }

  it('refuses to order versions of different lineages', () => {
    assert.throws(() => compareVersions('9.3(10)', '17.9.4a'), VersionCompareError);
    assert.throws(() => compareVersions('15.2(4)M7', '7.0(3)I7(9)'), VersionCompareError);
    assert.throws(() => compareVersions('15.2(2)E8', '03.06.08E'), VersionCompareError);
    assert.throws(() => compareVersions('16.12(1r)', '16.12.1'), VersionCompareError);
  });

  it('refuses what it cannot read, naming it', () => {
    assert.throws(() => compareVersions('17.9.4a', 'banana'), /cannot read Cisco version "banana"/);
  });
});

describe('sortVersions', () => {
  // Deterministic shuffle (no randomness in tests either).
  const shuffle = <T>(xs: T[], seed: number): T[] => {
    const out = [...xs];
    let s = seed;
    for (let i = out.length - 1; i > 0; i--) {
      s = (s * 1103515245 + 12345) % 2147483648;
      const j = s % (i + 1);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  };

  const iosLineage = [
    '12.2(54)SG1',
    '12.2(55)SE12',
    '12.4(24)T',
    '15.0(2)SE11',
    '15.2(4)M',
    '15.2(4)M7',
    '15.2(4)M10',
    '15.2(7)E9',
    '15.9(3)M4',
    '16.9.4',
    '16.12.10a',
    '17.3.1',
    '17.6.5',
    '17.9.4',
    '17.09.04a',
    '17.9.5',
    '17.12.1',
    '17.15.1',
  ];
  const nxos = ['6.0(2)U6(10)', '7.0(3)I7(8)', '7.0(3)I7(9)', '9.2(4)', '9.3(9)', '9.3(10)', '10.2(5)', '10.3(4a)M', '10.4(1)F'];

  for (const seed of [1, 7, 42, 2024]) {
    it(`sorts shuffled IOS/IOS-XE and NX-OS lists back into order (seed ${seed})`, () => {
      assert.deepEqual(sortVersions(shuffle(iosLineage, seed)), iosLineage);
      assert.deepEqual(sortVersions(shuffle(nxos, seed)), nxos);
    });
  }

  it('refuses a mixed IOS / NX-OS list', () => {
    assert.throws(() => sortVersions(['17.9.4a', '9.3(10)', '15.2(4)M7']), VersionCompareError);
  });
});

describe('normalizeVersion / sameVersion', () => {
  it('keeps the existing spellings equal', () => {
    assert.equal(normalizeVersion(' 17.09.04a '), '17.9.4a');
    assert.ok(sameVersion('17.09.04a', '17.9.4a'));
    assert.ok(!sameVersion('17.9.4', '17.9.4a'));
  });

  it('reads IOS-XE 3.x with or without the dot before its train, as compareVersions does', () => {
    // `show version` on an ASR 1001 (test/fixtures) vs the version read from its image file name.
    assert.ok(sameVersion('03.09.01.S', '03.09.01S'));
    assert.ok(sameVersion('03.16.04b.S', '3.16.4bS'));
    assert.equal(compareVersions('03.09.01.S', '03.09.01S'), 0);
    assert.ok(!sameVersion('03.09.01.S', '03.09.02S'));
    assert.ok(!sameVersion('03.06.08.E', '03.06.08S'), 'another train is another release');
    // Other schemes keep their dots and letters.
    assert.equal(normalizeVersion('15.2(4)M7'), '15.2(4)m7');
    assert.equal(normalizeVersion('17.3.1a'), '17.3.1a');
  });
});
