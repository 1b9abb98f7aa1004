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
//   const outcome = await awaitApproval(number, input.approval.timeoutSeconds, registered.decision);
//   // 3. decide, and write the outcome back to the change at the end
//   if (outcome.kind === 'rejected') → end as approvalOutcomeText(outcome)   ("rejected by <approver>: <reason>")
//                                      and itsm.writeChangeOutcome({ number, state: 'rejected', workNotes })
//   if (outcome.kind === 'timeout')  → cancel; itsm.writeChangeOutcome({ number, state: 'canceled', workNotes })
//   if (outcome.kind === 'approved') → continue; at the end writeChangeOutcome 'implemented' or 'failed'
//
// A campaign registers its children's workflow ids on its one change (registerChangeWorkflows)
// and each child awaits it, or the campaign awaits it alone and starts the waves after.
import { proxyActivities, setCurrentDetails, setHandler, condition, workflowInfo } from '@temporalio/workflow';
import type { ItsmActivities } from '../activities/itsm.ts';
import { approvalOutcomeText, outcomeOfDecision, type ApprovalDecision, type ApprovalOutcome } from '../domain/itsm.ts';
import { approvalDecisionSignal } from './definitions.ts';

export { approvalDecisionSignal };

/** Retry policy for the ITSM activities: a down ITSM system is retried for about half an hour; refusals are final. */
export const ITSM_RETRY = { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 10 } as const;

/**
 * Waits for the decision on `changeNumber`: installs the `approvalDecision` signal handler
 * (signals sent before it was installed are delivered too) and waits at most `timeoutSeconds`.
 * `known`: a decision already recorded when the workflow registered on the change.
 * Decisions for another change are ignored; the first decision counts.
 */
export async function awaitApproval(changeNumber: string, timeoutSeconds: number, known?: ApprovalDecision): Promise<ApprovalOutcome> {
  let decided: ApprovalDecision | undefined = known?.changeNumber === changeNumber ? known : undefined;
  setHandler(approvalDecisionSignal, (decision) => {
    if (decision.changeNumber === changeNumber && decided === undefined) decided = decision;
  });
  if (decided === undefined) await condition(() => decided !== undefined, timeoutSeconds * 1000);
  const decision: ApprovalDecision | undefined = decided;
  return decision ? outcomeOfDecision(decision) : { kind: 'timeout', changeNumber };
}

const itsm = proxyActivities<ItsmActivities>({ startToCloseTimeout: '1 minute', retry: ITSM_RETRY });

/**
 * A gate on an ITSM change: registers itself on the change, waits for the decision (at most
 * `timeoutSeconds`) and returns it. An operator can gate anything on a change with it (start the
 * gated work when it completes `approved`). A rejection or a timeout is written back to the change
 * (state canceled, work notes); an approval is left for the gated work to report.
 */
export async function approvalGate(changeNumber: string, timeoutSeconds: number): Promise<ApprovalOutcome> {
  setCurrentDetails(`Waiting for the decision on change ${changeNumber}`);
  const registered = await itsm.registerChangeWorkflows({ number: changeNumber, workflowIds: [workflowInfo().workflowId] });
  const outcome = await awaitApproval(changeNumber, timeoutSeconds, registered.decision);
  const text = approvalOutcomeText(outcome, timeoutSeconds);
  if (outcome.kind !== 'approved') {
    await itsm.writeChangeOutcome({ number: changeNumber, state: outcome.kind === 'rejected' ? 'rejected' : 'canceled', workNotes: `netswim: ${text}` });
  }
  setCurrentDetails(`Change ${changeNumber}: ${text}`);
  return outcome;
}
