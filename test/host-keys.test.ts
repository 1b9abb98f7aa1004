// SSH host-key verification against the lab, each of whose devices has its own key: the first
// session records a device's key; re-pointing the device's address to another lab device (the
// attack of issue 14: the next inventory would send that host the password and the enable secret)
// is refused in the key exchange, so that host sees no authentication attempt at all; an operator
// accepts a new key explicitly (API and CLI), recorded with who and when.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { createInventoryActivities } from '../activities/inventory.ts';
import type { DeviceView } from '../api/host-key-routes.ts';
import { startLab } from '../lab/fleet.ts';
import { fleetSpecs, loadOrCreateCredentials } from '../lab/fleet-spec.ts';
import type { DeviceSpec, Lab, LabDevice } from '../lab/types.ts';
import { createLogger } from '../runtime/logger.ts';
import type { DevServer } from '../scripts/temporal-dev-server.ts';
import { checkHostKey, getHostKey } from '../store/host-keys.ts';
import type { InventoryProgress } from '../workflows/definitions.ts';
import { runCli } from './support/cli.ts';
import { startTestNetswim, type TestNetswim } from './support/netswim.ts';
import { startTestTemporal } from './support/temporal.ts';

const ALICE = 'alice-admin-token-0123456789';
const BOB = 'bob-operator-token-0123456789';

let temporal: DevServer;
let netswim: TestNetswim;
let lab: Lab;
let labDir: string;
let specs: DeviceSpec[];

async function startTheLab(): Promise<Lab> {
  return startLab({ stateDir: labDir, devices: specs });
}

before(async () => {
  temporal = await startTestTemporal();
  netswim = await startTestNetswim(temporal.address, { env: { NETSWIM_API_TOKENS: `admin/alice:${ALICE},operator/bob:${BOB}` }, adminToken: ALICE });
  labDir = await mkdtemp(join(tmpdir(), 'netswim-host-keys-lab-'));
  const credentials = await loadOrCreateCredentials(labDir);
  specs = fleetSpecs({ count: 3, baseAddress: '127.0.0.1', port: 0, credentials }).map((spec, i) => ({ ...spec, hostname: `hk-${'abc'[i]!}`, address: `127.0.0.${i + 31}` }));
  lab = await startTheLab();
  for (const device of lab.devices) {
    const { spec } = device;
    const created = await send('POST', '/devices', { hostname: spec.hostname, address: device.address, port: device.port, platform: 'ios-xe', username: spec.username, password: spec.password, enableSecret: spec.enableSecret });
    assert.equal(created.status, 201);
  }
});

after(async () => {
  await lab?.stop();
  await netswim?.stopAll();
  await temporal?.stop();
  if (labDir) await rm(labDir, { recursive: true, force: true });
});

function send(method: string, path: string, body?: unknown, token = ALICE): Promise<Response> {
  return netswim.api(path, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
}

async function view(hostname: string): Promise<DeviceView> {
  const response = await send('GET', `/devices/${hostname}`);
  assert.equal(response.status, 200);
  return (await response.json()) as DeviceView;
}

const keyOf = (device: LabDevice): string => device.state().ssh!.hostKey.fingerprint;
/** Every authentication attempt the lab device's SSH server received (password, keyboard-interactive, other). */
const attempts = (device: LabDevice): number => {
  const a = device.state().ssh!.authAttempts;
  return a.password + a.keyboardInteractive + a.other;
};

/** Inventories the named devices through the API; the run's failures by hostname. */
async function inventory(...hostnames: string[]): Promise<Map<string, string>> {
  const started = await send('POST', '/inventory', { devices: hostnames });
  assert.equal(started.status, 202);
  const { workflowId } = (await started.json()) as { workflowId: string };
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const run = (await (await send('GET', `/inventory/${workflowId}`)).json()) as { execution: string; progress?: InventoryProgress };
    if (run.execution !== 'RUNNING') {
      assert.equal(run.execution, 'COMPLETED');
      return new Map(run.progress!.failures.map((f) => [f.hostname, f.reason]));
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`inventory ${workflowId} did not finish`);
}

const repoint = async (hostname: string, to: LabDevice): Promise<void> => {
  const response = await send('PATCH', `/devices/${hostname}`, { address: to.address, port: to.port });
  assert.equal(response.status, 200);
};

describe('SSH host keys', () => {
  it('each lab device has its own key; the first session records it (trust on first use)', async () => {
    const [a, b, c] = lab.devices as [LabDevice, LabDevice, LabDevice];
    assert.equal(new Set([keyOf(a), keyOf(b), keyOf(c)]).size, 3, 'three devices, three keys');
    assert.match(keyOf(a), /^SHA256:[A-Za-z0-9+/]{43}$/);
    assert.equal((await view('hk-a')).hostKey, null, 'nothing recorded before the first session');

    assert.deepEqual(await inventory('hk-a', 'hk-b', 'hk-c'), new Map());
    for (const device of [a, b, c]) {
      const { hostKey, hostKeyEvents, runningVersion } = await view(device.hostname);
      assert.ok(runningVersion, 'inventoried');
      assert.equal(hostKey?.fingerprint, keyOf(device));
      assert.equal(hostKey?.keyType, 'ssh-ed25519');
      assert.equal(hostKey?.source, 'first-contact');
      assert.ok(hostKey?.firstSeenAt && Date.now() - Date.parse(hostKey.firstSeenAt) < 120_000);
      assert.equal(hostKey?.acceptedBy, null);
      assert.deepEqual(hostKeyEvents.map((e) => [e.kind, e.fingerprint]), [['recorded', keyOf(device)]]);
    }
  });

  it("re-pointed to another host, the device's next session is refused before any credential reaches that host", async () => {
    const [a, b] = lab.devices as [LabDevice, LabDevice];
    const recorded = (await view('hk-a')).hostKey!;
    const attemptsOnB = attempts(b);
    await repoint('hk-a', b);

    const failures = await inventory('hk-a');
    const reason = failures.get('hk-a') ?? '';
    assert.match(reason, /SSH host key mismatch for hk-a/);
    assert.ok(reason.includes(`expected ${keyOf(a)}`) && reason.includes(`received ${keyOf(b)}`), reason);
    assert.ok(reason.includes(`netswim devices accept-host-key hk-a --fingerprint ${keyOf(b)}`), 'the error says how to accept the new key');
    assert.equal(attempts(b), attemptsOnB, 'hk-b received no password or keyboard-interactive attempt');

    // The activity's failure: non-retryable, typed, naming both fingerprints.
    const activities = createInventoryActivities({ db: netswim.db, secretBox: netswim.secretBox, logger: createLogger({ level: 'error' }) });
    const { id } = await view('hk-a');
    await assert.rejects(activities.inventoryDevice(id), (error: unknown) => {
      assert.ok(error instanceof ApplicationFailure);
      assert.equal(error.type, 'HostKeyMismatch');
      assert.equal(error.nonRetryable, true);
      assert.deepEqual(error.details, [{ hostname: 'hk-a', expected: keyOf(a), received: keyOf(b), keyType: 'ssh-ed25519' }]);
      return true;
    });
    assert.equal(attempts(b), attemptsOnB, 'still no attempt on hk-b');

    const after = await view('hk-a');
    assert.equal(after.hostKey?.fingerprint, recorded.fingerprint, 'the recorded key is unchanged');
    assert.equal(after.hostKey?.firstSeenAt, recorded.firstSeenAt);
    assert.equal(after.hostKey?.refused?.fingerprint, keyOf(b), 'the refused key is kept for the operator');
    assert.match(after.inventoryError ?? '', /SSH host key mismatch/, "the device's record says why its inventory failed");
    const mismatch = after.hostKeyEvents.find((e) => e.kind === 'mismatch');
    assert.deepEqual(
      { fingerprint: mismatch?.fingerprint, expected: mismatch?.expectedFingerprint, address: mismatch?.address, port: mismatch?.port },
      { fingerprint: keyOf(b), expected: keyOf(a), address: b.address, port: b.port },
    );
  });

  it('refuses an accept call whose fingerprint is not what the device offers, changing nothing', async () => {
    const [a] = lab.devices as [LabDevice];
    const before = await view('hk-a');
    // hk-a points at hk-b now: its own (old) key is not what that address offers.
    const wrong = await send('POST', '/devices/hk-a/host-key', { fingerprint: keyOf(a) });
    assert.equal(wrong.status, 409);
    const answer = (await wrong.json()) as { error: string; offered: { fingerprint: string } };
    assert.match(answer.error, /offers the host key .* not .*nothing changed/);
    assert.equal(answer.offered.fingerprint, keyOf(lab.device('hk-b')));
    for (const [body, field] of [[{ fingerprint: 'MD5:aa:bb' }, /fingerprint/], [{}, /fingerprint/], [{ fingerprint: keyOf(a), extra: 1 }, /extra/]] as const) {
      const bad = await send('POST', '/devices/hk-a/host-key', body);
      assert.equal(bad.status, 400);
      assert.match(((await bad.json()) as { error: string }).error, field);
    }
    assert.equal((await send('POST', '/devices/no-such/host-key', { fingerprint: keyOf(a) })).status, 404);
    assert.equal((await send('POST', '/devices/hk-a/host-key', { fingerprint: keyOf(a) }, 'not-a-token-at-all-xxxx')).status, 401);
    assert.deepEqual((await view('hk-a')).hostKey, before.hostKey, 'the record is unchanged');
  });

  it("an operator accepts the new key through the API: recorded with who and when, and the device's sessions work again", async () => {
    const b = lab.device('hk-b');
    const accepted = await send('POST', '/devices/hk-a/host-key', { fingerprint: keyOf(b) });
    assert.equal(accepted.status, 200);
    const answer = (await accepted.json()) as { hostKey: NonNullable<DeviceView['hostKey']>; previous: string };
    assert.equal(answer.previous, keyOf(lab.device('hk-a')));
    const { hostKey, hostKeyEvents } = await view('hk-a');
    assert.equal(hostKey?.fingerprint, keyOf(b));
    assert.equal(hostKey?.source, 'operator');
    assert.equal(hostKey?.acceptedBy, 'alice', "the token holder's name");
    assert.ok(hostKey?.acceptedAt && Date.now() - Date.parse(hostKey.acceptedAt) < 60_000);
    assert.equal(hostKey?.refused, null);
    assert.deepEqual([hostKeyEvents[0]?.kind, hostKeyEvents[0]?.actor, hostKeyEvents[0]?.fingerprint], ['accepted', 'alice', keyOf(b)]);

    const attemptsOnB = attempts(b);
    assert.deepEqual(await inventory('hk-a'), new Map());
    assert.ok(attempts(b) > attemptsOnB, 'now the session logs in');
    assert.equal((await view('hk-a')).inventoryError, null);

    const audit = ((await (await send('GET', '/audit?path=/devices/hk-a/host-key')).json()) as { entries: { actor: string; status: number }[] }).entries;
    assert.deepEqual(audit.map((e) => [e.actor, e.status]).slice(0, 1), [['alice', 200]], 'the operator audit log has the call');
  });

  it('the CLI accepts a new key (devices accept-host-key --fingerprint), with clear errors naming the option', async () => {
    const a = lab.device('hk-a');
    await repoint('hk-a', a); // back to its own address: its own key is a mismatch now
    assert.match((await inventory('hk-a')).get('hk-a') ?? '', new RegExp(`expected ${keyOf(lab.device('hk-b')).replace(/[+/]/g, '\\$&')}, received ${keyOf(a).replace(/[+/]/g, '\\$&')}`));
    const cli = (args: string[]) => runCli(args, { NETSWIM_API_URL: netswim.apiUrl, NETSWIM_API_TOKEN: BOB });

    const missing = await cli(['devices', 'accept-host-key', 'hk-a']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--fingerprint is required/);
    const malformed = await cli(['devices', 'accept-host-key', 'hk-a', '--fingerprint', 'a1:b2:c3']);
    assert.equal(malformed.code, 2);
    assert.match(malformed.stderr, /--fingerprint must be an OpenSSH SHA256 fingerprint/);
    const wrong = await cli(['devices', 'accept-host-key', 'hk-a', '--fingerprint', keyOf(lab.device('hk-c'))]);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /offers the host key .*nothing changed/);

    const run = await cli(['devices', 'accept-host-key', 'hk-a', '--fingerprint', keyOf(a)]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`hk-a: host key ${keyOf(a).replace(/[+/]/g, '\\$&')} \\(ssh-ed25519\\) accepted by bob at \\S+, replacing`));
    const { hostKey } = await view('hk-a');
    assert.deepEqual([hostKey?.fingerprint, hostKey?.acceptedBy], [keyOf(a), 'bob']);
    assert.deepEqual(await inventory('hk-a'), new Map());

    const shown = await cli(['devices', 'show', 'hk-a']);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /host key: SHA256:\S+ \(ssh-ed25519\), operator, first seen \S+, accepted by bob/);
    assert.match(shown.stdout, /accepted {2}SHA256:\S+ by bob/);
    assert.match(shown.stdout, /mismatch {2}SHA256:\S+ \(expected SHA256:\S+\)/);
  });

  it('a key pinned at registration that the device does not offer is refused on first contact; one that matches is confirmed', async () => {
    const c = lab.device('hk-c');
    const base = { address: c.address, port: c.port, platform: 'ios-xe', username: c.spec.username, password: c.spec.password, enableSecret: c.spec.enableSecret };
    const bad = await send('POST', '/devices', { ...base, hostname: 'hk-bad-pin', hostKeyFingerprint: 'SHA256:short' });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: string }).error, /hostKeyFingerprint/);
    assert.equal((await send('GET', '/devices/hk-bad-pin')).status, 404, 'nothing stored');
    const badPatch = await send('PATCH', '/devices/hk-c', { hostKeyFingerprint: 'sha256:nope' });
    assert.equal(badPatch.status, 400);
    assert.match(((await badPatch.json()) as { error: string }).error, /hostKeyFingerprint/);

    const wrongKey = keyOf(lab.device('hk-a'));
    const pinned = await send('POST', '/devices', { ...base, hostname: 'hk-pinned', hostKeyFingerprint: wrongKey });
    assert.equal(pinned.status, 201);
    const created = (await pinned.json()) as DeviceView;
    assert.deepEqual([created.hostKey?.fingerprint, created.hostKey?.source, created.hostKey?.acceptedBy, created.hostKey?.firstSeenAt], [wrongKey, 'registration', 'alice', null]);
    const attemptsOnC = attempts(c);
    const reason = (await inventory('hk-pinned')).get('hk-pinned') ?? '';
    assert.ok(reason.includes(`expected ${wrongKey}`) && reason.includes(`received ${keyOf(c)}`), reason);
    assert.equal(attempts(c), attemptsOnC, 'hk-c received no authentication attempt');
    assert.equal((await view('hk-pinned')).hostKey?.fingerprint, wrongKey);

    const right = await send('POST', '/devices', { ...base, hostname: 'hk-pinned-ok', hostKeyFingerprint: keyOf(c) });
    assert.equal(right.status, 201);
    assert.deepEqual(await inventory('hk-pinned-ok'), new Map());
    const { hostKey } = await view('hk-pinned-ok');
    assert.deepEqual([hostKey?.fingerprint, hostKey?.keyType, hostKey?.source], [keyOf(c), 'ssh-ed25519', 'registration']);
    assert.ok(hostKey?.firstSeenAt, 'the first session confirmed the pinned key');
  });

  it('two first contacts offering different keys cannot both be recorded', async () => {
    const fresh = await send('POST', '/devices', { hostname: 'hk-race', address: '127.0.0.99', port: 22, platform: 'ios-xe', username: 'u', password: 'p' });
    const { id } = (await fresh.json()) as { id: string };
    const keys = [keyOf(lab.device('hk-a')), keyOf(lab.device('hk-b'))];
    const at = { address: '127.0.0.99', port: 22 };
    const results = await Promise.all(keys.map((fingerprint) => checkHostKey(netswim.db, id, { fingerprint, keyType: 'ssh-ed25519' }, at)));
    assert.deepEqual(results.map((r) => r.ok).sort(), [false, true], 'one recorded, the other refused');
    const winner = keys[results.findIndex((r) => r.ok)];
    assert.equal((await getHostKey(netswim.db, id))?.fingerprint, winner);
  });

  it('a restarted lab device keeps its host key, as a real one does', async () => {
    const before = new Map(lab.devices.map((d) => [d.hostname, keyOf(d)]));
    await lab.stop();
    lab = await startTheLab();
    assert.deepEqual(new Map(lab.devices.map((d) => [d.hostname, keyOf(d)])), before);
  });
});
