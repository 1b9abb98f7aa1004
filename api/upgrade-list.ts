// GET /upgrades: upgrade tasks, newest first, filtered by status, device, site subtree and image.
//
// Source of truth. The `upgrades` table says which tasks exist, who asked and when; joined with
// devices and images it filters by device, site and image and pages with a keyset cursor. Temporal
// says how each task stands. Its visibility store (workflow.list) is eventually consistent: just
// after a workflow closes it may still call it Running, or not know a new one yet. So one
// visibility query per page (`WorkflowId IN (…)`) is trusted only for what can no longer change, a
// closed run, and every task it does not report closed is described, which reads the execution
// itself and is strongly consistent. A page costs one list call per 100 tasks plus one describe per
// task still running, and a task that has just closed is reported closed at once. The status filter
// therefore applies after the database: rows are scanned in batches until the page is full, at most
// MAX_SCANNED_ROWS per request (then the page may be short; nextCursor continues the scan).
import type { Client, WorkflowExecutionInfo, WorkflowExecutionStatusName } from '@temporalio/client';
import type { Hono, MiddlewareHandler } from 'hono';
import { STAGE, TARGET_VERSION } from '../domain/search-attributes.ts';
import type { Logger } from '../runtime/logger.ts';
import type { Database } from '../store/database.ts';
import { listUpgradeRows, type UpgradeListKey, type UpgradeListRow } from '../store/upgrades.ts';
import { parseValue, type Env } from './request.ts';
import { encodeUpgradeCursor, UpgradeListQuery } from './schemas.ts';
import { findExecution } from './workflow-view.ts';

export interface UpgradeListRouteDeps {
  db: Database;
  temporal: Client;
  logger: Logger;
  read: MiddlewareHandler<Env>;
}

/** `unknown`: Temporal no longer has the workflow (its history outlived the namespace's retention). */
export type UpgradeListStatus = 'in-progress' | 'success' | 'failed' | 'unknown';

export interface UpgradeListItem {
  workflowId: string;
  device: string;
  site: string;
  imageId: string;
  fileName: string;
  targetVersion: string | null;
  requestedBy: string;
  requestedAt: string;
  status: UpgradeListStatus;
  stage: string;
  /** Temporal's execution status (RUNNING, COMPLETED, FAILED, …), NOT_FOUND when it has none. */
  execution: string;
  startedAt?: string;
  closedAt?: string;
}

export interface UpgradeList {
  upgrades: UpgradeListItem[];
  nextCursor?: string;
}

interface ExecutionState {
  execution: WorkflowExecutionStatusName | 'NOT_FOUND';
  stage: string;
  targetVersion?: string;
  startedAt?: string;
  closedAt?: string;
}

const MAX_SCANNED_ROWS = 5000;
const VISIBILITY_BATCH = 100;
const DESCRIBE_CONCURRENCY = 16;
/** Statuses a run never leaves (CONTINUED_AS_NEW is closed, but the workflow goes on in a new run). */
const FINAL: ReadonlySet<WorkflowExecutionStatusName> = new Set(['COMPLETED', 'FAILED', 'TERMINATED', 'TIMED_OUT', 'CANCELLED']);
/** What may appear unquoted-safe inside a visibility string literal; other ids are described. */
const LISTABLE_ID = /^[A-Za-z0-9._:/-]+$/;

export function listStatusOf(execution: ExecutionState['execution']): UpgradeListStatus {
  switch (execution) {
    case 'RUNNING':
    case 'PAUSED':
      return 'in-progress';
    case 'COMPLETED':
      return 'success';
    case 'FAILED':
    case 'TERMINATED':
    case 'TIMED_OUT':
    case 'CANCELLED':
      return 'failed';
    default:
      return 'unknown';
  }
}

function stateOf(info: Pick<WorkflowExecutionInfo, 'status' | 'typedSearchAttributes' | 'startTime' | 'closeTime'>): ExecutionState {
  const targetVersion = info.typedSearchAttributes.get(TARGET_VERSION);
  return {
    execution: info.status.name,
    stage: info.typedSearchAttributes.get(STAGE) ?? 'queued',
    ...(targetVersion !== undefined && { targetVersion }),
    startedAt: info.startTime.toISOString(),
    ...(info.closeTime && { closedAt: info.closeTime.toISOString() }),
  };
}

async function mapLimit<T, R>(items: readonly T[], concurrency: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

/** Closed runs from visibility, keyed by workflow id; ids it reports running or not at all are absent. */
async function closedFromVisibility(temporal: Client, ids: readonly string[]): Promise<Map<string, ExecutionState>> {
  const closed = new Map<string, ExecutionState>();
  const listable = ids.filter((id) => LISTABLE_ID.test(id));
  const chunks: string[][] = [];
  for (let i = 0; i < listable.length; i += VISIBILITY_BATCH) chunks.push(listable.slice(i, i + VISIBILITY_BATCH));
  await Promise.all(
    chunks.map(async (chunk) => {
      const runs = new Map<string, WorkflowExecutionInfo[]>();
      const query = `WorkflowId IN (${chunk.map((id) => `'${id}'`).join(', ')})`;
      for await (const info of temporal.workflow.list({ query, pageSize: chunk.length })) {
        runs.set(info.workflowId, [...(runs.get(info.workflowId) ?? []), info]);
      }
      for (const [id, infos] of runs) {
        // More than one run (a reset, say): only describe knows which is current.
        if (infos.length === 1 && FINAL.has(infos[0]!.status.name)) closed.set(id, stateOf(infos[0]!));
      }
    }),
  );
  return closed;
}

/** How each workflow stands now: closed runs from visibility, everything else described. */
async function executionStates(deps: UpgradeListRouteDeps, ids: readonly string[]): Promise<Map<string, ExecutionState>> {
  if (ids.length === 0) return new Map();
  let states: Map<string, ExecutionState>;
  try {
    states = await closedFromVisibility(deps.temporal, ids);
  } catch (error) {
    // A visibility store without this query support: describing every task is slower, not wrong.
    deps.logger.warn('upgrade list: visibility query failed, describing each upgrade', { error: error instanceof Error ? error.message : String(error) });
    states = new Map();
  }
  const rest = ids.filter((id) => !states.has(id));
  const described = await mapLimit(rest, DESCRIBE_CONCURRENCY, async (id): Promise<ExecutionState> => {
    const execution = await findExecution(deps.temporal, id);
    return execution ? stateOf(execution.description) : { execution: 'NOT_FOUND', stage: 'unknown' };
  });
  rest.forEach((id, i) => states.set(id, described[i]!));
  return states;
}

function itemOf(row: UpgradeListRow, state: ExecutionState): UpgradeListItem {
  return {
    workflowId: row.workflowId,
    device: row.device,
    site: row.site,
    imageId: row.imageId,
    fileName: row.fileName,
    // What the workflow was started with; the image's version may have been corrected since.
    targetVersion: state.targetVersion ?? row.version,
    requestedBy: row.requestedBy,
    requestedAt: row.requestedAt,
    status: listStatusOf(state.execution),
    stage: state.stage,
    execution: state.execution,
    ...(state.startedAt && { startedAt: state.startedAt }),
    ...(state.closedAt && { closedAt: state.closedAt }),
  };
}

/** Registered before `GET /upgrades/*`, which would otherwise also match `/upgrades`. */
export function registerUpgradeListRoutes(app: Hono<Env>, deps: UpgradeListRouteDeps): void {
  app.on('GET', ['/upgrades', '/upgrades/'], deps.read, async (c) => {
    const query = parseValue(c, UpgradeListQuery, c.req.query());
    if (!query.ok) return query.response;
    const { status, device, site, image, limit, cursor } = query.value;
    const filter = { ...(device && { device }), ...(site && { site }), ...(image && { imageId: image }) };

    const page: { item: UpgradeListItem; key: UpgradeListKey }[] = [];
    let after = cursor;
    let hasMore = false;
    let scanStoppedAt: UpgradeListKey | undefined;
    let scanned = 0;
    scan: for (;;) {
      // One match beyond the page says a next page exists.
      const wanted = limit + 1 - page.length;
      const batchSize = status ? Math.min(Math.max(wanted * 2, 100), 1000) : wanted;
      const rows = await listUpgradeRows(deps.db, { ...filter, ...(after && { after }), limit: batchSize });
      // Without a status filter the row beyond the page needs no status: it only proves there is more.
      const toResolve = status ? rows : rows.slice(0, limit - page.length);
      const states = await executionStates(deps, toResolve.map((r) => r.workflowId));
      for (const row of rows) {
        const state = states.get(row.workflowId);
        if (page.length === limit) {
          if (!status || (state && listStatusOf(state.execution) === status)) {
            hasMore = true;
            break scan;
          }
          continue;
        }
        if (!state) continue;
        const item = itemOf(row, state);
        if (!status || item.status === status) page.push({ item, key: row.key });
      }
      scanned += rows.length;
      if (rows.length < batchSize) break;
      after = rows.at(-1)!.key;
      if (scanned >= MAX_SCANNED_ROWS) {
        scanStoppedAt = after;
        break;
      }
    }
    const nextKey = hasMore ? page.at(-1)?.key : scanStoppedAt;
    const answer: UpgradeList = { upgrades: page.map((p) => p.item), ...(nextKey && { nextCursor: encodeUpgradeCursor(nextKey) }) };
    return c.json(answer);
  });
}
