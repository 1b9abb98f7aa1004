// GET /audit: the operator audit log (api/audit.ts records it), newest first, filtered and paged
// with a keyset cursor. Only admins and approvers read it (permission `audit`): it says who
// changed what from where, which is for security reviews and change managers, not every viewer.
import type { Hono, MiddlewareHandler } from 'hono';
import type { Database } from '../store/database.ts';
import { listOperatorActions, type OperatorActionRecord } from '../store/operator-audit.ts';
import { parseValue, type Env } from './request.ts';
import { AuditListQuery, encodeAuditCursor } from './schemas.ts';

export interface AuditRouteDeps {
  db: Database;
  /** requirePermission(tokens, 'audit'). */
  audit: MiddlewareHandler<Env>;
}

export interface AuditList {
  entries: OperatorActionRecord[];
  nextCursor?: string;
}

export function registerAuditRoutes(app: Hono<Env>, deps: AuditRouteDeps): void {
  app.get('/audit', deps.audit, async (c) => {
    const query = parseValue(c, AuditListQuery, c.req.query());
    if (!query.ok) return query.response;
    const { limit, cursor, ...filter } = query.value;
    // One row beyond the page says a next page exists.
    const rows = await listOperatorActions(deps.db, { ...filter, ...(cursor && { beforeId: cursor }), limit: limit + 1 });
    const entries = rows.slice(0, limit);
    const answer: AuditList = { entries, ...(rows.length > limit && { nextCursor: encodeAuditCursor(entries.at(-1)!.id) }) };
    return c.json(answer);
  });
}
