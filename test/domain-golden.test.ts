// Golden images: site paths, inheritance down the site tree, precedence, and each tagging rule.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  GoldenConflictError,
  classifyGoldenTag,
  goldenTagRefusal,
  imageDeletionRefusal,
  normalizeSitePath,
  parseSitePath,
  resolveGolden,
  siteDepth,
  siteWithin,
  SitePathError,
  untagRefusal,
  type GoldenContext,
  type GoldenDevice,
  type GoldenImage,
  type GoldenTag,
} from '../domain/golden.ts';

const FAMILY = 'Cisco Catalyst 9300 Switch';
const img = (imageId: string, fileName: string, version: string, extra: Partial<GoldenImage> = {}): GoldenImage => ({
  imageId,
  imageType: 'base',
  fileName,
  version,
  ...extra,
});

const images: GoldenImage[] = [
  img('xe-1765', 'cat9k_iosxe.17.06.05.SPA.bin', '17.06.05'),
  img('xe-1794a', 'cat9k_iosxe.17.09.04a.SPA.bin', '17.09.04a'),
  img('xe-17121', 'cat9k_iosxe.17.12.01.SPA.bin', '17.12.01'),
  img('xe-1795', 'cat9k_iosxe.17.09.05.SPA.bin', '17.09.05'),
  img('smu-1794a', 'cat9k_iosxe.17.09.04a.CSCwh87343.SPA.smu.bin', '17.09.04a', { imageType: 'SMU', baseImageId: 'xe-1794a' }),
  img('smu2-1794a', 'cat9k_iosxe.17.09.04a.CSCwi11111.SPA.smu.bin', '17.09.04a', { imageType: 'SMU', baseImageId: 'xe-1794a' }),
  img('smu-orphan', 'cat9k_iosxe.17.09.04a.CSCwi22222.SPA.smu.bin', '17.09.04a', { imageType: 'SMU' }),
  img('rpbase', 'cat9k-rpbase.17.09.04a.SPA.pkg', '17.09.04a', { imageType: 'subpackage' }),
  img('rommon', 'cat9k_rommon_1712_1r_SPA.pkg', '17.12(1r)', { imageType: 'ROMMON' }),
  img('c8kv', 'c8000v-universalk9.17.09.04a.SPA.bin', '17.09.04a', { families: ['Cisco Catalyst 8000V Edge Software'] }),
];

const device = (site: string, role?: GoldenDevice['role'], extra: Partial<GoldenDevice> = {}): GoldenDevice => ({
  family: FAMILY,
  site,
  ...(role ? { role } : {}),
  ...extra,
});

describe('site paths', () => {
  it('parses Global/Area/Building/Floor and nested areas', () => {
    assert.deepEqual(parseSitePath('Global/EMEA/Paris-HQ/Floor 1'), ['Global', 'EMEA', 'Paris-HQ', 'Floor 1']);
    assert.deepEqual(parseSitePath('Global'), ['Global']);
    assert.equal(normalizeSitePath('Global / EMEA /France'), 'Global/EMEA/France');
    assert.equal(siteDepth('Global/EMEA/France/Paris-HQ/Floor-1'), 4);
    assert.equal(siteDepth(undefined), 0);
  });

  for (const bad of ['', 'EMEA/Paris', 'Global//Paris', 'Global/Paris/', 'Global/Par;is', 'Global/../etc', `Global/${'x'.repeat(81)}`]) {
    it(`refuses ${JSON.stringify(bad)}`, () => assert.throws(() => parseSitePath(bad), SitePathError));
  }

  it('knows ancestors', () => {
    assert.ok(siteWithin('Global/EMEA/Paris/F1', 'Global/EMEA'));
    assert.ok(siteWithin('Global/EMEA/Paris/F1', 'Global/EMEA/Paris/F1'));
    assert.ok(siteWithin('Global/EMEA', undefined));
    assert.ok(!siteWithin('Global/EMEA-2/Paris', 'Global/EMEA'), 'prefix of a name is not an ancestor');
    assert.ok(!siteWithin('Global/EMEA', 'Global/EMEA/Paris'));
  });
});

describe('resolveGolden', () => {
  const tags: GoldenTag[] = [
    { imageId: 'xe-1765', imageType: 'base', family: FAMILY },
    { imageId: 'xe-1794a', imageType: 'base', family: FAMILY, site: 'Global/EMEA' },
    { imageId: 'xe-1795', imageType: 'base', family: FAMILY, role: 'CORE' },
    { imageId: 'xe-17121', imageType: 'base', family: FAMILY, site: 'Global/EMEA/Paris-HQ', role: 'ACCESS' },
    { imageId: 'smu-1794a', imageType: 'SMU', family: FAMILY, site: 'Global/EMEA' },
  ];

  it('a family-wide tag applies everywhere (and before any device exists)', () => {
    assert.equal(resolveGolden(device('Global/APAC/Tokyo/F1'), tags, images)?.base.imageId, 'xe-1765');
    assert.equal(resolveGolden({ family: FAMILY }, tags, images)?.base.imageId, 'xe-1765', 'an unplaced device gets the Global tag');
  });

  it('is inherited down the site tree', () => {
    const r = resolveGolden(device('Global/EMEA/London/F3'), tags, images);
    assert.equal(r?.base.imageId, 'xe-1794a');
    assert.equal(r?.tag.site, 'Global/EMEA');
  });

  it('the deepest site wins over a role-specific tag higher up', () => {
    // CORE has a role tag at Global; the area tag at Global/EMEA is deeper and wins.
    assert.equal(resolveGolden(device('Global/EMEA/London/F3', 'CORE'), tags, images)?.base.imageId, 'xe-1794a');
    // Outside EMEA the CORE role tag beats the role-less Global tag (same depth).
    assert.equal(resolveGolden(device('Global/APAC/Tokyo', 'CORE'), tags, images)?.base.imageId, 'xe-1795');
  });

  it('role-specific wins over role-less at the same depth', () => {
    const sameDepth: GoldenTag[] = [
      { imageId: 'xe-1794a', imageType: 'base', family: FAMILY, site: 'Global/EMEA' },
      { imageId: 'xe-17121', imageType: 'base', family: FAMILY, site: 'Global/EMEA', role: 'ACCESS' },
    ];
    assert.equal(resolveGolden(device('Global/EMEA/Paris', 'ACCESS'), sameDepth, images)?.base.imageId, 'xe-17121');
    assert.equal(resolveGolden(device('Global/EMEA/Paris', 'CORE'), sameDepth, images)?.base.imageId, 'xe-1794a');
    assert.equal(resolveGolden(device('Global/EMEA/Paris'), sameDepth, images)?.base.imageId, 'xe-1794a', 'no role: role-less tag');
  });

  it('a role-specific building tag applies to that role only', () => {
    assert.equal(resolveGolden(device('Global/EMEA/Paris-HQ/F2', 'ACCESS'), tags, images)?.base.imageId, 'xe-17121');
    assert.equal(resolveGolden(device('Global/EMEA/Paris-HQ/F2', 'DISTRIBUTION'), tags, images)?.base.imageId, 'xe-1794a');
  });

  it('roles count only for physical devices', () => {
    const r = resolveGolden(device('Global/APAC/Tokyo', 'CORE', { physical: false }), tags, images);
    assert.equal(r?.base.imageId, 'xe-1765');
  });

  it('another family gets nothing', () => {
    assert.equal(resolveGolden({ family: 'Cisco Catalyst 9500 Switch', site: 'Global/EMEA' }, tags, images), undefined);
  });

  it('adds the golden SMUs of the resolved base image only', () => {
    assert.deepEqual(
      resolveGolden(device('Global/EMEA/London'), tags, images)?.addOns.map((a) => a.imageId),
      ['smu-1794a'],
    );
    // Paris-HQ ACCESS resolves to 17.12.1: the 17.9.4a SMU tagged at EMEA is not part of it.
    assert.deepEqual(resolveGolden(device('Global/EMEA/Paris-HQ', 'ACCESS'), tags, images)?.addOns, []);
    assert.deepEqual(resolveGolden(device('Global/APAC'), tags, images)?.addOns, []);
  });

  it('resolves a golden ROMMON alongside', () => {
    const withRommon: GoldenTag[] = [...tags, { imageId: 'rommon', imageType: 'ROMMON', family: FAMILY }];
    assert.equal(resolveGolden(device('Global/EMEA'), withRommon, images)?.rommon?.imageId, 'rommon');
  });

  it('refuses to choose between two images at one scope', () => {
    const conflicting: GoldenTag[] = [
      { imageId: 'xe-1765', imageType: 'base', family: FAMILY, site: 'Global/EMEA' },
      { imageId: 'xe-1794a', imageType: 'base', family: FAMILY, site: 'Global/EMEA' },
    ];
    assert.throws(() => resolveGolden(device('Global/EMEA/Paris'), conflicting, images), GoldenConflictError);
  });

  it('ignores tags of images no longer in the repository', () => {
    const dangling: GoldenTag[] = [{ imageId: 'gone', imageType: 'base', family: FAMILY, site: 'Global/EMEA' }, ...tags];
    assert.equal(resolveGolden(device('Global/EMEA'), dangling, images)?.base.imageId, 'xe-1794a');
  });
});

describe('golden tagging rules', () => {
  const base: GoldenTag = { imageId: 'xe-1794a', imageType: 'base', family: FAMILY, site: 'Global/EMEA', role: 'ACCESS' };
  const ctx = (tags: GoldenTag[] = []): GoldenContext => ({ images, tags, virtualFamilies: ['Cisco Catalyst 8000V Edge Software'] });

  it('a base image may be golden for a family, role and site', () => {
    assert.equal(goldenTagRefusal(base, ctx()), undefined);
    assert.equal(goldenTagRefusal({ imageId: 'xe-1794a', imageType: 'base', family: FAMILY }, ctx()), undefined);
  });

  it('says whether a refusal is the tag itself (invalid) or a clash with existing tags (conflict)', () => {
    const smu: GoldenTag = { ...base, imageId: 'smu-1794a', imageType: 'SMU' };
    assert.equal(classifyGoldenTag(smu, ctx())?.kind, 'conflict', 'base not golden yet: tagging the base resolves it');
    assert.equal(classifyGoldenTag({ ...base, imageId: 'rpbase', imageType: 'subpackage' }, ctx([base]))?.kind, 'invalid');
    assert.equal(classifyGoldenTag({ ...base, family: '' }, ctx())?.kind, 'invalid');
    assert.equal(classifyGoldenTag(base, ctx([base])), undefined, 'the same tag again is a no-op');
  });

  it('a SMU can be golden only where its base image is golden (same family, role and site)', () => {
    const smu: GoldenTag = { ...base, imageId: 'smu-1794a', imageType: 'SMU' };
    assert.match(goldenTagRefusal(smu, ctx())!, /only where its base image is golden: cat9k_iosxe\.17\.09\.04a\.SPA\.bin is not golden/);
    assert.equal(goldenTagRefusal(smu, ctx([base])), undefined);
    // Base golden at another role / site / family: still refused.
    assert.ok(goldenTagRefusal({ ...smu, role: 'CORE' }, ctx([base])));
    assert.ok(goldenTagRefusal({ ...smu, site: 'Global/EMEA/Paris' }, ctx([base])));
    assert.ok(goldenTagRefusal({ ...smu, site: undefined }, ctx([base])));
    assert.ok(goldenTagRefusal({ ...smu, family: 'Cisco Catalyst 9500 Switch' }, ctx([{ ...base, family: 'Cisco Catalyst 9500 Switch', imageId: 'xe-1765' }])));
    // Another base image golden at that scope does not count.
    assert.ok(goldenTagRefusal(smu, ctx([{ ...base, imageId: 'xe-1765' }])));
  });

  it('a SMU not attached to a base image cannot be golden', () => {
    assert.match(goldenTagRefusal({ ...base, imageId: 'smu-orphan', imageType: 'SMU' }, ctx([base]))!, /not attached to a base image/);
  });

  it('a subpackage can never be golden', () => {
    assert.match(goldenTagRefusal({ ...base, imageId: 'rpbase', imageType: 'subpackage' }, ctx([base]))!, /subpackage.*never be golden/);
  });

  it('roles only for physical device families', () => {
    const c8kv: GoldenTag = { imageId: 'c8kv', imageType: 'base', family: 'Cisco Catalyst 8000V Edge Software' };
    assert.equal(goldenTagRefusal(c8kv, ctx()), undefined);
    assert.match(goldenTagRefusal({ ...c8kv, role: 'BORDER ROUTER' }, ctx())!, /physical devices only/);
  });

  it('refuses an unknown role, a bad site, a wrong family, a wrong type and an unknown image', () => {
    assert.match(goldenTagRefusal({ ...base, role: 'EDGE' as 'CORE' }, ctx())!, /not one of ACCESS, DISTRIBUTION, CORE, BORDER ROUTER/);
    assert.match(goldenTagRefusal({ ...base, site: 'EMEA' }, ctx())!, /must start with Global/);
    assert.match(goldenTagRefusal({ imageId: 'c8kv', imageType: 'base', family: FAMILY }, ctx())!, /does not apply to family/);
    assert.match(goldenTagRefusal({ ...base, imageType: 'SMU' }, ctx())!, /is a base image, not SMU/);
    assert.match(goldenTagRefusal({ ...base, imageId: 'nope' }, ctx())!, /not in the repository/);
  });

  it('one golden base image per scope; tagging the same one again is a no-op', () => {
    assert.match(goldenTagRefusal({ ...base, imageId: 'xe-17121' }, ctx([base]))!, /already the golden base image.*untag it first/);
    assert.equal(goldenTagRefusal(base, ctx([base])), undefined);
    assert.equal(goldenTagRefusal({ ...base, site: 'Global/EMEA/Paris', imageId: 'xe-17121' }, ctx([base])), undefined, 'a deeper site may differ');
  });

  it('a base image with golden SMUs at its scope cannot be untagged first', () => {
    const smu: GoldenTag = { ...base, imageId: 'smu-1794a', imageType: 'SMU' };
    assert.match(untagRefusal(base, ctx([base, smu]))!, /untag cat9k_iosxe\.17\.09\.04a\.CSCwh87343\.SPA\.smu\.bin first/);
    assert.equal(untagRefusal(smu, ctx([base, smu])), undefined);
    assert.equal(untagRefusal(base, ctx([base])), undefined);
  });

  it('a golden image cannot be deleted', () => {
    assert.match(imageDeletionRefusal('xe-1794a', [base])!, /golden for family Cisco Catalyst 9300 Switch, role ACCESS, site Global\/EMEA/);
    assert.equal(imageDeletionRefusal('xe-1765', [base]), undefined);
  });
});

describe('NX-OS kickstart images', () => {
  const nx: GoldenImage[] = [
    img('sys-738', 'n5000-uk9.7.3.8.N1.1.bin', '7.3(8)N1(1)'),
    img('ks-738', 'n5000-uk9-kickstart.7.3.8.N1.1.bin', '7.3(8)N1(1)', { imageType: 'kickstart', baseImageId: 'sys-738' }),
  ];
  const tag: GoldenTag = { imageId: 'sys-738', imageType: 'base', family: 'n5k' };

  it('the golden system image brings its kickstart, untagged', () => {
    const golden = resolveGolden({ family: 'n5k', site: 'Global/Lab' }, [tag], nx);
    assert.equal(golden?.base.imageId, 'sys-738');
    assert.equal(golden?.kickstart?.imageId, 'ks-738');
    assert.deepEqual(golden?.addOns, []);
  });

  it('a kickstart image cannot be tagged golden on its own', () => {
    const refusal = goldenTagRefusal({ imageId: 'ks-738', imageType: 'kickstart', family: 'n5k' }, { images: nx, tags: [] });
    assert.match(refusal ?? '', /is a kickstart image: it comes with the system image of its release, so tag that system image golden instead/);
  });

  it('two kickstarts linked to one system image is refused rather than one picked', () => {
    const two = [...nx, img('ks-738b', 'n5000-uk9-kickstart.7.3.8.N1.1b.bin', '7.3(8)N1(1)', { imageType: 'kickstart', baseImageId: 'sys-738' })];
    assert.throws(() => resolveGolden({ family: 'n5k' }, [tag], two), /has 2 kickstart images linked/);
  });
});
