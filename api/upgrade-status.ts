// What GET /upgrades/:id answers: the workflow's own status query, the Temporal execution
// status, the result or failure, and the live transfer progress from the copy's heartbeats.
import type { Client } from '@temporalio/client';
import type { TransferProgress } from '../activities/device-upgrade.ts';
import type { StagingProgress } from '../activities/site-distribution.ts';
import { distributePercent, type UpgradeResult, type UpgradeStatus } from '../domain/upgrade.ts';
import { upgradeStatusQuery } from '../workflows/definitions.ts';
import { closedReason, findExecution, pendingHeartbeat, timesOf } from './workflow-view.ts';

export interface UpgradeView {
  workflowId: string;
  execution: string;
  stage: string;
  percent: number;
  transfer?: TransferProgress;
  /** While the image is put on the site's distribution servers: which server, how far. */
  staging?: StagingProgress;
  status?: UpgradeStatus;
  result?: UpgradeResult;
  error?: string;
  startedAt?: string;
  closedAt?: string;
}

export async function readUpgrade(client: Client, workflowId: string): Promise<UpgradeView | undefined> {
  const execution = await findExecution(client, workflowId);
  if (!execution) return undefined;
  const { handle, description } = execution;
  const view: UpgradeView = { workflowId, execution: description.status.name, stage: 'queued', percent: 0, ...timesOf(description) };
  try {
    view.status = await handle.query(upgradeStatusQuery);
    view.stage = view.status.stage;
    view.percent = view.status.percent;
  } catch {
    // No worker to answer the query right now: the execution status and result still tell the story.
  }
  const transfer = pendingHeartbeat<TransferProgress>(description, 'distributeImage');
  if (transfer && view.stage === 'distribute') {
    view.transfer = transfer;
    view.percent = distributePercent(transfer.percent / 100);
  }
  const staging = pendingHeartbeat<StagingProgress>(description, 'stageOnSiteServers');
  if (staging) view.staging = staging;
  if (description.status.name === 'COMPLETED') {
    view.result = (await handle.result()) as UpgradeResult;
  } else if (description.status.name !== 'RUNNING') {
    view.error = await closedReason(handle);
  }
  return view;
}
