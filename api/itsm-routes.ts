// ITSM approvals over HTTP.
//   POST /itsm/callback   the ITSM system's decision on a change. Not behind the bearer token: the
//                         ITSM system authenticates with X-Netswim-Signature (HMAC-SHA256 of the raw
//                         body with NETSWIM_ITSM_CALLBACK_SECRET) and a timestamp inside the replay
//                         window; one decision per change. Refusals change nothing:
//                         401 bad / missing signature, body not understood, timestamp outside the
//                         window, sys_id not the change's, change already decided or closed
//                         (a replayed callback); 404 change unknown to netswim (or ITSM off).
//                         Accepted: the decision is recorded, then every workflow of the change is
//                         signalled (approvalDecisionSignal); closed workflows are skipped.
//   GET  /itsm/changes    (viewer) the changes netswim tracks, with state, decision and workflows.
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Hono, MiddlewareHandler } from 'hono';
import type { ApprovalDecision } from '../domain/itsm.ts';
import type { ItsmConfig } from '../itsm/config.ts';
import { verifyCallback } from '../itsm/signature.ts';
import type { Logger } from '../runtime/logger.ts';
import type { Database } from '../store/database.ts';
import { decideChange, getChange, listChanges } from '../store/itsm-changes.ts';
import { approvalDecisionSignal } from '../workflows/definitions.ts';
import type { Env } from './request.ts';

/**
 * The ITSM configuration (absent: the integration is off). The callback route uses the secret and
 * the replay window; routes that start upgrades read `approvalTimeoutSeconds` from it.
 */
export type ItsmRouteConfig = ItsmConfig;

export interface ItsmRouteDeps {
  db: Database;
  temporal: Client;
  logger: Logger;
  read: MiddlewareHandler<Env>;
  jsonLimit: MiddlewareHandler<Env>;
  itsm?: ItsmRouteConfig;
  /** The clock (tests); default Date.now. */
  now?: () => number;
}

export function registerItsmRoutes(app: Hono<Env>, deps: ItsmRouteDeps): void {
  const now = deps.now ?? Date.now;

  app.post('/itsm/callback', deps.jsonLimit, async (c) => {
    if (!deps.itsm) return c.json({ error: 'the ITSM integration is off (NETSWIM_ITSM_URL is not set)' }, 404);
    const rawBody = await c.req.text();
    const verdict = verifyCallback(rawBody, c.req.raw.headers, deps.itsm.callbackSecret, now(), deps.itsm.replayWindowMs);
    if (!verdict.ok) {
      deps.logger.warn('itsm callback refused', { reason: verdict.reason });
      return c.json({ error: verdict.reason }, verdict.status);
    }
    const { callback } = verdict;
    const change = await getChange(deps.db, callback.number);
    if (!change) {
      deps.logger.warn('itsm callback refused', { number: callback.number, reason: 'unknown change' });
      return c.json({ error: `no change ${callback.number} is known to netswim` }, 404);
    }
    if (change.sysId !== callback.sys_id) {
      deps.logger.warn('itsm callback refused', { number: callback.number, reason: 'sys_id mismatch' });
      return c.json({ error: `sys_id ${callback.sys_id} is not change ${callback.number}'s` }, 401);
    }
    const decision: ApprovalDecision = { changeNumber: callback.number, decision: callback.decision, approver: callback.approver, reason: callback.reason };
    const decided = await decideChange(deps.db, decision);
    if (!decided.ok) {
      deps.logger.warn('itsm callback refused', { number: callback.number, reason: decided.reason });
      return c.json({ error: decided.reason }, decided.unknown ? 404 : 401);
    }
    const signalled: string[] = [];
    const closed: string[] = [];
    const failed: string[] = [];
    for (const workflowId of decided.change.workflowIds) {
      try {
        await deps.temporal.workflow.getHandle(workflowId).signal(approvalDecisionSignal, decision);
        signalled.push(workflowId);
      } catch (error) {
        // A workflow that ended (or never started) takes no signal: nothing waits there.
        if (error instanceof WorkflowNotFoundError) closed.push(workflowId);
        else {
          failed.push(workflowId);
          deps.logger.error('itsm decision not delivered', { number: callback.number, workflowId, error: (error as Error).message });
        }
      }
    }
    deps.logger.info('itsm decision recorded', { number: callback.number, decision: callback.decision, approver: callback.approver, signalled: signalled.length, closed: closed.length, failed: failed.length });
    return c.json({ number: callback.number, decision: callback.decision, approver: callback.approver, signalled, closed, failed }, 200);
  });

  app.get('/itsm/changes', deps.read, async (c) => c.json(await listChanges(deps.db)));
}
