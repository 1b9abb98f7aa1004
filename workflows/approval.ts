// Waiting for an ITSM change's decision, in workflow code (deterministic: a signal handler and a
// durable timer, no I/O). The decision arrives as `approvalDecisionSignal`, sent by the API's
// POST /itsm/callback once the ITSM system's callback is authenticated (HMAC, replay window, one
// decision per change) to every workflow registered on the change.
//
// How a workflow uses it (device upgrade, campaign):
//
//   const itsm = proxyActivities<ItsmActivities>({ startToCloseTimeout: '1 minute', retry: ITSM_RETRY });
//   // 1. open a change for this workflow (idempotent: keyed by the workflow id) or join a given one
//   const { number } = input.approval.changeNumber
//     ? { number: input.approval.changeNumber }
//     : await itsm.openChangeRequest({ summary, description, plannedStart, plannedEnd, workflowIds: [workflowInfo().workflowId] });
//   const registered = await itsm.registerChangeWorkflows({ number, workflowIds: [workflowInfo().workflowId] });
//   // 2. wait (a decision made before registration comes back in `registered.decision`)
//   const outcome = await awaitApproval(number, input.approval.timeoutSeconds, registered.decision, input.approval.recheckSeconds);
//   // 3. decide, and write the outcome back to the change at the end
//   if (outcome.kind === 'rejected') → end as approvalOutcomeText(outcome)   ("rejected by <approver>: <reason>")
//                                      and itsm.writeChangeOutcome({ number, state: 'rejected', workNotes })
//   if (outcome.kind === 'timeout')  → cancel; itsm.writeChangeOutcome({ number, state: 'canceled', workNotes })
//   if (outcome.kind === 'approved') → continue; at the end writeChangeOutcome 'implemented' or 'failed'
//
// A campaign registers its children's workflow ids on its one change (registerChangeWorkflows)
// and each child awaits it, or the campaign awaits it alone and starts the waves after.
import { condition, isCancellation, patched, proxyActivities, setCurrentDetails, setHandler, workflowInfo } from '@temporalio/workflow';
import type { ItsmActivities } from '../activities/itsm.ts';
import { approvalOutcomeText, outcomeOfDecision, type ApprovalDecision, type ApprovalOutcome } from '../domain/itsm.ts';
import { approvalDecisionSignal } from './definitions.ts';

export { approvalDecisionSignal };

/** Retry policy for the ITSM activities: a down ITSM system is retried for about half an hour; refusals are final. */
export const ITSM_RETRY = { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 10 } as const;

const itsm = proxyActivities<ItsmActivities>({ startToCloseTimeout: '1 minute', retry: ITSM_RETRY });

/** How often a waiting workflow reads the recorded decision itself, by default. */
export const DEFAULT_RECHECK_SECONDS = 600;

/**
 * Waits for the decision on `changeNumber`: installs the `approvalDecision` signal handler
 * (signals sent before it was installed are delivered too) and waits at most `timeoutSeconds`.
 * `known`: a decision already recorded when the workflow registered on the change.
 * Decisions for another change are ignored; the first decision counts.
 *
 * Every `recheckSeconds` it also reads the decision netswim recorded (registerChangeWorkflows):
 * the callback records it even when Temporal is unreachable and the signal is lost.
 */
export async function awaitApproval(changeNumber: string, timeoutSeconds: number, known?: ApprovalDecision, recheckSeconds = DEFAULT_RECHECK_SECONDS): Promise<ApprovalOutcome> {
  let decided: ApprovalDecision | undefined = known?.changeNumber === changeNumber ? known : undefined;
  setHandler(approvalDecisionSignal, (decision) => {
    if (decision.changeNumber === changeNumber && decided === undefined) decided = decision;
  });
  if (decided === undefined) {
    if (!patched('itsm-decision-recheck')) await condition(() => decided !== undefined, timeoutSeconds * 1000);
    else {
      const deadline = Date.now() + timeoutSeconds * 1000;
      for (;;) {
        const left = deadline - Date.now();
        if (left > 0 && (await condition(() => decided !== undefined, Math.min(left, recheckSeconds * 1000)))) break;
        // A re-check, and a last one at the deadline (timers fire late after an outage of the
        // Temporal server): a decision the callback recorded counts even when its signal was lost.
        try {
          const recorded = (await itsm.registerChangeWorkflows({ number: changeNumber, workflowIds: [workflowInfo().workflowId] })).decision;
          if (recorded?.changeNumber === changeNumber && decided === undefined) decided = recorded;
        } catch (error) {
          if (isCancellation(error)) throw error;
          // The next re-check, or the signal, brings it.
        }
        if (decided !== undefined || Date.now() >= deadline) break;
      }
    }
  }
  const decision: ApprovalDecision | undefined = decided;
  return decision ? outcomeOfDecision(decision) : { kind: 'timeout', changeNumber };
}

/**
 * A gate on an ITSM change: registers itself on the change, waits for the decision (at most
 * `timeoutSeconds`) and returns it. An operator can gate anything on a change with it (start the
 * gated work when it completes `approved`). A rejection or a timeout is written back to the change
 * (state canceled, work notes); an approval is left for the gated work to report.
 */
export async function approvalGate(changeNumber: string, timeoutSeconds: number, recheckSeconds = DEFAULT_RECHECK_SECONDS): Promise<ApprovalOutcome> {
  setCurrentDetails(`Waiting for the decision on change ${changeNumber}`);
  const registered = await itsm.registerChangeWorkflows({ number: changeNumber, workflowIds: [workflowInfo().workflowId] });
  const outcome = await awaitApproval(changeNumber, timeoutSeconds, registered.decision, recheckSeconds);
  const text = approvalOutcomeText(outcome, timeoutSeconds);
  if (outcome.kind !== 'approved') {
    await itsm.writeChangeOutcome({ number: changeNumber, state: outcome.kind === 'rejected' ? 'rejected' : 'canceled', workNotes: `netswim: ${text}` });
  }
  setCurrentDetails(`Change ${changeNumber}: ${text}`);
  return outcome;
}
