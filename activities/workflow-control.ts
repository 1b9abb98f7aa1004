// A workflow cannot end itself as CANCELLED: only a cancellation request does that. When an
// upgrade decides it is cancelled (no ITSM decision in time), it asks Temporal to cancel it.
import { Context } from '@temporalio/activity';

export function createWorkflowControlActivities() {
  return {
    /** Requests cancellation of the workflow that runs this activity. Idempotent. */
    async cancelOwnWorkflow(): Promise<void> {
      const { workflowExecution } = Context.current().info;
      if (!workflowExecution) throw new Error('this activity is not running for a workflow');
      await Context.current().client.workflow.getHandle(workflowExecution.workflowId, workflowExecution.runId).cancel();
    },
  };
}

export type WorkflowControlActivities = ReturnType<typeof createWorkflowControlActivities>;
