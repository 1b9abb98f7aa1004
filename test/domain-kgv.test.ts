// Known Good Values: Cisco's KGV JSON (excerpt in test/fixtures/domain-kgv/, see its README) and
// the integrity verdicts built on it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { KgvFormatError, parseKgv, verifyImage } from '../domain/kgv.ts';

const sample = readFileSync(new URL('./fixtures/domain-kgv/cisco-kgv-sample.json', import.meta.url), 'utf8');
const kgv = parseKgv(sample);

const ISR4400 = {
  fileName: 'isr4400-universalk9.16.02.01.SPA.bin',
  md5: '20635f61965b87e9671e0643dd9ef1d7',
  sha512:
    '3887036879d891cd148a3dd804bf5f4fc011b929d345d2b4f91aa1d72c0dec12dc7a6f996a50db4bb2b29c748ee603e546901fc6a96664f9d8194a2cb5d6211c',
};
const otherSha512 = 'ab'.repeat(64);

describe('parseKgv', () => {
  it("reads Cisco's KGV_format_2.0 file: one entry per OS image, boot measurements ignored", () => {
    assert.equal(kgv.formatVersion, 'KGV_format_2.0');
    assert.equal(kgv.entries.length, 3);
    assert.deepEqual(kgv.entries[0], {
      fileName: 'isr4400-universalk9.16.02.01.SPA.bin',
      platform: 'ISR4000',
      version: '16.02.01',
      sha512: ISR4400.sha512,
      md5: ISR4400.md5,
      sha256: '25c8d739f0fcfffc57e7875a8546bcbc04d34f0aaed73c878a0f3c4a78575b9d',
      published: 'May 14 2017 19:16:11 PDT-0700',
    });
    assert.equal(kgv.entries[2]?.version, '16.03.01a');
  });

  it('accepts parsed JSON, no header, MD5-only or SHA-512-only entries, upper-case hex', () => {
    const k = parseKgv({
      products: [
        {
          product: 'C9300',
          osImageVersions: [
            {
              version: '17.09.04a',
              entries: [
                { filename: 'cat9k_iosxe.17.09.04a.SPA.bin', md5: 'AABBCCDDEEFF00112233445566778899' },
                { filename: 'cat9k_iosxe_npe.17.09.04a.SPA.bin', sha512: otherSha512 },
              ],
            },
          ],
        },
      ],
    });
    assert.equal(k.formatVersion, undefined);
    assert.equal(k.entries[0]?.md5, 'aabbccddeeff00112233445566778899');
    assert.equal(k.entries[1]?.sha512, otherSha512);
  });

  it('accepts the same file listed for two products with the same hashes', () => {
    const entry = { filename: 'cat9k_iosxe.17.09.04a.SPA.bin', sha512: otherSha512 };
    const k = parseKgv({
      products: ['C9300', 'C9400'].map((product) => ({ product, osImageVersions: [{ version: '17.09.04a', entries: [entry] }] })),
    });
    assert.equal(k.entries.length, 2);
  });

  const entry = (e: Record<string, unknown>) => ({ products: [{ product: 'ISR4000', osImageVersions: [{ version: '16.02.01', entries: [e] }] }] });
  const bad: [string, unknown, RegExp][] = [
    ['text that is not JSON', '{"products": [', /not JSON/],
    ['an XML document', '<kgv><image/></kgv>', /not JSON/],
    ['an array', '[]', /\(top level\)/],
    ['no products', '{"products": []}', /products: products must list at least one product/],
    ['a wrong header', { header: { version: '1.0' }, products: [{ product: 'X' }] }, /header.version/],
    ['an empty product name', { products: [{ product: ' ' }] }, /products\.0\.product/],
    ['an entry with no hash', entry({ filename: 'a.bin', sha1: 'f'.repeat(40) }), /needs sha512 and\/or md5/],
    ['a short md5', entry({ filename: 'a.bin', md5: 'abc' }), /entries\.0\.md5: md5 must be 32 hexadecimal characters/],
    ['a non-hex sha512', entry({ filename: 'a.bin', sha512: 'z'.repeat(128) }), /sha512 must be 128/],
    ['a path in the file name', entry({ filename: '../etc/passwd', md5: 'a'.repeat(32) }), /filename: letters, digits/],
    ['a missing file name', entry({ md5: 'a'.repeat(32) }), /entries\.0\.filename/],
  ];
  for (const [what, input, message] of bad) {
    it(`refuses ${what}`, () => {
      assert.throws(() => parseKgv(input), (e: unknown) => e instanceof KgvFormatError && message.test(e.message));
    });
  }

  it('refuses one file name with two different hashes', () => {
    const k = {
      products: [
        { product: 'C9300', osImageVersions: [{ version: '17.9.4a', entries: [{ filename: 'x.bin', md5: 'a'.repeat(32) }] }] },
        { product: 'C9400', osImageVersions: [{ version: '17.9.4a', entries: [{ filename: 'x.bin', md5: 'b'.repeat(32) }] }] },
      ],
    };
    assert.throws(() => parseKgv(k), /x\.bin is listed twice with different md5 values/);
  });
});

describe('verifyImage', () => {
  it('verified by SHA-512 (and MD5)', () => {
    const r = verifyImage(ISR4400, kgv);
    assert.equal(r.status, 'verified');
    assert.equal(r.algorithm, 'sha512');
    assert.match(r.reason, /SHA-512 matches .* ISR4000 16\.02\.01/);
  });

  it('verified by MD5 alone, saying so; hashes compare case-insensitively', () => {
    const r = verifyImage({ fileName: ISR4400.fileName, md5: ISR4400.md5.toUpperCase() }, kgv);
    assert.equal(r.status, 'verified');
    assert.equal(r.algorithm, 'md5');
    assert.match(r.reason, /no SHA-512/);
  });

  it('mismatch when SHA-512 differs, even if MD5 matches', () => {
    const r = verifyImage({ ...ISR4400, sha512: otherSha512 }, kgv);
    assert.equal(r.status, 'mismatch');
    assert.match(r.reason, /SHA-512 of isr4400-universalk9\.16\.02\.01\.SPA\.bin differs/);
  });

  it('mismatch when MD5 differs', () => {
    const r = verifyImage({ fileName: ISR4400.fileName, md5: '0'.repeat(32) }, kgv);
    assert.equal(r.status, 'mismatch');
    assert.equal(r.algorithm, 'md5');
  });

  it('not verifiable when the file is not listed', () => {
    const r = verifyImage({ fileName: 'cat9k_iosxe.17.09.04a.SPA.bin', md5: '1'.repeat(32), sha512: otherSha512, platform: 'cat9k' }, kgv);
    assert.equal(r.status, 'not-verifiable');
    assert.match(r.reason, /cat9k_iosxe\.17\.09\.04a\.SPA\.bin \(platform cat9k\) is not listed/);
  });

  it('not verifiable when KGV and the image share no algorithm', () => {
    const md5Only = parseKgv({ products: [{ product: 'C9300', osImageVersions: [{ version: '17.9.4a', entries: [{ filename: 'x.bin', md5: 'a'.repeat(32) }] }] }] });
    const r = verifyImage({ fileName: 'x.bin', sha512: otherSha512 }, md5Only);
    assert.equal(r.status, 'not-verifiable');
    assert.match(r.reason, /KGV lists x\.bin with MD5 but the image has no such digest/);
  });

  it('verified when genuine bytes carry another name', () => {
    const r = verifyImage({ fileName: 'renamed.bin', sha512: ISR4400.sha512 }, kgv);
    assert.equal(r.status, 'verified');
    assert.equal(r.entry?.fileName, ISR4400.fileName);
    assert.match(r.reason, /the bytes are Cisco's isr4400-universalk9\.16\.02\.01\.SPA\.bin/);
  });
});
