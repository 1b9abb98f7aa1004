// ITSM change requests as netswim tracks them: the change (number, sys_id), the workflows that
// wait for its decision, and that decision. `decideChange` is the "one decision per change" rule:
// a single conditional UPDATE, so two callbacks racing for one change cannot both win.
import { decisionRefusal, type ApprovalDecision, type ChangeState } from '../domain/itsm.ts';
import type { Queryable } from './database.ts';

export interface ChangeRow {
  number: string;
  sysId: string;
  summary: string;
  workflowIds: string[];
  state: ChangeState;
  decision?: 'approved' | 'rejected';
  approver?: string;
  reason?: string;
  decidedAt?: string;
  createdAt: string;
  updatedAt: string;
}

interface Row {
  number: string;
  sys_id: string;
  summary: string;
  workflow_ids: string[] | null;
  state: ChangeState;
  decision: 'approved' | 'rejected' | null;
  approver: string | null;
  reason: string | null;
  decided_at: Date | string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

const COLUMNS = 'number, sys_id, summary, workflow_ids, state, decision, approver, reason, decided_at, created_at, updated_at';

function toChange(r: Row): ChangeRow {
  return {
    number: r.number,
    sysId: r.sys_id,
    summary: r.summary,
    workflowIds: r.workflow_ids ?? [],
    state: r.state,
    ...(r.decision ? { decision: r.decision } : {}),
    ...(r.approver !== null ? { approver: r.approver } : {}),
    ...(r.reason !== null ? { reason: r.reason } : {}),
    ...(r.decided_at ? { decidedAt: new Date(r.decided_at).toISOString() } : {}),
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

/** Records a change netswim opened; a second call with the same request key or number returns the first record. */
export async function recordChange(db: Queryable, change: { number: string; sysId: string; requestKey?: string; summary: string; workflowIds: string[] }): Promise<ChangeRow> {
  await db.query(
    `INSERT INTO changes (number, sys_id, request_key, summary, workflow_ids) VALUES ($1, $2, $3, $4, $5::text[]) ON CONFLICT DO NOTHING`,
    [change.number, change.sysId, change.requestKey ?? null, change.summary, change.workflowIds],
  );
  const rows = await db.query<Row>(`SELECT ${COLUMNS} FROM changes WHERE ($1::text IS NOT NULL AND request_key = $1) OR number = $2 ORDER BY (request_key = $1) DESC NULLS LAST LIMIT 1`, [
    change.requestKey ?? null,
    change.number,
  ]);
  const row = rows[0];
  if (!row) throw new Error(`change ${change.number} could not be recorded`);
  return toChange(row);
}

export async function findChangeByRequestKey(db: Queryable, requestKey: string): Promise<ChangeRow | undefined> {
  const rows = await db.query<Row>(`SELECT ${COLUMNS} FROM changes WHERE request_key = $1`, [requestKey]);
  return rows[0] && toChange(rows[0]);
}

export async function getChange(db: Queryable, number: string): Promise<ChangeRow | undefined> {
  const rows = await db.query<Row>(`SELECT ${COLUMNS} FROM changes WHERE number = $1`, [number]);
  return rows[0] && toChange(rows[0]);
}

export async function listChanges(db: Queryable, limit = 1000): Promise<ChangeRow[]> {
  return (await db.query<Row>(`SELECT ${COLUMNS} FROM changes ORDER BY created_at DESC, number DESC LIMIT $1`, [limit])).map(toChange);
}

/**
 * Adds workflows to a change (each once, in order). Atomic with `decideChange`: either the
 * decision's UPDATE sees these ids (and signals them), or this returns the decision already made.
 */
export async function addChangeWorkflows(db: Queryable, number: string, workflowIds: string[]): Promise<ChangeRow | undefined> {
  const rows = await db.query<Row>(
    `UPDATE changes SET workflow_ids = workflow_ids || ARRAY(SELECT x FROM unnest($2::text[]) WITH ORDINALITY AS t(x, i) WHERE NOT x = ANY(workflow_ids) GROUP BY x ORDER BY min(i)), updated_at = now()
      WHERE number = $1 RETURNING ${COLUMNS}`,
    [number, workflowIds],
  );
  return rows[0] && toChange(rows[0]);
}

export type DecideResult = { ok: true; change: ChangeRow } | { ok: false; unknown: boolean; reason: string };

/** Records the decision if the change still awaits one; otherwise says why not and changes nothing. */
export async function decideChange(db: Queryable, decision: ApprovalDecision): Promise<DecideResult> {
  const rows = await db.query<Row>(
    `UPDATE changes SET decision = $2, state = $2, approver = $3, reason = $4, decided_at = now(), updated_at = now()
      WHERE number = $1 AND decision IS NULL AND state = 'awaiting-approval' RETURNING ${COLUMNS}`,
    [decision.changeNumber, decision.decision, decision.approver, decision.reason],
  );
  if (rows[0]) return { ok: true, change: toChange(rows[0]) };
  const current = await getChange(db, decision.changeNumber);
  return { ok: false, unknown: !current, reason: decisionRefusal(current, decision.changeNumber) ?? `change ${decision.changeNumber} could not be decided` };
}

/** The outcome written back to the change (implemented, canceled, rejected, failed). */
export async function setChangeState(db: Queryable, number: string, state: ChangeState): Promise<ChangeRow | undefined> {
  const rows = await db.query<Row>(`UPDATE changes SET state = $2, updated_at = now() WHERE number = $1 RETURNING ${COLUMNS}`, [number, state]);
  return rows[0] && toChange(rows[0]);
}
