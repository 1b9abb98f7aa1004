// Compliance of devices against their golden image.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyDevice, classifyDevices, type ComplianceDevice } from '../domain/compliance.ts';
import { resolveGolden, type GoldenImage, type GoldenTag } from '../domain/golden.ts';

const FAMILY = 'Cisco Catalyst 9300 Switch';
const images: GoldenImage[] = [
  { imageId: 'xe-1794a', imageType: 'base', fileName: 'cat9k_iosxe.17.09.04a.SPA.bin', version: '17.09.04a' },
  { imageId: 'xe-1765', imageType: 'base', fileName: 'cat9k_iosxe.17.06.05.SPA.bin', version: '17.06.05' },
  { imageId: 'ios-e9', imageType: 'base', fileName: 'c2960x-universalk9-mz.152-7.E9.bin', version: '15.2(7)E9' },
];
const tags: GoldenTag[] = [
  { imageId: 'xe-1794a', imageType: 'base', family: FAMILY },
  { imageId: 'xe-1765', imageType: 'base', family: FAMILY, site: 'Global/Lab' },
  { imageId: 'ios-e9', imageType: 'base', family: 'Cisco Catalyst 2960-X Switch' },
];
const sw = (extra: Partial<ComplianceDevice>): ComplianceDevice => ({ family: FAMILY, site: 'Global/EMEA/Paris', ...extra });
const classify = (d: ComplianceDevice) => classifyDevice(d, resolveGolden(d, tags, images));

describe('classifyDevice', () => {
  it('compliant: runs the golden version (any spelling), bundle file or install mode', () => {
    assert.equal(classify(sw({ runningVersion: '17.09.04a', runningImage: 'cat9k_iosxe.17.09.04a.SPA.bin' })).status, 'compliant');
    assert.equal(classify(sw({ runningVersion: '17.9.4a', runningImage: 'packages.conf' })).status, 'compliant');
    assert.equal(classify(sw({ runningVersion: '17.09.04a' })).status, 'compliant');
  });

  it('outdated: names the golden image and the direction', () => {
    const c = classify(sw({ runningVersion: '17.06.05', runningImage: 'cat9k_iosxe.17.06.05.SPA.bin' }));
    assert.equal(c.status, 'outdated');
    assert.ok(c.status === 'outdated');
    assert.equal(c.target.fileName, 'cat9k_iosxe.17.09.04a.SPA.bin');
    assert.equal(c.direction, 'upgrade');
    assert.match(c.reason, /runs 17\.06\.05, golden is 17\.09\.04a/);

    const newer = classify(sw({ runningVersion: '17.12.1' }));
    assert.ok(newer.status === 'outdated');
    assert.equal(newer.direction, 'downgrade');

    const ios = classifyDevice(
      { family: 'Cisco Catalyst 2960-X Switch', site: 'Global/EMEA', runningVersion: '15.2(7)E8' },
      resolveGolden({ family: 'Cisco Catalyst 2960-X Switch', site: 'Global/EMEA' }, tags, images),
    );
    assert.ok(ios.status === 'outdated');
    assert.equal(ios.direction, 'upgrade');
  });

  it('outdated at the same version when a different bundle file runs (e.g. the NPE image)', () => {
    const c = classify(sw({ runningVersion: '17.09.04a', runningImage: 'cat9k_iosxe_npe.17.09.04a.SPA.bin' }));
    assert.ok(c.status === 'outdated');
    assert.equal(c.direction, 'same-version');
  });

  it('follows the site tree: the lab is golden on 17.6.5', () => {
    assert.equal(classify(sw({ site: 'Global/Lab/Rack-1', runningVersion: '17.06.05' })).status, 'compliant');
    assert.equal(classify(sw({ site: 'Global/Lab/Rack-1', runningVersion: '17.09.04a' })).status, 'outdated');
  });

  it('no-golden: nothing applies to the family', () => {
    const d: ComplianceDevice = { family: 'Cisco Catalyst 9500 Switch', site: 'Global/EMEA', runningVersion: '17.09.04a' };
    const c = classify(d);
    assert.equal(c.status, 'no-golden');
    assert.match(c.reason, /no golden image for family Cisco Catalyst 9500 Switch, site Global\/EMEA/);
  });

  it('unknown: running version not known, or unreadable', () => {
    const c = classify(sw({}));
    assert.equal(c.status, 'unknown');
    assert.match(c.reason, /not known/);
    assert.equal(classify(sw({ runningVersion: '  ' })).status, 'unknown');
    const odd = classify(sw({ runningVersion: 'weird-build' }));
    assert.equal(odd.status, 'unknown');
    assert.match(odd.reason, /cannot compare running version weird-build with golden 17\.09\.04a/);
  });
});

describe('classifyDevices', () => {
  it('classifies a fleet; a tag conflict makes only the affected devices unknown', () => {
    const conflicting: GoldenTag[] = [
      ...tags,
      { imageId: 'xe-1794a', imageType: 'base', family: FAMILY, site: 'Global/Broken' },
      { imageId: 'xe-1765', imageType: 'base', family: FAMILY, site: 'Global/Broken' },
    ];
    const fleet = [
      sw({ runningVersion: '17.09.04a' }),
      sw({ runningVersion: '17.06.05' }),
      sw({ site: 'Global/Broken/F1', runningVersion: '17.09.04a' }),
      sw({ family: 'Cisco Catalyst 9500 Switch' }),
    ];
    const statuses = classifyDevices(fleet, conflicting, images).map((r) => r.compliance.status);
    assert.deepEqual(statuses, ['compliant', 'outdated', 'unknown', 'no-golden']);
  });
});
