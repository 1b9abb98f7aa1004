// The operator audit log: one row per write request the API answered (api/audit.ts records
// them). Rows are only ever inserted; they hold no secret (the recorder masks bodies first).
import type { Queryable } from './database.ts';

export type AuditOutcome = 'accepted' | 'refused' | 'error';

export interface OperatorAction {
  /** When the answer was given (server time). */
  at: string;
  /** The token's holder name, `token:<id>`, `itsm-callback`, or `anonymous` (no or unknown token). */
  actor: string;
  role: string | null;
  /** First 12 hex digits of the token's SHA-256 (api/auth.ts tokenId); null without a token. */
  tokenId: string | null;
  from: { address: string | null; port: number | null; forwardedFor?: string };
  method: string;
  path: string;
  /** The route that answered, e.g. `/devices/:hostname`; null when none matched. */
  route: string | null;
  resource: string | null;
  query: Record<string, unknown> | null;
  body: unknown;
  status: number;
  outcome: AuditOutcome;
  /** The created or affected id (`id`, `workflowId`, …) of a JSON answer. */
  resultId: string | null;
  /** A refusal's or failure's reason, as the API answered it. */
  error: string | null;
  durationMs: number;
}

export interface OperatorActionRecord extends OperatorAction {
  id: string;
}

export interface OperatorAuditFilter {
  /** Matches the actor or the token id. */
  actor?: string;
  method?: string;
  /** The path itself or any path below it. */
  path?: string;
  since?: string;
  until?: string;
  outcome?: AuditOutcome;
  /** Only rows older than this id (keyset paging, newest first). */
  beforeId?: string;
  limit: number;
}

interface Row {
  id: string | number;
  at: Date | string;
  actor: string;
  role: string | null;
  token_id: string | null;
  remote_address: string | null;
  remote_port: number | null;
  forwarded_for: string | null;
  method: string;
  path: string;
  route: string | null;
  resource: string | null;
  query: Record<string, unknown> | null;
  body: unknown;
  status: number;
  outcome: AuditOutcome;
  result_id: string | null;
  error: string | null;
  duration_ms: number;
}

const COLUMNS = 'at, actor, role, token_id, remote_address, remote_port, forwarded_for, method, path, route, resource, query, body, status, outcome, result_id, error, duration_ms';

// PostgreSQL keeps no NUL and no lone UTF-16 surrogate in text or jsonb; a refused request
// holding one must still be recorded, so each is written as its `\uXXXX` escape.
// eslint-disable-next-line no-control-regex
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// Masked bodies are at most 32 levels deep (api/audit-mask.ts); the bound keeps this walk safe anyway.
const MAX_DEPTH = 40;

function storable(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.replace(UNSTORABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (!value || typeof value !== 'object' || value instanceof Date) return value;
  if (depth >= MAX_DEPTH) return `(nested deeper than ${MAX_DEPTH} levels)`;
  if (Array.isArray(value)) return value.map((item) => storable(item, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [storable(k), storable(v, depth + 1)]));
}

export async function recordOperatorAction(db: Queryable, action: OperatorAction): Promise<string> {
  const a = storable(action) as OperatorAction;
  const rows = await db.query<{ id: string | number }>(
    `INSERT INTO operator_audit (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, $13::jsonb, $14, $15, $16, $17, $18) RETURNING id`,
    [
      a.at, a.actor, a.role, a.tokenId, a.from.address, a.from.port, a.from.forwardedFor ?? null, a.method, a.path, a.route, a.resource,
      a.query === null ? null : JSON.stringify(a.query), a.body === null || a.body === undefined ? null : JSON.stringify(a.body),
      a.status, a.outcome, a.resultId, a.error, a.durationMs,
    ],
  );
  return String(rows[0]?.id);
}

/** Recorded actions, newest first, filtered; `limit` rows at most. */
export async function listOperatorActions(db: Queryable, filter: OperatorAuditFilter): Promise<OperatorActionRecord[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  if (filter.actor !== undefined) {
    const actor = param(filter.actor);
    where.push(`(actor = ${actor} OR token_id = ${actor})`);
  }
  if (filter.method !== undefined) where.push(`method = ${param(filter.method)}`);
  const pathPrefix = filter.path?.replace(/\/+$/, '');
  if (pathPrefix) {
    const path = param(pathPrefix);
    // The path or one below it; a plain prefix would let /devices match /devices-x.
    where.push(`(path = ${path} OR left(path, length(${path}) + 1) = ${path} || '/')`);
  }
  if (filter.since !== undefined) where.push(`at >= ${param(filter.since)}::timestamptz`);
  if (filter.until !== undefined) where.push(`at < ${param(filter.until)}::timestamptz`);
  if (filter.outcome !== undefined) where.push(`outcome = ${param(filter.outcome)}`);
  if (filter.beforeId !== undefined) where.push(`id < ${param(filter.beforeId)}::bigint`);
  const rows = await db.query<Row>(
    `SELECT id, ${COLUMNS} FROM operator_audit ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ${param(filter.limit)}`,
    params,
  );
  return rows.map(toRecord);
}

function toRecord(r: Row): OperatorActionRecord {
  return {
    id: String(r.id),
    at: new Date(r.at).toISOString(),
    actor: r.actor,
    role: r.role,
    tokenId: r.token_id,
    from: { address: r.remote_address, port: r.remote_port, ...(r.forwarded_for !== null ? { forwardedFor: r.forwarded_for } : {}) },
    method: r.method,
    path: r.path,
    route: r.route,
    resource: r.resource,
    query: r.query,
    body: r.body,
    status: r.status,
    outcome: r.outcome,
    resultId: r.result_id,
    error: r.error,
    durationMs: r.duration_ms,
  };
}
