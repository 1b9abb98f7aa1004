// The import address policy (images/import-address-policy.ts) and its enforcement around name
// resolution (images/import-guard.ts): which addresses a URL import may reach, as the API and the
// download activity see them.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { checkImportAddress, parseImportAllow, refusedRange, type ImportAddressPolicy } from '../images/import-address-policy.ts';
import { ImportRefusedError, literalImportRefusal, pinnedLookup, resolveImportTarget, type ImportGuard, type LookupAll } from '../images/import-guard.ts';
import { loadConfig } from '../runtime/config.ts';

const none: ImportAddressPolicy = { allow: [], ownServices: [] };
const verdict = (policy: ImportAddressPolicy, address: string, port = 80, host = address) => checkImportAddress(policy, { host, address, port });

describe('import address policy', () => {
  it('refuses loopback, link-local (cloud metadata), unspecified, multicast and broadcast, in IPv4 and IPv6', () => {
    const refused: Array<[string, RegExp]> = [
      ['127.0.0.1', /loopback.*127\.0\.0\.0\/8/],
      ['127.255.3.4', /loopback/],
      ['::1', /loopback.*::1\/128/],
      ['169.254.169.254', /link-local.*cloud metadata/],
      ['fe80::1', /link-local.*fe80::\/10/],
      ['febf:ffff::1', /link-local/],
      ['0.0.0.0', /unspecified/],
      ['0.1.2.3', /unspecified/],
      ['::', /unspecified/],
      ['224.0.0.1', /multicast/],
      ['239.255.255.250', /multicast/],
      ['ff02::1', /multicast/],
      ['255.255.255.255', /broadcast/],
      ['fd00:ec2::254', /cloud metadata/],
    ];
    for (const [address, reason] of refused) {
      const answer = verdict(none, address);
      assert.equal(answer.allowed, false, address);
      assert.match(answer.allowed ? '' : answer.reason, reason, address);
      assert.match(answer.allowed ? '' : answer.reason, /NETSWIM_IMPORT_ALLOW/);
    }
  });

  it('refuses the same addresses inside IPv4-mapped and IPv4-compatible IPv6', () => {
    for (const address of ['::ffff:127.0.0.1', '::ffff:7f00:1', '0:0:0:0:0:ffff:7f00:0001', '::ffff:169.254.169.254', '::ffff:a9fe:a9fe', '::127.0.0.1', '::ffff:0.0.0.0']) {
      assert.match(refusedRange(address) ?? '', /IPv6 form of/, address);
    }
    assert.match(refusedRange('::ffff:7f00:1') ?? '', /loopback.*IPv6 form of 127\.0\.0\.1/);
  });

  it('allows private networks and public addresses: image servers live there', () => {
    for (const address of ['10.1.2.3', '172.16.0.9', '192.168.1.20', '100.64.0.1', '8.8.8.8', 'fd12:3456::1', '2001:db8::7', '::ffff:10.0.0.1', '128.0.0.1', '169.253.255.255', '223.255.255.255']) {
      assert.deepEqual(verdict(none, address), { allowed: true }, address);
    }
  });

  it('sees through the decimal, hex and octal IPv4 forms that WHATWG URL normalizes', async () => {
    const guard: ImportGuard = { allow: [], ownListeners: () => [] };
    for (const text of ['http://2130706433/x.bin', 'http://0x7f.1/x.bin', 'http://0177.0.0.1/x.bin', 'http://127.1/x.bin', 'http://0x7f000001/x.bin', 'http://[::ffff:127.0.0.1]/x.bin', 'http://[0:0::1]/x.bin', 'ftp://0/x.bin']) {
      const refusal = await literalImportRefusal(guard, new URL(text));
      assert.match(refusal ?? '', /^url: refused: .* is (a loopback|an unspecified)/, text);
    }
    assert.equal(await literalImportRefusal(guard, new URL('http://10.0.0.5/x.bin')), undefined);
    // A name is left to the activity, which resolves it.
    assert.equal(await literalImportRefusal(guard, new URL('http://localhost/x.bin')), undefined);
  });

  it('lets NETSWIM_IMPORT_ALLOW through by host name, address, CIDR network and port', () => {
    const policy: ImportAddressPolicy = { allow: parseImportAllow('files.lab, 127.0.0.1:2121, 127.20.0.0/16, [::1]:8000, fe80::/64'), ownServices: [] };
    assert.deepEqual(verdict(policy, '127.0.0.1', 80, 'FILES.lab.'), { allowed: true });
    assert.deepEqual(verdict(policy, '127.0.0.1', 2121), { allowed: true });
    assert.equal(verdict(policy, '127.0.0.1', 2122).allowed, false, 'another port of an address allowed with its port');
    assert.deepEqual(verdict(policy, '127.20.3.4', 22), { allowed: true });
    assert.deepEqual(verdict(policy, '::ffff:127.20.0.9', 22), { allowed: true }, 'the IPv6 form of an allowed IPv4 address');
    assert.equal(verdict(policy, '127.21.0.1', 80).allowed, false);
    assert.deepEqual(verdict(policy, '::1', 8000), { allowed: true });
    assert.equal(verdict(policy, '::1', 8001).allowed, false);
    assert.deepEqual(verdict(policy, 'fe80::1234', 80), { allowed: true });
    assert.equal(verdict(policy, 'fe80:0:0:1::1', 80).allowed, false);
    assert.equal(verdict(policy, '169.254.169.254', 80, 'other.lab').allowed, false);
  });

  it("refuses netswim's own services at their address and port even when NETSWIM_IMPORT_ALLOW allows the host", () => {
    const policy: ImportAddressPolicy = { allow: parseImportAllow('127.0.0.0/8,10.0.0.9'), ownServices: [{ name: 'Temporal frontend', address: '127.0.0.1', port: 7233 }, { name: 'API', address: '10.0.0.9', port: 8080 }] };
    const temporal = verdict(policy, '127.0.0.1', 7233);
    assert.equal(temporal.allowed, false);
    assert.match(temporal.allowed ? '' : temporal.reason, /127\.0\.0\.1:7233 is netswim's own Temporal frontend/);
    assert.equal(verdict(policy, '::ffff:127.0.0.1', 7233).allowed, false, 'its IPv6 form too');
    const api = verdict(policy, '10.0.0.9', 8080);
    assert.match(api.allowed ? '' : api.reason, /netswim's own API/);
    assert.deepEqual(verdict(policy, '127.0.0.1', 7234), { allowed: true });
    assert.deepEqual(verdict(policy, '10.0.0.9', 80), { allowed: true });
  });

  it('refuses a NETSWIM_IMPORT_ALLOW entry it does not understand, naming it', () => {
    assert.deepEqual(parseImportAllow(undefined), []);
    assert.deepEqual(parseImportAllow(' , '), []);
    for (const bad of ['10.0.0.0/33', '127.0.0.256', 'files.lab:0', 'files.lab:70000', 'a b', 'http://files.lab', '10.0.0.0/8/1', '::1/129']) {
      assert.throws(() => parseImportAllow(bad), /NETSWIM_IMPORT_ALLOW/, bad);
      assert.throws(() => loadConfig({ NETSWIM_IMPORT_ALLOW: bad }), /invalid configuration: NETSWIM_IMPORT_ALLOW/, bad);
    }
    assert.equal(loadConfig({ NETSWIM_IMPORT_ALLOW: 'files.lab,10.9.0.0/16' }).importAllow.length, 2);
  });
});

describe('import guard: resolve once, check every address, connect to the checked one', () => {
  const lookupOf =
    (answers: Record<string, string[]>): LookupAll =>
    (host) =>
      Promise.resolve((answers[host] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));

  it('refuses a name when any address it resolves to is refused (a rebinding name answering public and loopback)', async () => {
    const guard: ImportGuard = { allow: [], ownListeners: () => [], lookup: lookupOf({ 'rebind.example': ['93.184.216.34', '127.0.0.1'], 'meta.example': ['::ffff:169.254.169.254'] }) };
    await assert.rejects(resolveImportTarget(guard, new URL('http://rebind.example/x.bin')), (error: Error) => {
      assert.ok(error instanceof ImportRefusedError);
      assert.match(error.message, /^refused: rebind\.example resolves to 127\.0\.0\.1: 127\.0\.0\.1 is a loopback address/);
      return true;
    });
    await assert.rejects(resolveImportTarget(guard, new URL('http://meta.example/x.bin')), /link-local/);
    await assert.rejects(resolveImportTarget(guard, new URL('http://nowhere.example/x.bin')), { code: 'ENOTFOUND' });
  });

  it("refuses a name resolving to netswim's own service, its listener named by host name or as 0.0.0.0", async () => {
    const lookup = lookupOf({ 'temporal.internal': ['10.0.0.7'], 'files.example': ['10.0.0.7'] });
    const guard: ImportGuard = { allow: [], ownListeners: () => [{ name: 'Temporal frontend', host: 'temporal.internal', port: 7233 }, { name: 'API', host: '0.0.0.0', port: 8080 }], lookup };
    await assert.rejects(resolveImportTarget(guard, new URL('http://files.example:7233/x.bin')), /10\.0\.0\.7:7233 is netswim's own Temporal frontend/);
    assert.equal((await resolveImportTarget(guard, new URL('http://files.example/x.bin'))).address, '10.0.0.7');
    const allowAll: ImportGuard = { ...guard, allow: parseImportAllow('127.0.0.0/8') };
    assert.match((await literalImportRefusal(allowAll, new URL('http://127.0.0.1:8080/x.bin'))) ?? '', /netswim's own API/, 'an API on 0.0.0.0 is reachable on loopback');
  });

  it('connects where it checked, not where a second DNS answer points', async () => {
    const server = http.createServer((req, res) => res.end(`host ${req.headers.host}`));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      let answers = 0;
      // First answer: the allowed lab address; any later one would be a public address.
      const lookup: LookupAll = () => Promise.resolve([{ address: answers++ === 0 ? '127.0.0.1' : '203.0.113.1', family: 4 }]);
      const guard: ImportGuard = { allow: parseImportAllow(`files.lab:${port}`), ownListeners: () => [], lookup };
      const url = new URL(`http://files.lab:${port}/x.bin`);
      const target = await resolveImportTarget(guard, url);
      const body = await new Promise<string>((resolve, reject) => {
        http.get(url, { lookup: pinnedLookup(target) }, (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve(text));
        }).once('error', reject);
      });
      assert.equal(body, `host files.lab:${port}`, 'the Host header keeps the name');
      assert.equal(answers, 1, 'resolved once');
    } finally {
      server.close();
    }
  });
});
