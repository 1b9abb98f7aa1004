// The ITSM callback's rules (signature, body, timestamp header, replay window), the one-decision
// rule's refusals, the outcome texts and the change-record updates: table-driven, no I/O.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  approvalOutcomeText,
  changeRecordUpdate,
  decisionRefusal,
  parseCallbackBody,
  parseDuration,
  parseSignatureHeader,
  type ApprovalOutcome,
} from '../domain/itsm.ts';
import { checkSignature, signatureHeader, verifyCallback } from '../itsm/signature.ts';

const SECRET = 'callback-secret-0123456789';
const NOW_MS = Date.UTC(2026, 0, 31, 22, 0, 0);
const NOW_S = NOW_MS / 1000;
const WINDOW_MS = 5 * 60_000;

const callback = (over: Record<string, unknown> = {}) =>
  JSON.stringify({ number: 'CHG0030001', sys_id: 'a'.repeat(32), decision: 'approved', approver: 'alice', reason: 'CAB ok', timestamp: NOW_S, ...over });

interface Case {
  name: string;
  body: string;
  headers: (body: string) => Record<string, string>;
  ok: boolean;
  reason?: RegExp;
}

const signed = (body: string, extra: Record<string, string> = {}) => ({ 'X-Netswim-Signature': signatureHeader(SECRET, body), ...extra });

const cases: Case[] = [
  { name: 'signed, fresh, timestamp header equal', body: callback(), headers: (b) => signed(b, { 'X-Netswim-Timestamp': String(NOW_S) }), ok: true },
  { name: 'signed, no timestamp header (the body carries it)', body: callback(), headers: (b) => signed(b), ok: true },
  { name: 'rejection with its reason', body: callback({ decision: 'rejected', reason: 'freeze' }), headers: (b) => signed(b), ok: true },
  { name: 'upper-case hex digest', body: callback(), headers: (b) => ({ 'x-netswim-signature': signatureHeader(SECRET, b).toUpperCase().replace('SHA256=', 'sha256=') }), ok: true },
  { name: 'sent 4 min 59 s ago', body: callback({ timestamp: NOW_S - 299 }), headers: (b) => signed(b), ok: true },
  { name: 'exactly at the window edge', body: callback({ timestamp: NOW_S - 300 }), headers: (b) => signed(b), ok: true },
  { name: 'no signature', body: callback(), headers: () => ({}), ok: false, reason: /no X-Netswim-Signature/ },
  { name: 'signature without sha256=', body: callback(), headers: (b) => ({ 'X-Netswim-Signature': signatureHeader(SECRET, b).slice(7) }), ok: false, reason: /must be sha256=/ },
  { name: 'signature too short', body: callback(), headers: () => ({ 'X-Netswim-Signature': 'sha256=abcd' }), ok: false, reason: /must be sha256=/ },
  { name: 'signed with another secret (forged)', body: callback(), headers: (b) => ({ 'X-Netswim-Signature': signatureHeader('not-the-secret-at-all', b) }), ok: false, reason: /does not match/ },
  { name: 'body changed after signing', body: callback({ decision: 'approved' }), headers: () => signed(callback({ decision: 'rejected' })), ok: false, reason: /does not match/ },
  { name: 'sent 5 min 1 s ago (old)', body: callback({ timestamp: NOW_S - 301 }), headers: (b) => signed(b), ok: false, reason: /too old.*5 min replay window/ },
  { name: 'an hour old', body: callback({ timestamp: NOW_S - 3600 }), headers: (b) => signed(b), ok: false, reason: /too old: sent 60 min ago/ },
  { name: 'dated in the future beyond the window', body: callback({ timestamp: NOW_S + 600 }), headers: (b) => signed(b), ok: false, reason: /in the future/ },
  { name: 'timestamp header differs from the signed one', body: callback(), headers: (b) => signed(b, { 'X-Netswim-Timestamp': String(NOW_S + 1) }), ok: false, reason: /differs from the signed timestamp/ },
  { name: 'signed but not JSON', body: 'decision=approved', headers: (b) => signed(b), ok: false, reason: /not JSON/ },
  { name: 'signed, unknown decision', body: callback({ decision: 'maybe' }), headers: (b) => signed(b), ok: false, reason: /decision must be/ },
  { name: 'signed, extra field', body: callback({ admin: true }), headers: (b) => signed(b), ok: false, reason: /unknown field "admin"/ },
  { name: 'signed, timestamp in ms', body: callback({ timestamp: NOW_MS }), headers: (b) => signed(b), ok: false, reason: /in the future/ },
  { name: 'signed, timestamp as text', body: callback({ timestamp: String(NOW_S) }), headers: (b) => signed(b), ok: false, reason: /Unix seconds/ },
  { name: 'signed, not a change number', body: callback({ number: 'INC0010001' }), headers: (b) => signed(b), ok: false, reason: /change number/ },
  { name: 'signed, empty approver', body: callback({ approver: ' ' }), headers: (b) => signed(b), ok: false, reason: /approver/ },
];

describe('ITSM callback verification', () => {
  for (const c of cases) {
    it(c.name, () => {
      const verdict = verifyCallback(c.body, c.headers(c.body), SECRET, NOW_MS, WINDOW_MS);
      if (c.ok) {
        assert.equal(verdict.ok, true, JSON.stringify(verdict));
        if (verdict.ok) assert.equal(verdict.callback.number, 'CHG0030001');
      } else {
        assert.equal(verdict.ok, false);
        if (!verdict.ok) {
          assert.equal(verdict.status, 401);
          assert.match(verdict.reason, c.reason ?? /./);
        }
      }
    });
  }

  it('reads headers from a fetch Headers object too', () => {
    const body = callback();
    const headers = new Headers({ 'X-Netswim-Signature': signatureHeader(SECRET, body), 'X-Netswim-Timestamp': String(NOW_S) });
    assert.equal(verifyCallback(body, headers, SECRET, NOW_MS, WINDOW_MS).ok, true);
  });

  it('signature checks and header parsing', () => {
    const body = callback();
    assert.equal(checkSignature(undefined, body, SECRET), 'missing');
    assert.equal(checkSignature('sha256=zz', body, SECRET), 'malformed');
    assert.equal(checkSignature(signatureHeader(SECRET, body), body + ' ', SECRET), 'mismatch');
    assert.equal(checkSignature(signatureHeader(SECRET, body), Buffer.from(body), SECRET), 'valid');
    assert.equal(parseSignatureHeader(` sha256=${'A'.repeat(64)} `), 'a'.repeat(64));
    assert.equal(parseSignatureHeader('md5=abc'), undefined);
  });

  it('trims approver and reason of a parsed body', () => {
    const parsed = parseCallbackBody(callback({ approver: ' bob ', reason: ' change freeze ' }));
    assert.ok(typeof parsed !== 'string');
    assert.equal(parsed.approver, 'bob');
    assert.equal(parsed.reason, 'change freeze');
  });
});

describe('one decision per change', () => {
  const table: { name: string; change: Parameters<typeof decisionRefusal>[0]; refusal?: RegExp }[] = [
    { name: 'awaiting approval', change: { number: 'CHG1', state: 'awaiting-approval', decision: null } },
    { name: 'unknown', change: undefined, refusal: /no change CHG1 is known/ },
    { name: 'already approved', change: { number: 'CHG1', state: 'approved', decision: 'approved' }, refusal: /already approved: one decision per change/ },
    { name: 'already rejected, then implemented?', change: { number: 'CHG1', state: 'rejected', decision: 'rejected' }, refusal: /already rejected/ },
    { name: 'canceled by timeout', change: { number: 'CHG1', state: 'canceled', decision: null }, refusal: /is canceled: it no longer takes a decision/ },
  ];
  for (const t of table) {
    it(t.name, () => {
      const refusal = decisionRefusal(t.change, 'CHG1');
      if (t.refusal) assert.match(refusal ?? '', t.refusal);
      else assert.equal(refusal, undefined);
    });
  }
});

describe('approval outcome texts and change record updates', () => {
  const outcomes: [ApprovalOutcome, number | undefined, string][] = [
    [{ kind: 'rejected', changeNumber: 'CHG1', approver: 'carol', reason: 'change freeze' }, undefined, 'rejected by carol: change freeze'],
    [{ kind: 'rejected', changeNumber: 'CHG1', approver: 'carol', reason: '' }, undefined, 'rejected by carol: no reason given'],
    [{ kind: 'approved', changeNumber: 'CHG1', approver: 'dave', reason: 'ok' }, undefined, 'approved by dave: ok'],
    [{ kind: 'approved', changeNumber: 'CHG1', approver: 'dave', reason: '' }, undefined, 'approved by dave'],
    [{ kind: 'timeout', changeNumber: 'CHG1' }, 86_400, 'change CHG1 was not decided within 24 h: canceled'],
    [{ kind: 'timeout', changeNumber: 'CHG1' }, 5, 'change CHG1 was not decided within 5 s: canceled'],
  ];
  for (const [outcome, timeout, text] of outcomes) {
    it(text, () => assert.equal(approvalOutcomeText(outcome, timeout), text));
  }

  it('maps outcomes to ServiceNow states', () => {
    assert.deepEqual(changeRecordUpdate('implemented', 'done'), { state: '3', close_code: 'successful', close_notes: 'done', work_notes: 'done' });
    assert.deepEqual(changeRecordUpdate('failed', 'x'), { state: '3', close_code: 'unsuccessful', close_notes: 'x', work_notes: 'x' });
    assert.equal(changeRecordUpdate('canceled', 'x').state, '4');
    assert.equal(changeRecordUpdate('rejected', 'x').state, '4');
  });

  it('parses durations', () => {
    assert.equal(parseDuration('24h'), 86_400_000);
    assert.equal(parseDuration('5m'), 300_000);
    assert.equal(parseDuration('30s'), 30_000);
    assert.equal(parseDuration('2d'), 172_800_000);
    assert.equal(parseDuration('5 minutes'), undefined);
    assert.equal(parseDuration('-5m'), undefined);
  });
});
