// ITSM approvals end to end with real pieces: the lab's ServiceNow-compatible Table API
// (lab/itsm-server.ts) over HTTP, a real Temporal dev server, and netswim (API + worker) with the
// ITSM integration pointing at the lab (OAuth). The client and the activities are exercised
// against the lab with basic auth and OAuth; the callback route with real `approvalGate`
// workflows: approve, reject, timeout, and forged / old / tampered / replayed callbacks that must
// change nothing.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import { createItsmActivities, type OpenChangeRequestInput, type OpenedChange } from '../activities/itsm.ts';
import { approvalOutcomeText, type ApprovalOutcome } from '../domain/itsm.ts';
import { createItsmClient, ItsmError } from '../itsm/client.ts';
import { startItsmLab, type ItsmLab } from '../lab/itsm-server.ts';
import { createLogger } from '../runtime/logger.ts';
import type { DevServer } from '../scripts/temporal-dev-server.ts';
import type { ChangeRow } from '../store/itsm-changes.ts';
import { approvalGateWorkflowId } from '../workflows/definitions.ts';
import type { approvalGate } from '../workflows/approval.ts';
import { startTestNetswim, type TestNetswim } from './support/netswim.ts';
import { startTestTemporal } from './support/temporal.ts';

const ITSM_USER = 'netswim.integration';
const ITSM_PASSWORD = `pw-${randomBytes(12).toString('hex')}`;
const CLIENT_ID = 'netswim-oauth-client';
const CLIENT_SECRET = `cs-${randomBytes(12).toString('hex')}`;
const CALLBACK_SECRET = `cb-${randomBytes(16).toString('hex')}`;
const TASK_QUEUE = `itsm-${randomUUID().slice(0, 8)}`;

let temporal: DevServer;
let lab: ItsmLab;
let netswim: TestNetswim;
const logger = createLogger({ level: 'error' });
const gates: WorkflowHandle<typeof approvalGate>[] = [];

const basicClient = () => createItsmClient({ url: lab.url, auth: { kind: 'basic', username: ITSM_USER, password: ITSM_PASSWORD } });
const oauthClient = () => createItsmClient({ url: lab.url, auth: { kind: 'oauth', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET } });
const activities = () => createItsmActivities({ db: netswim.db, itsm: basicClient(), logger });

async function changes(): Promise<ChangeRow[]> {
  const response = await netswim.api('/itsm/changes');
  assert.equal(response.status, 200);
  return (await response.json()) as ChangeRow[];
}
const netswimChange = async (number: string) => (await changes()).find((c) => c.number === number);

/** Opens a change (basic auth, as the activity does) and starts a gate on it; returns once the gate is registered. */
async function openGate(timeoutSeconds = 120): Promise<{ number: string; handle: WorkflowHandle<typeof approvalGate> }> {
  const { number } = await activities().openChangeRequest({ summary: 'Upgrade lab-sw-001 to 17.09.04a', description: 'netswim test', workflowIds: [], requestKey: `test/${randomUUID()}` });
  const handle = await startGate(number, timeoutSeconds);
  const deadline = Date.now() + 20_000;
  while (!(await netswimChange(number))?.workflowIds.includes(handle.workflowId)) {
    if (Date.now() > deadline) throw new Error(`gate ${handle.workflowId} never registered on ${number}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { number, handle };
}

async function startGate(number: string, timeoutSeconds: number): Promise<WorkflowHandle<typeof approvalGate>> {
  const handle = await netswim.temporal.workflow.start<typeof approvalGate>('approvalGate', {
    workflowId: approvalGateWorkflowId(number, randomUUID().slice(0, 8)),
    taskQueue: TASK_QUEUE,
    args: [number, timeoutSeconds],
  });
  gates.push(handle);
  return handle;
}

async function signalCount(handle: WorkflowHandle): Promise<number> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes).length;
}

/** Fetched histories carry payloads as bytes (or base64): decode them to text. */
function decodePayloads(key: string, value: unknown): unknown {
  if (key === 'data') {
    if (typeof value === 'string') return Buffer.from(value, 'base64').toString('utf8');
    if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
    if (value && typeof value === 'object' && (value as { type?: string }).type === 'Buffer') return Buffer.from((value as { data: number[] }).data).toString('utf8');
  }
  return value;
}

describe('ITSM approvals', { timeout: 240_000 }, () => {
  before(async () => {
    temporal = await startTestTemporal();
    lab = await startItsmLab({ users: [{ username: ITSM_USER, password: ITSM_PASSWORD }], oauthClients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }] });
    netswim = await startTestNetswim(temporal.address, {
      env: {
        NETSWIM_TASK_QUEUE: TASK_QUEUE,
        NETSWIM_ITSM_URL: lab.url,
        NETSWIM_ITSM_AUTH: 'oauth',
        NETSWIM_ITSM_CLIENT_ID: CLIENT_ID,
        NETSWIM_ITSM_CLIENT_SECRET: CLIENT_SECRET,
        NETSWIM_ITSM_CALLBACK_SECRET: CALLBACK_SECRET,
        NETSWIM_ITSM_REPLAY_WINDOW: '5m',
      },
    });
    lab.setCallback(`${netswim.apiUrl ?? ''}/itsm/callback`, CALLBACK_SECRET);
  });

  after(async () => {
    await netswim?.stopAll();
    await lab?.close();
    await temporal?.stop();
  });

  describe('Table API client', () => {
    it('opens and reads a change with basic auth; a wrong password is a final 401', async () => {
      const client = basicClient();
      const created = await client.createChange({ short_description: 'basic', description: 'd', correlation_id: 'basic-1' });
      assert.match(created.number, /^CHG\d{7}$/);
      assert.match(created.sys_id, /^[0-9a-f]{32}$/);
      assert.equal(created.state, '-3');
      assert.equal(created.approval, 'requested');
      assert.equal((await client.getChange(created.sys_id)).short_description, 'basic');
      assert.equal((await client.findChangeByCorrelationId('basic-1'))?.number, created.number);
      assert.equal(await client.findChangeByCorrelationId('nothing-here'), undefined);
      const wrong = createItsmClient({ url: lab.url, auth: { kind: 'basic', username: ITSM_USER, password: 'wrong' } });
      await assert.rejects(wrong.getChange(created.sys_id), (error: unknown) => {
        assert.ok(error instanceof ItsmError);
        assert.equal(error.status, 401);
        assert.equal(error.final, true);
        assert.match(error.message, /HTTP 401: User Not Authenticated/);
        assert.ok(!error.message.includes('wrong'));
        return true;
      });
      const anonymous = await fetch(`${lab.url}/api/now/table/change_request`);
      assert.equal(anonymous.status, 401);
      assert.deepEqual(await anonymous.json(), { error: { message: 'User Not Authenticated', detail: 'Required to provide Auth information' }, status: 'failure' });
    });

    it('uses OAuth client credentials: one token, cached, fetched again when revoked', async () => {
      const client = oauthClient();
      const issued = lab.tokensIssued;
      const created = await client.createChange({ short_description: 'oauth', description: 'd' });
      await client.getChange(created.sys_id);
      await client.updateChange(created.sys_id, { work_notes: 'first note' });
      assert.equal(lab.tokensIssued, issued + 1, 'one token for three calls');
      lab.revokeTokens();
      const updated = await client.updateChange(created.sys_id, { work_notes: 'second note' });
      assert.equal(lab.tokensIssued, issued + 2, 'a new token after the 401');
      assert.match(updated.work_notes ?? '', /second note[\s\S]*first note/, 'work notes are a journal, newest first');
      const bad = createItsmClient({ url: lab.url, auth: { kind: 'oauth', clientId: CLIENT_ID, clientSecret: 'nope' } });
      await assert.rejects(bad.getChange(created.sys_id), (error: unknown) => error instanceof ItsmError && error.status === 401 && !error.message.includes('nope'));
    });
  });

  describe('activities', () => {
    it('openChangeRequest is idempotent on its request key (the calling workflow id by default)', async () => {
      const before = lab.changes().length;
      const env = new MockActivityEnvironment({ workflowExecution: { workflowId: `upgrade/lab-sw-009/${randomUUID().slice(0, 8)}`, runId: randomUUID() } });
      const acts = activities();
      const input = { summary: 'Upgrade lab-sw-009', description: 'to 17.09.04a', plannedStart: '2026-03-01T02:00:00+01:00', plannedEnd: '2026-03-01T04:00:00+01:00', workflowIds: ['wf-a'] };
      const open = (i: OpenChangeRequestInput) => acts.openChangeRequest(i);
      const first = await env.run<[OpenChangeRequestInput], OpenedChange, typeof open>(open, input);
      const again = await env.run<[OpenChangeRequestInput], OpenedChange, typeof open>(open, { ...input, workflowIds: ['wf-b'] });
      assert.deepEqual(again, first);
      assert.equal(lab.changes().length, before + 1, 'one change in the ITSM system');
      const record = lab.record(first.number);
      assert.equal(record?.start_date, '2026-03-01 01:00:00');
      assert.equal(record?.end_date, '2026-03-01 03:00:00');
      assert.equal(record?.short_description, 'Upgrade lab-sw-009');
      assert.match(record?.work_notes ?? '', /Opened by netswim for: wf-a/);
      const ours = await netswimChange(first.number);
      assert.deepEqual(ours?.workflowIds, ['wf-a', 'wf-b']);
      assert.equal(ours?.state, 'awaiting-approval');
    });

    it('finds a change its first attempt opened but did not record (by correlation_id)', async () => {
      const key = `upgrade/lab-sw-010/${randomUUID().slice(0, 8)}`;
      const orphan = await basicClient().createChange({ short_description: 'orphan', description: 'd', correlation_id: key });
      const before = lab.changes().length;
      const opened = await activities().openChangeRequest({ summary: 'orphan', description: 'd', workflowIds: ['wf-c'], requestKey: key });
      assert.equal(opened.number, orphan.number);
      assert.equal(lab.changes().length, before);
    });

    it('registerChangeWorkflows adds workflows and learns changes netswim did not open', async () => {
      const external = await basicClient().createChange({ short_description: 'opened by a person', description: 'd' });
      const registered = await activities().registerChangeWorkflows({ number: external.number, workflowIds: ['wf-x', 'wf-y', 'wf-x'] });
      assert.deepEqual(registered, { number: external.number, state: 'awaiting-approval' });
      assert.deepEqual((await netswimChange(external.number))?.workflowIds, ['wf-x', 'wf-y']);
      await assert.rejects(activities().registerChangeWorkflows({ number: 'CHG9999999', workflowIds: ['wf-z'] }), /no change CHG9999999/);
    });

    it('writeChangeOutcome writes state, close code and work notes back', async () => {
      const acts = activities();
      const { number } = await acts.openChangeRequest({ summary: 's', description: 'd', workflowIds: [], requestKey: `test/${randomUUID()}` });
      assert.deepEqual(await acts.writeChangeOutcome({ number, state: 'implemented', workNotes: 'lab-sw-001 upgraded from 17.06.05 to 17.09.04a' }), { number, state: 'implemented' });
      const record = lab.record(number);
      assert.equal(record?.state, '3');
      assert.equal(record?.close_code, 'successful');
      assert.match(record?.work_notes ?? '', /lab-sw-001 upgraded from 17.06.05 to 17.09.04a/);
      assert.equal((await netswimChange(number))?.state, 'implemented');
      await acts.writeChangeOutcome({ number, state: 'failed', workNotes: 'rolled back' });
      assert.equal(lab.record(number)?.close_code, 'unsuccessful');
    });

    it('refuses when the ITSM integration is off', async () => {
      const off = createItsmActivities({ db: netswim.db, logger });
      await assert.rejects(off.openChangeRequest({ summary: 's', description: 'd', workflowIds: ['w'] }), /ITSM integration is off/);
    });
  });

  describe('callback and approvalGate', () => {
    it('approve: the gate returns approved', async () => {
      const { number, handle } = await openGate();
      const answer = await lab.decide(number, { decision: 'approved', approver: 'alice', reason: 'CAB approved' });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.deepEqual((answer.body as { signalled: string[] }).signalled, [handle.workflowId]);
      const outcome = await handle.result();
      assert.deepEqual(outcome, { kind: 'approved', changeNumber: number, approver: 'alice', reason: 'CAB approved' });
      const ours = await netswimChange(number);
      assert.equal(ours?.state, 'approved');
      assert.equal(ours?.approver, 'alice');
      assert.ok(ours?.decidedAt);
    });

    it('reject: the gate returns "rejected by <approver>: <reason>" and writes it to the change', async () => {
      const { number, handle } = await openGate();
      assert.equal((await lab.decide(number, { decision: 'rejected', approver: 'bob', reason: 'change freeze' })).status, 200);
      const outcome: ApprovalOutcome = await handle.result();
      assert.equal(outcome.kind, 'rejected');
      assert.equal(approvalOutcomeText(outcome), 'rejected by bob: change freeze');
      const record = lab.record(number);
      assert.equal(record?.state, '4');
      assert.match(record?.work_notes ?? '', /netswim: rejected by bob: change freeze/);
      assert.equal((await netswimChange(number))?.state, 'rejected');
    });

    it('timeout: no decision in time cancels; a late decision is refused', async () => {
      const { number, handle } = await openGate(2);
      const outcome = await handle.result();
      assert.deepEqual(outcome, { kind: 'timeout', changeNumber: number });
      assert.equal((await netswimChange(number))?.state, 'canceled');
      assert.equal(lab.record(number)?.state, '4');
      assert.match(lab.record(number)?.work_notes ?? '', /change .* was not decided within 2 s: canceled/);
      const late = await lab.decide(number, { decision: 'approved', approver: 'alice', reason: 'late' });
      assert.equal(late.status, 401);
      assert.match(JSON.stringify(late.body), /is canceled: it no longer takes a decision/);
    });

    it('forged, old, tampered, unsigned and mismatched callbacks: 401 / 404 and nothing changes', async () => {
      const { number, handle } = await openGate();
      const change = lab.change(number);
      const attempts: [string, Promise<{ status: number; body: unknown }>, number, RegExp][] = [
        ['forged (another secret)', lab.sendCallback({ callback: { number, approver: 'mallory' }, secret: 'guessed-secret-000000' }), 401, /does not match/],
        ['old (10 minutes)', lab.sendCallback({ callback: { number, timestamp: Math.floor(Date.now() / 1000) - 600 } }), 401, /too old/],
        ['tampered after signing', lab.sendCallback({ callback: { number, decision: 'rejected' }, tamper: (b) => b.replace('"rejected"', '"approved"') }), 401, /does not match/],
        ['unsigned', lab.sendCallback({ callback: { number }, signature: null }), 401, /no X-Netswim-Signature/],
        ['timestamp header moved forward', lab.sendCallback({ callback: { number }, timestampHeader: String(Math.floor(Date.now() / 1000) + 1) }), 401, /differs/],
        ['sys_id of another change', lab.sendCallback({ callback: { number, sys_id: 'f'.repeat(32) } }), 401, /is not change/],
        ['unknown change', lab.sendCallback({ callback: { number: 'CHG0099999', sys_id: change?.sys_id ?? '' } }), 404, /no change CHG0099999/],
      ];
      for (const [name, attempt, status, reason] of attempts) {
        const answer = await attempt;
        assert.equal(answer.status, status, `${name}: ${JSON.stringify(answer.body)}`);
        assert.match((answer.body as { error: string }).error, reason, name);
      }
      assert.equal((await handle.describe()).status.name, 'RUNNING');
      assert.equal(await signalCount(handle), 0, 'no refused callback reached the workflow');
      const ours = await netswimChange(number);
      assert.equal(ours?.state, 'awaiting-approval');
      assert.equal(ours?.decision, undefined);

      // The real decision, then its replay and a second, opposite decision: refused.
      assert.equal((await lab.decide(number, { decision: 'approved', approver: 'alice', reason: 'ok' })).status, 200);
      assert.equal((await handle.result()).kind, 'approved');
      const replay = await lab.replayLast();
      assert.equal(replay.status, 401);
      assert.match((replay.body as { error: string }).error, /already approved: one decision per change/);
      const opposite = await lab.sendCallback({ callback: { number, decision: 'rejected', approver: 'mallory', reason: 'no' } });
      assert.equal(opposite.status, 401);
      assert.equal(await signalCount(handle), 1);
      const after = await netswimChange(number);
      assert.equal(after?.decision, 'approved');
      assert.equal(after?.approver, 'alice');
    });

    it('a decision made before the gate registered is not lost', async () => {
      const { number } = await activities().openChangeRequest({ summary: 's', description: 'd', workflowIds: [], requestKey: `test/${randomUUID()}` });
      const answer = await lab.decide(number, { decision: 'rejected', approver: 'carol', reason: 'wrong window' });
      assert.deepEqual((answer.body as { signalled: string[] }).signalled, []);
      const handle = await startGate(number, 60);
      assert.deepEqual(await handle.result(), { kind: 'rejected', changeNumber: number, approver: 'carol', reason: 'wrong window' });
    });

    it('a closed workflow of the change is skipped, the others are signalled', async () => {
      const { number, handle } = await openGate();
      const second = await startGate(number, 120);
      const deadline = Date.now() + 20_000;
      while (!(await netswimChange(number))?.workflowIds.includes(second.workflowId) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      await handle.terminate('test');
      const answer = await lab.decide(number, { decision: 'approved', approver: 'dave', reason: '' });
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.body, { number, decision: 'approved', approver: 'dave', signalled: [second.workflowId], closed: [handle.workflowId], failed: [] });
      assert.equal((await second.result()).kind, 'approved');
    });

    it('the lab control endpoint decides too', async () => {
      const { number, handle } = await openGate();
      const response = await fetch(`${lab.controlUrl}/changes/${number}/decision`, { method: 'POST', body: JSON.stringify({ decision: 'approved', approver: 'erin', reason: 'via control' }) });
      assert.equal(response.status, 200);
      assert.equal(((await response.json()) as { status: number }).status, 200);
      assert.equal((await handle.result()).kind, 'approved');
    });

    it('GET /itsm/changes needs a token; the callback needs none but its signature', async () => {
      const anonymous = await fetch(`${netswim.apiUrl ?? ''}/itsm/changes`);
      assert.equal(anonymous.status, 401);
      const list = await changes();
      assert.ok(list.length >= 5);
      assert.ok(list.every((c) => Array.isArray(c.workflowIds) && typeof c.state === 'string'));
    });
  });

  it('keeps the ITSM password, client secret and callback secret out of every workflow history', async () => {
    let read = 0;
    let decoded = 0;
    for (const gate of gates) {
      const history = await gate.fetchHistory();
      const text = JSON.stringify(history, decodePayloads);
      for (const [name, secret] of [['password', ITSM_PASSWORD], ['client secret', CLIENT_SECRET], ['callback secret', CALLBACK_SECRET]] as const) {
        assert.ok(!text.includes(secret), `${gate.workflowId} history contains the ITSM ${name}`);
      }
      if (text.includes('registerChangeWorkflows')) read++;
      // Payloads decoded: the signal's JSON (quotes escaped once more by the outer stringify).
      if (text.includes('\\"approver\\":\\"alice\\"')) decoded++;
    }
    assert.ok(read >= 6, `histories were read (${read})`);
    assert.ok(decoded >= 2, `payloads were decoded (${decoded})`);
  });
});
