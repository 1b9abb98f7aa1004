// What every workflow status route needs from Temporal: the execution (or nothing), the live
// heartbeat details of a running activity, and the outcome of a closed execution in words.
import { WorkflowNotFoundError, type Client, type WorkflowExecutionDescription, type WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';

export interface Execution {
  handle: WorkflowHandle;
  description: WorkflowExecutionDescription;
}

/** The execution behind `workflowId`, or undefined when Temporal has none. */
export async function findExecution(client: Client, workflowId: string): Promise<Execution | undefined> {
  const handle = client.workflow.getHandle(workflowId);
  try {
    return { handle, description: await handle.describe() };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}

/** The last heartbeat details of the pending activity of that type, if it has sent any. */
export function pendingHeartbeat<T>(description: WorkflowExecutionDescription, activityType: string): T | undefined {
  for (const activity of description.raw.pendingActivities ?? []) {
    if (activity.activityType?.name !== activityType) continue;
    const payload = activity.heartbeatDetails?.payloads?.[0];
    if (payload) return defaultPayloadConverter.fromPayload<T>(payload);
  }
  return undefined;
}

/** Why a closed, unsuccessful execution ended: the innermost cause, which is what a person needs. */
export async function closedReason(handle: WorkflowHandle): Promise<string> {
  return handle.result().then(
    () => 'closed without a result',
    (error: unknown) => {
      let current = error;
      while (current instanceof Error && current.cause instanceof Error) current = current.cause;
      return current instanceof Error ? current.message : String(error);
    },
  );
}

export function timesOf(description: WorkflowExecutionDescription): { startedAt: string; closedAt?: string } {
  return description.closeTime ? { startedAt: description.startTime.toISOString(), closedAt: description.closeTime.toISOString() } : { startedAt: description.startTime.toISOString() };
}
