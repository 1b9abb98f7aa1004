// ITSM approvals (ServiceNow-style change requests): the vocabulary workflows, activities and the
// API share, and the pure rules a callback must pass before netswim believes it. No I/O and no
// Node APIs here (workflows import these types); the HMAC itself is computed in itsm/signature.ts,
// which hands the result to `callbackRefusal`.
import { duplicateKeyIn } from './json-text.ts';

/** A change approver's decision, as the callback route signals it to every workflow of the change. */
export interface ApprovalDecision {
  changeNumber: string;
  decision: 'approved' | 'rejected';
  approver: string;
  reason: string;
}

/** What `awaitApproval` (workflows/approval.ts) returns. */
export type ApprovalOutcome =
  | { kind: 'approved'; changeNumber: string; approver: string; reason: string }
  | { kind: 'rejected'; changeNumber: string; approver: string; reason: string }
  | { kind: 'timeout'; changeNumber: string };

/** The outcome netswim writes back to the change record. */
export type ChangeOutcomeState = 'implemented' | 'canceled' | 'rejected' | 'failed';

/** netswim's own view of a change (table `changes`). */
export type ChangeState = 'awaiting-approval' | 'approved' | 'rejected' | ChangeOutcomeState;

/** The callback body the ITSM system POSTs to /itsm/callback (JSON, signed as sent). */
export interface ItsmCallback {
  number: string;
  sys_id: string;
  decision: 'approved' | 'rejected';
  approver: string;
  reason: string;
  /** Unix seconds at which the ITSM system sent the decision. */
  timestamp: number;
}

export const SIGNATURE_HEADER = 'x-netswim-signature';
export const TIMESTAMP_HEADER = 'x-netswim-timestamp';

/** ServiceNow change numbers: CHG followed by digits. */
export const CHANGE_NUMBER = /^CHG\d{1,12}$/;
const SYS_ID = /^[0-9a-f]{32}$/;
const MAX_TEXT = 1000;

export type CallbackVerdict = { ok: true; callback: ItsmCallback } | { ok: false; status: 401; reason: string };

/** `sha256=<64 hex digits>` → the hex digest, lower case; undefined when the header is not that. */
export function parseSignatureHeader(value: string | undefined): string | undefined {
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(value?.trim() ?? '');
  return match?.[1]?.toLowerCase();
}

/** The callback body, strictly: every field present with its type, nothing else. */
export function parseCallbackBody(rawBody: string): ItsmCallback | string {
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    return 'the body is not JSON';
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'the body must be a JSON object';
  // JSON.parse keeps the last of two equal keys: a signed body must say each thing once.
  const duplicate = duplicateKeyIn(rawBody);
  if (duplicate !== undefined) return `the body names ${JSON.stringify(duplicate)} twice`;
  const b = body as Record<string, unknown>;
  const allowed = new Set(['number', 'sys_id', 'decision', 'approver', 'reason', 'timestamp']);
  const unknown = Object.keys(b).find((k) => !allowed.has(k));
  if (unknown) return `unknown field "${unknown}"`;
  if (typeof b.number !== 'string' || !CHANGE_NUMBER.test(b.number)) return 'number must be a change number such as CHG0030001';
  if (typeof b.sys_id !== 'string' || !SYS_ID.test(b.sys_id)) return 'sys_id must be 32 hex digits';
  if (b.decision !== 'approved' && b.decision !== 'rejected') return 'decision must be "approved" or "rejected"';
  if (typeof b.approver !== 'string' || b.approver.trim() === '' || b.approver.length > 200) return 'approver must be a non-empty name';
  if (typeof b.reason !== 'string' || b.reason.length > MAX_TEXT) return `reason must be a text of at most ${MAX_TEXT} characters`;
  if (typeof b.timestamp !== 'number' || !Number.isSafeInteger(b.timestamp) || b.timestamp <= 0) return 'timestamp must be Unix seconds';
  return { number: b.number, sys_id: b.sys_id, decision: b.decision, approver: b.approver.trim(), reason: b.reason.trim(), timestamp: b.timestamp };
}

export interface CallbackFacts {
  rawBody: string;
  /** Whether the signature header carried the HMAC-SHA256 of the raw body (computed timing-safely by the caller). */
  signature: 'missing' | 'malformed' | 'mismatch' | 'valid';
  /** The X-Netswim-Timestamp header, if sent. */
  timestampHeader: string | undefined;
  nowMs: number;
  replayWindowMs: number;
}

/**
 * The rules, in order: a valid signature of the exact body (nothing else is read from an unsigned
 * body), a body netswim understands, the timestamp header (when sent) equal to the signed one, and
 * a timestamp inside the replay window either side of now. One decision per change is the
 * store's rule (store/itsm-changes.ts), applied atomically when the decision is recorded.
 */
export function callbackVerdict(facts: CallbackFacts): CallbackVerdict {
  const refuse = (reason: string): CallbackVerdict => ({ ok: false, status: 401, reason });
  if (facts.signature === 'missing') return refuse('no X-Netswim-Signature header');
  if (facts.signature === 'malformed') return refuse('X-Netswim-Signature must be sha256=<hex HMAC-SHA256 of the body>');
  if (facts.signature === 'mismatch') return refuse('the signature does not match the body');
  const callback = parseCallbackBody(facts.rawBody);
  if (typeof callback === 'string') return refuse(`signed body refused: ${callback}`);
  if (facts.timestampHeader !== undefined && facts.timestampHeader.trim() !== String(callback.timestamp)) {
    return refuse('X-Netswim-Timestamp differs from the signed timestamp');
  }
  const skewMs = facts.nowMs - callback.timestamp * 1000;
  const window = describeDuration(facts.replayWindowMs);
  if (skewMs > facts.replayWindowMs) return refuse(`the callback is too old: sent ${describeDuration(skewMs)} ago, outside the ${window} replay window`);
  if (-skewMs > facts.replayWindowMs) return refuse(`the callback is dated ${describeDuration(-skewMs)} in the future, outside the ${window} replay window`);
  return { ok: true, callback };
}

/** Why a decision cannot be recorded for a change in `state` (undefined: it can). */
export function decisionRefusal(change: { number: string; state: ChangeState; decision?: string | null } | undefined, number: string): string | undefined {
  if (!change) return `no change ${number} is known to netswim`;
  if (change.decision) return `change ${number} was already ${change.decision}: one decision per change`;
  if (change.state !== 'awaiting-approval') return `change ${number} is ${change.state}: it no longer takes a decision`;
  return undefined;
}

/** The words an upgrade ends with: `rejected by <approver>: <reason>`, and the others. */
export function approvalOutcomeText(outcome: ApprovalOutcome, timeoutSeconds?: number): string {
  switch (outcome.kind) {
    case 'approved':
      return `approved by ${outcome.approver}${outcome.reason ? `: ${outcome.reason}` : ''}`;
    case 'rejected':
      return `rejected by ${outcome.approver}: ${outcome.reason || 'no reason given'}`;
    case 'timeout':
      return `change ${outcome.changeNumber} was not decided within ${timeoutSeconds === undefined ? 'the approval timeout' : describeDuration(timeoutSeconds * 1000)}: canceled`;
  }
}

/** The outcome of an approval as an ApprovalOutcome (the signal's payload → what a workflow decides on). */
export function outcomeOfDecision(decision: ApprovalDecision): ApprovalOutcome {
  return { kind: decision.decision, changeNumber: decision.changeNumber, approver: decision.approver, reason: decision.reason };
}

/** ServiceNow's change_request states (the numeric values its Table API uses). */
export const SERVICENOW_CHANGE_STATE = {
  new: '-5',
  assess: '-4',
  authorize: '-3',
  scheduled: '-2',
  implement: '-1',
  review: '0',
  closed: '3',
  canceled: '4',
} as const;

/** The fields netswim writes to the change record for an outcome. */
export function changeRecordUpdate(state: ChangeOutcomeState, workNotes: string): Record<string, string> {
  switch (state) {
    case 'implemented':
      return { state: SERVICENOW_CHANGE_STATE.closed, close_code: 'successful', close_notes: workNotes, work_notes: workNotes };
    case 'failed':
      return { state: SERVICENOW_CHANGE_STATE.closed, close_code: 'unsuccessful', close_notes: workNotes, work_notes: workNotes };
    case 'rejected':
    case 'canceled':
      return { state: SERVICENOW_CHANGE_STATE.canceled, close_notes: workNotes, work_notes: workNotes };
  }
}

/** 90 s, 5 min, 24 h: for messages. */
export function describeDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  if (s < 2 * 3600) return `${Math.round(s / 60)} min`;
  if (s < 2 * 86400) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} d`;
}

/** `30s`, `5m`, `24h`, `2d` → milliseconds; undefined when it is not such a duration. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+)(s|m|h|d)$/.exec(text.trim());
  if (!match) return undefined;
  const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}
