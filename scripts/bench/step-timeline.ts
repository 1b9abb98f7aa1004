// When each step of the device workflows ran, read from their Temporal histories after a run:
// for each activity type, when the devices' activities started and completed, in seconds after
// the campaign was posted (median and last). It shows where the time before the first copy goes.
import { Connection, WorkflowClient } from '@temporalio/client';

export interface StepTiming {
  step: string;
  devices: number;
  startedMedian: number;
  startedLast: number;
  completedMedian: number;
  completedLast: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

const seconds = (at: unknown, mark: number): number => {
  const ms = at instanceof Date ? at.getTime() : Number((at as { seconds?: unknown; nanos?: number }).seconds ?? 0) * 1000 + ((at as { nanos?: number }).nanos ?? 0) / 1e6;
  return (ms - mark) / 1000;
};

/** Per activity type, over the workflows `workflowIds`: start and completion offsets from `mark` (ms since epoch). */
export async function stepTimeline(address: string, workflowIds: string[], mark: number): Promise<StepTiming[]> {
  const connection = await Connection.connect({ address });
  try {
    const client = new WorkflowClient({ connection });
    const started = new Map<string, number[]>();
    const completed = new Map<string, number[]>();
    const push = (map: Map<string, number[]>, key: string, value: number) => map.set(key, [...(map.get(key) ?? []), value]);
    for (const id of workflowIds) {
      const history = await client.getHandle(id).fetchHistory();
      const typeOf = new Map<string, string>();
      for (const event of history.events ?? []) {
        const id = String(event.eventId);
        if (event.workflowExecutionStartedEventAttributes) push(started, '(workflow)', seconds(event.eventTime, mark));
        const scheduled = event.activityTaskScheduledEventAttributes;
        if (scheduled) typeOf.set(id, scheduled.activityType?.name ?? '?');
        const start = event.activityTaskStartedEventAttributes;
        if (start) push(started, typeOf.get(String(start.scheduledEventId)) ?? '?', seconds(event.eventTime, mark));
        const done = event.activityTaskCompletedEventAttributes;
        if (done) push(completed, typeOf.get(String(done.scheduledEventId)) ?? '?', seconds(event.eventTime, mark));
        if (event.workflowExecutionCompletedEventAttributes) push(completed, '(workflow)', seconds(event.eventTime, mark));
      }
    }
    const steps = [...new Set([...started.keys(), ...completed.keys()])];
    return steps
      .map((step) => {
        const s = started.get(step) ?? [];
        const c = completed.get(step) ?? [];
        return {
          step,
          devices: Math.max(s.length, c.length),
          startedMedian: median(s),
          startedLast: Math.max(...s),
          completedMedian: median(c),
          completedLast: Math.max(...c),
        };
      })
      .sort((a, b) => a.startedMedian - b.startedMedian);
  } finally {
    await connection.close();
  }
}

/** For one workflow (the campaign): per event type, how many and when the first, median and last happened. */
export async function eventTimeline(address: string, workflowId: string, mark: number): Promise<Array<{ event: string; count: number; first: number; median: number; last: number }>> {
  const connection = await Connection.connect({ address });
  try {
    const history = await new WorkflowClient({ connection }).getHandle(workflowId).fetchHistory();
    const times = new Map<string, number[]>();
    for (const event of history.events ?? []) {
      const attributes = Object.keys(event).find((k) => k.endsWith('EventAttributes') && (event as Record<string, unknown>)[k]);
      const name = attributes?.replace(/EventAttributes$/, '') ?? '?';
      times.set(name, [...(times.get(name) ?? []), seconds(event.eventTime, mark)]);
    }
    return [...times].map(([event, t]) => ({ event, count: t.length, first: Math.min(...t), median: median(t), last: Math.max(...t) })).sort((a, b) => a.first - b.first);
  } finally {
    await connection.close();
  }
}
