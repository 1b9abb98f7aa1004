// Which distribution servers a site's devices use (domain/site-distribution.ts): the nearest
// assignment on the site or its ancestors, primary and secondary resolved independently.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { effectiveDistribution, siteCovers, type EffectiveDistribution, type SiteAssignment } from '../domain/site-distribution.ts';

const TREE: SiteAssignment[] = [
  { site: 'Global', primary: 'dc-sftp', secondary: 'dc-ftp' },
  { site: 'Global/EMEA', primary: 'emea-sftp' },
  { site: 'Global/EMEA/Paris', primary: 'paris-sftp', secondary: 'paris-ftp' },
  { site: 'Global/EMEA/London', primary: 'dc-ftp' },
  { site: 'Global/EMEA/Berlin', primary: 'berlin-http', secondary: 'berlin-http' },
];

const CASES: { name: string; site: string; assignments?: SiteAssignment[]; expect: EffectiveDistribution }[] = [
  { name: 'no assignment anywhere: nothing (devices use the image service)', site: 'Global/EMEA/Paris', assignments: [], expect: {} },
  { name: 'Global itself', site: 'Global', expect: { primary: { server: 'dc-sftp', site: 'Global' }, secondary: { server: 'dc-ftp', site: 'Global' } } },
  {
    name: 'a site with its own primary and secondary',
    site: 'Global/EMEA/Paris',
    expect: { primary: { server: 'paris-sftp', site: 'Global/EMEA/Paris' }, secondary: { server: 'paris-ftp', site: 'Global/EMEA/Paris' } },
  },
  {
    name: 'a floor inherits both from its building',
    site: 'Global/EMEA/Paris/Bldg-1/Floor-2',
    expect: { primary: { server: 'paris-sftp', site: 'Global/EMEA/Paris' }, secondary: { server: 'paris-ftp', site: 'Global/EMEA/Paris' } },
  },
  {
    name: 'primary from the area, secondary from Global (resolved independently)',
    site: 'Global/EMEA/Madrid',
    expect: { primary: { server: 'emea-sftp', site: 'Global/EMEA' }, secondary: { server: 'dc-ftp', site: 'Global' } },
  },
  {
    name: 'an inherited secondary equal to the primary is dropped',
    site: 'Global/EMEA/London/Floor-1',
    expect: { primary: { server: 'dc-ftp', site: 'Global/EMEA/London' } },
  },
  {
    name: 'an assignment naming one server twice yields a primary only',
    site: 'Global/EMEA/Berlin',
    expect: { primary: { server: 'berlin-http', site: 'Global/EMEA/Berlin' } },
  },
  {
    name: 'another top-level area inherits Global',
    site: 'Global/Americas/NYC',
    expect: { primary: { server: 'dc-sftp', site: 'Global' }, secondary: { server: 'dc-ftp', site: 'Global' } },
  },
  {
    name: 'a sibling whose name extends another is not its child',
    site: 'Global/EMEA/Paris-North',
    assignments: [{ site: 'Global/EMEA/Paris', primary: 'paris-sftp' }],
    expect: {},
  },
  {
    name: 'an area with only a primary below a site without a secondary',
    site: 'Global/Lab/Paris/Floor-1',
    assignments: [{ site: 'Global/Lab', primary: 'lab-ftp' }, { site: 'Global/Lab/Paris', primary: 'paris-sftp' }],
    expect: { primary: { server: 'paris-sftp', site: 'Global/Lab/Paris' } },
  },
];

void describe('effective distribution servers of a site', () => {
  for (const c of CASES) {
    void it(c.name, () => {
      assert.deepEqual(effectiveDistribution(c.site, c.assignments ?? TREE), c.expect);
    });
  }

  void it('compares servers with the given equality', () => {
    const assignments: SiteAssignment<{ id: number }>[] = [{ site: 'Global', primary: { id: 1 }, secondary: { id: 1 } }];
    assert.equal(effectiveDistribution('Global/X', assignments, (a, b) => a.id === b.id).secondary, undefined);
  });

  void it('refuses a malformed site path', () => {
    assert.throws(() => effectiveDistribution('EMEA/Paris', TREE), /must start with Global/);
  });
});

void describe('siteCovers', () => {
  const rows: [string, string, boolean][] = [
    ['Global', 'Global', true],
    ['Global', 'Global/EMEA/Paris', true],
    ['Global/EMEA/Paris', 'Global/EMEA/Paris/Floor-1', true],
    ['Global/EMEA/Paris', 'Global/EMEA/Paris-North', false],
    ['Global/EMEA/Paris', 'Global/EMEA', false],
  ];
  for (const [site, device, covered] of rows) {
    void it(`${site} ${covered ? 'covers' : 'does not cover'} ${device}`, () => assert.equal(siteCovers(site, device), covered));
  }
});
