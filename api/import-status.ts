// What GET /images/import/:id answers: the execution status, the live download progress from the
// activity's heartbeats, and the image or the reason it failed (display URLs only).
import type { Client } from '@temporalio/client';
import type { ImageImportResult, ImportProgress } from '../activities/image-import.ts';
import type { ImageRecord } from '../store/images.ts';
import { closedReason, findExecution, pendingHeartbeat, timesOf } from './workflow-view.ts';

export interface ImportView {
  workflowId: string;
  execution: string;
  bytes: number;
  totalBytes?: number;
  percent?: number;
  image?: ImageRecord & { created: boolean };
  error?: string;
  startedAt?: string;
  closedAt?: string;
}

export async function readImport(client: Client, workflowId: string): Promise<ImportView | undefined> {
  const execution = await findExecution(client, workflowId);
  if (!execution || execution.description.type !== 'imageImport') return undefined;
  const { handle, description } = execution;
  const view: ImportView = { workflowId, execution: description.status.name, bytes: 0, ...timesOf(description) };
  const progress = pendingHeartbeat<ImportProgress>(description, 'downloadImage');
  if (progress) {
    view.bytes = progress.bytes;
    if (progress.totalBytes !== undefined) view.totalBytes = progress.totalBytes;
    if (progress.percent !== undefined) view.percent = progress.percent;
  }
  if (description.status.name === 'COMPLETED') {
    const result = (await handle.result()) as ImageImportResult;
    view.image = { ...result.image, created: result.created };
    view.bytes = result.image.sizeBytes;
    view.totalBytes = result.image.sizeBytes;
    view.percent = 100;
  } else if (description.status.name !== 'RUNNING') {
    view.error = await closedReason(handle);
  }
  return view;
}
