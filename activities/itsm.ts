// ITSM change requests, inside activities only: the Table API client (credentials from the
// process configuration, never from or into workflow history) opens a change for the workflows
// that will wait on it, adds workflows to a change, and writes the outcome back (state, work
// notes). Inputs and results carry change numbers, sys_ids, texts and workflow ids only.
import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { changeRecordUpdate, CHANGE_NUMBER, type ApprovalDecision, type ChangeOutcomeState, type ChangeState } from '../domain/itsm.ts';
import { ItsmError, type ItsmClient } from '../itsm/client.ts';
import type { Logger } from '../runtime/logger.ts';
import type { Queryable } from '../store/database.ts';
import { addChangeWorkflows, findChangeByRequestKey, getChange, recordChange, setChangeState, type ChangeRow } from '../store/itsm-changes.ts';

export interface ItsmActivityDeps {
  db: Queryable;
  /** Undefined when the ITSM integration is off (NETSWIM_ITSM_URL not set). */
  itsm?: ItsmClient;
  logger: Logger;
}

export interface OpenChangeRequestInput {
  /** short_description (first 160 characters). */
  summary: string;
  description: string;
  /** ISO 8601 times: the change's planned start and end. */
  plannedStart?: string;
  plannedEnd?: string;
  /** Workflows that wait for the change's decision (signalled by the callback route). */
  workflowIds: string[];
  /** Idempotency key (default: the calling workflow's id): a retry or a second call returns the same change. */
  requestKey?: string;
}

export interface OpenedChange {
  number: string;
  sysId: string;
}

export interface RegisterChangeWorkflowsInput {
  number: string;
  workflowIds: string[];
}

export interface RegisteredChange {
  number: string;
  state: ChangeState;
  /** Set when the change was decided already: the caller need not (and will not be signalled to) wait. */
  decision?: ApprovalDecision;
}

export interface WriteChangeOutcomeInput {
  number: string;
  state: ChangeOutcomeState;
  workNotes: string;
}

/** ServiceNow's date-time format (UTC): 2026-01-31 22:00:00 */
function serviceNowTime(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw ApplicationFailure.nonRetryable(`${iso} is not a time (ISO 8601 expected)`, 'ItsmBadInput');
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

/** correlation_id holds at most 100 characters and must stay usable in an encoded query. */
function correlationId(requestKey: string): string {
  return requestKey.length <= 100 && !/[\^=\s]/.test(requestKey) ? requestKey : `netswim-${createHash('sha256').update(requestKey).digest('hex').slice(0, 40)}`;
}

function callingWorkflowId(): string | undefined {
  try {
    return Context.current().info.workflowExecution?.workflowId;
  } catch {
    return undefined; // called outside an activity (tests, scripts)
  }
}

function decisionOf(change: ChangeRow): ApprovalDecision | undefined {
  return change.decision ? { changeNumber: change.number, decision: change.decision, approver: change.approver ?? '', reason: change.reason ?? '' } : undefined;
}

export function createItsmActivities(deps: ItsmActivityDeps) {
  function client(): ItsmClient {
    if (!deps.itsm) throw ApplicationFailure.nonRetryable('the ITSM integration is off (set NETSWIM_ITSM_URL and its credentials)', 'ItsmOff');
    return deps.itsm;
  }

  /** ITSM errors that retrying cannot fix (bad credentials, refused request) end the activity; others are retried. */
  async function itsmCall<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof ItsmError && error.final) throw ApplicationFailure.nonRetryable(`${what}: ${error.message}`, 'ItsmRefused');
      throw error;
    }
  }

  return {
    async openChangeRequest(input: OpenChangeRequestInput): Promise<OpenedChange> {
      const itsm = client();
      const requestKey = input.requestKey ?? callingWorkflowId() ?? input.workflowIds.join(',');
      if (!requestKey) throw ApplicationFailure.nonRetryable('openChangeRequest needs a requestKey or workflow ids', 'ItsmBadInput');
      const known = await findChangeByRequestKey(deps.db, requestKey);
      if (known) {
        await addChangeWorkflows(deps.db, known.number, input.workflowIds);
        return { number: known.number, sysId: known.sysId };
      }
      const correlation = correlationId(requestKey);
      // A first attempt may have opened the change and died before recording it: find it by correlation id.
      let record = await itsmCall('cannot look up the change request', () => itsm.findChangeByCorrelationId(correlation));
      if (!record) {
        const fields: Record<string, string> = {
          short_description: input.summary.slice(0, 160),
          description: input.description,
          type: 'normal',
          correlation_id: correlation,
          correlation_display: 'netswim',
          ...(input.plannedStart ? { start_date: serviceNowTime(input.plannedStart) } : {}),
          ...(input.plannedEnd ? { end_date: serviceNowTime(input.plannedEnd) } : {}),
          work_notes: input.workflowIds.length > 0 ? `Opened by netswim for: ${input.workflowIds.join(', ')}` : 'Opened by netswim',
        };
        record = await itsmCall('cannot open a change request', () => itsm.createChange(fields));
      }
      const change = await recordChange(deps.db, { number: record.number, sysId: record.sys_id, requestKey, summary: input.summary.slice(0, 160), workflowIds: input.workflowIds });
      deps.logger.info('change request opened', { number: change.number, workflows: change.workflowIds.length });
      return { number: change.number, sysId: change.sysId };
    },

    /** Adds workflows to a change; a change netswim did not open is looked up in the ITSM system by number. */
    async registerChangeWorkflows(input: RegisterChangeWorkflowsInput): Promise<RegisteredChange> {
      if (!CHANGE_NUMBER.test(input.number)) throw ApplicationFailure.nonRetryable(`${input.number} is not a change number`, 'ItsmBadInput');
      let change = await addChangeWorkflows(deps.db, input.number, input.workflowIds);
      if (!change) {
        const itsm = client();
        const record = await itsmCall(`cannot look up change ${input.number}`, () => itsm.findChangeByNumber(input.number));
        if (!record) throw ApplicationFailure.nonRetryable(`no change ${input.number} in ${itsm.url}`, 'ItsmUnknownChange');
        await recordChange(deps.db, { number: record.number, sysId: record.sys_id, summary: String(record.short_description ?? ''), workflowIds: [] });
        change = await addChangeWorkflows(deps.db, input.number, input.workflowIds);
        if (!change) throw new Error(`change ${input.number} vanished while it was recorded`);
      }
      const decision = decisionOf(change);
      return { number: change.number, state: change.state, ...(decision ? { decision } : {}) };
    },

    /** PATCHes the change (state, close code and notes, a work note) and records the outcome. */
    async writeChangeOutcome(input: WriteChangeOutcomeInput): Promise<{ number: string; state: ChangeOutcomeState }> {
      const itsm = client();
      const change = await getChange(deps.db, input.number);
      if (!change) throw ApplicationFailure.nonRetryable(`no change ${input.number} is known to netswim`, 'ItsmUnknownChange');
      await itsmCall(`cannot update change ${input.number}`, () => itsm.updateChange(change.sysId, changeRecordUpdate(input.state, input.workNotes)));
      await setChangeState(deps.db, input.number, input.state);
      deps.logger.info('change outcome written', { number: input.number, state: input.state });
      return { number: input.number, state: input.state };
    },
  };
}

export type ItsmActivities = ReturnType<typeof createItsmActivities>;
