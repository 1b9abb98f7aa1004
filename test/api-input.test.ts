// Hostile and malformed input at the API: refused with a 4xx naming what was wrong, and nothing
// stored. A line break in an enable secret would run the lines after it as commands on the device;
// a NUL byte is refused by PostgreSQL; a bad percent-encoding must not be a 500.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseCallbackBody } from '../domain/itsm.ts';
import type { DevServer } from '../scripts/temporal-dev-server.ts';
import { startTestNetswim, type TestNetswim } from './support/netswim.ts';
import { startTestTemporal } from './support/temporal.ts';

let temporal: DevServer;
let netswim: TestNetswim;

before(async () => {
  temporal = await startTestTemporal();
  netswim = await startTestNetswim(temporal.address, { runWorker: false });
});

after(async () => {
  await netswim?.stopAll();
  await temporal?.stop();
});

async function send(method: string, path: string, body: string): Promise<{ status: number; error: string }> {
  const res = await netswim.api(path, { method, headers: { 'content-type': 'application/json' }, body });
  return { status: res.status, error: String(((await res.json()) as { error?: string }).error) };
}

async function deviceRow(hostname: string): Promise<unknown> {
  return (await netswim.db.query('SELECT * FROM devices WHERE hostname = $1', [hostname]))[0];
}

const device = { hostname: 'in-sw1', address: '192.0.2.10', platform: 'cat9300', username: 'netswim', password: 'secret-1', enableSecret: 'enable-1' };

describe('input that would reach a device CLI', () => {
  it('refuses an enable secret with a line break and commands after it (400 naming the field), the device unchanged', async () => {
    assert.equal((await send('POST', '/devices', JSON.stringify(device))).status, 201);
    const stored = await deviceRow('in-sw1');
    for (const secret of ['x\nconfigure terminal\nboot system flash:X.bin\nend\nwrite memory', 'x\rreload', 'x\u001a', 'x\u2028reload']) {
      const answer = await send('PATCH', '/devices/in-sw1', JSON.stringify({ enableSecret: secret }));
      assert.equal(answer.status, 400);
      assert.match(answer.error, /^enableSecret: contains the control character U\+/);
    }
    for (const field of ['password', 'username', 'address']) {
      const answer = await send('PATCH', '/devices/in-sw1', JSON.stringify({ [field]: 'ab\ncd' }));
      assert.equal(answer.status, 400);
      assert.match(answer.error, new RegExp(`^${field}: contains the control character U\\+000A`));
    }
    const batch = await send('POST', '/devices/import', JSON.stringify([{ ...device, hostname: 'in-sw2', password: 'p\nreload' }]));
    assert.equal(batch.status, 400);
    assert.match(batch.error, /^0\.password: contains the control character/);
    assert.deepEqual(await deviceRow('in-sw1'), stored, 'nothing changed');
    assert.equal(await deviceRow('in-sw2'), undefined, 'nothing stored');
  });

  it('refuses a custom check command with a second line', async () => {
    const answer = await send('POST', '/checks', JSON.stringify({ name: 'x', commands: ['show clock\nreload'], when: 'pre' }));
    assert.equal(answer.status, 400);
    assert.match(answer.error, /commands.*(line break|control character)/s);
  });
});

describe('malformed input', () => {
  it('refuses a NUL byte in any JSON string with 400 naming it', async () => {
    const answer = await send('POST', '/sites', JSON.stringify({ path: 'Global/A\u0000B', kind: 'area' }));
    assert.equal(answer.status, 400);
    assert.match(answer.error, /^path: contains the control character U\+0000/);
    assert.equal((await netswim.db.query("SELECT * FROM sites WHERE path LIKE 'Global/A%'")).length, 0);
  });

  it('answers a malformed percent-encoding in a path with 400, on the API and on the image service', async () => {
    for (const path of ['/upgrades/%E0%A4%A', '/sites/Global%E0%A4%A/window', '/images/import/%E0%A4%A']) {
      const res = await netswim.api(path);
      assert.equal(res.status, 400, path);
      assert.match(((await res.json()) as { error: string }).error, /not valid percent-encoding/);
    }
    const res = await fetch(`${netswim.imageServiceUrl}/images/%E0%A4%A/x.bin`);
    assert.equal(res.status, 400);
  });

  it('checks addresses properly: 127.0.0.256 is neither an IPv4 address nor a host name', async () => {
    for (const address of ['127.0.0.256', '1.2.3', '-bad.example', 'a..b', 'x'.repeat(64) + '.example']) {
      const answer = await send('PATCH', '/devices/in-sw1', JSON.stringify({ address }));
      assert.equal(answer.status, 400, address);
      assert.match(answer.error, /address must be an IPv4 or IPv6 address or a DNS name/);
    }
    for (const address of ['2001:db8::1', 'sw-1.example.net', '10.0.0.1']) {
      assert.equal((await send('PATCH', '/devices/in-sw1', JSON.stringify({ address }))).status, 200, address);
    }
  });

  it('refuses a signed ITSM callback body that names a key twice', () => {
    const body = '{"number":"CHG0030001","sys_id":"0123456789abcdef0123456789abcdef","decision":"rejected","approver":"a","reason":"r","timestamp":1,"decision":"approved"}';
    assert.equal(parseCallbackBody(body), 'the body names "decision" twice');
    const nested = '{"number":"CHG0030001","a":{"x":1,"y":{"x":2}},"b":[{"x":1},{"x":2}]}';
    assert.notEqual(parseCallbackBody(nested), 'the body names "x" twice', 'equal keys in different objects are fine');
  });
});

// Found by the fuzz test (api-fuzz.test.ts): each was a 500 before.
describe('what the fuzz test found', () => {
  it('refuses a NUL byte in a custom check name to delete (400 naming it), the checks unchanged', async () => {
    assert.equal((await send('POST', '/checks', JSON.stringify({ name: 'fz-keep', commands: ['show clock'], when: 'pre', stage: 'activation' }))).status, 201);
    const checks = await netswim.db.query('SELECT * FROM custom_checks ORDER BY name');
    for (const raw of ['%00', 'a%0Ab', '-x', 'x'.repeat(65)]) {
      const res = await netswim.api(`/checks/${raw}`, { method: 'DELETE' });
      assert.equal(res.status, 400, raw);
      assert.match(((await res.json()) as { error: string }).error, /not a custom check name/);
    }
    assert.deepEqual(await netswim.db.query('SELECT * FROM custom_checks ORDER BY name'), checks);
    assert.equal((await netswim.api('/checks/fz-keep', { method: 'DELETE' })).status, 200);
  });

  it('refuses control characters in every value of a custom check (its series too), nothing stored', async () => {
    const answer = await send('POST', '/checks', JSON.stringify({ name: 'fz-nul', commands: ['show clock'], when: 'pre', stage: 'activation', series: ['a\u0000b'] }));
    assert.equal(answer.status, 400);
    assert.match(answer.error, /^series\.0: contains the control character U\+0000/);
    assert.equal((await netswim.db.query("SELECT * FROM custom_checks WHERE name = 'fz-nul'")).length, 0);
  });

  it('refuses a body nested 20,000 levels deep with 400 (not a stack overflow), nothing stored', async () => {
    const before = await netswim.db.query('SELECT count(*)::int AS n FROM devices');
    for (const [method, path] of [['POST', '/devices'], ['POST', '/campaigns'], ['PUT', '/sites/Global/window'], ['POST', '/checks']] as const) {
      for (const body of ['['.repeat(20_000) + ']'.repeat(20_000), '{"a":'.repeat(6_000) + '1' + '}'.repeat(6_000)]) {
        const answer = await send(method, path, body);
        assert.equal(answer.status, 400, `${method} ${path}`);
        assert.equal(answer.error, 'request body nests arrays or objects deeper than 32 levels');
      }
    }
    assert.deepEqual(await netswim.db.query('SELECT count(*)::int AS n FROM devices'), before);
  });
});
