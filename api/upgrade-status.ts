// What GET /upgrades/:id answers: the workflow's own status query, the Temporal execution
// status, the result or failure, and the live transfer progress from the copy's heartbeats.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { TransferProgress } from '../activities/device-upgrade.ts';
import { distributePercent, type UpgradeResult, type UpgradeStatus } from '../domain/upgrade.ts';
import { upgradeStatusQuery } from '../workflows/definitions.ts';

export interface UpgradeView {
  workflowId: string;
  execution: string;
  stage: string;
  percent: number;
  transfer?: TransferProgress;
  status?: UpgradeStatus;
  result?: UpgradeResult;
  error?: string;
  startedAt?: string;
  closedAt?: string;
}

function transferProgress(raw: Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['describe']>>['raw']): TransferProgress | undefined {
  for (const activity of raw.pendingActivities ?? []) {
    if (activity.activityType?.name !== 'distributeImage') continue;
    const payload = activity.heartbeatDetails?.payloads?.[0];
    if (payload) return defaultPayloadConverter.fromPayload<TransferProgress>(payload);
  }
  return undefined;
}

function rootMessage(error: unknown): string {
  let current = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message : String(error);
}

export async function readUpgrade(client: Client, workflowId: string): Promise<UpgradeView | undefined> {
  const handle = client.workflow.getHandle(workflowId);
  let description;
  try {
    description = await handle.describe();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
  const view: UpgradeView = {
    workflowId,
    execution: description.status.name,
    stage: 'queued',
    percent: 0,
    startedAt: description.startTime.toISOString(),
  };
  if (description.closeTime) view.closedAt = description.closeTime.toISOString();
  try {
    view.status = await handle.query(upgradeStatusQuery);
    view.stage = view.status.stage;
    view.percent = view.status.percent;
  } catch {
    // No worker to answer the query right now: the execution status and result still tell the story.
  }
  const transfer = transferProgress(description.raw);
  if (transfer && view.stage === 'distribute') {
    view.transfer = transfer;
    view.percent = distributePercent(transfer.percent / 100);
  }
  if (description.status.name === 'COMPLETED') {
    view.result = (await handle.result()) as UpgradeResult;
  } else if (description.status.name !== 'RUNNING') {
    view.error = await handle.result().then(
      () => 'closed without a result',
      (error: unknown) => rootMessage(error),
    );
  }
  return view;
}
