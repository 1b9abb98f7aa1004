// What GET /images/import/:id answers: the execution status, the live download progress from the
// activity's heartbeats, and the image or the reason it failed (display URLs only).
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { ImageImportResult, ImportProgress } from '../activities/image-import.ts';
import type { ImageRecord } from '../store/images.ts';

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

function rootMessage(error: unknown): string {
  let current = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message : String(error);
}

export async function readImport(client: Client, workflowId: string): Promise<ImportView | undefined> {
  const handle = client.workflow.getHandle(workflowId);
  let description;
  try {
    description = await handle.describe();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
  if (description.type !== 'imageImport') return undefined;
  const view: ImportView = { workflowId, execution: description.status.name, bytes: 0, startedAt: description.startTime.toISOString() };
  if (description.closeTime) view.closedAt = description.closeTime.toISOString();
  for (const activity of description.raw.pendingActivities ?? []) {
    if (activity.activityType?.name !== 'downloadImage') continue;
    const payload = activity.heartbeatDetails?.payloads?.[0];
    if (!payload) continue;
    const progress = defaultPayloadConverter.fromPayload<ImportProgress>(payload);
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
    view.error = await handle.result().then(
      () => 'closed without a result',
      (error: unknown) => rootMessage(error),
    );
  }
  return view;
}
