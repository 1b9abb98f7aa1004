// inventory …: read devices over SSH now (a workflow), and the Temporal schedule that does it regularly.
import type { InventoryRunView, InventorySchedule } from './api-types.ts';
import { CliError, flag, listOption, printJson, stringOption, type Command } from './command.ts';
import { follow, intervalMs } from './follow.ts';
import { duration } from './format.ts';

const run: Command = {
  path: ['inventory', 'run'],
  options: {
    device: { type: 'string', multiple: true, value: 'HOST', help: 'inventory only this device (repeat for more); default every device' },
    wait: { type: 'boolean', help: 'follow the run until it ends; exit 1 if it or any device failed' },
    interval: { type: 'string', value: 'SECONDS', help: 'how often to check progress with --wait (default 1)' },
  },
  summary: 'inventory devices now (show version, dir, boot) as a workflow',
  async run(ctx) {
    const devices = listOption(ctx.options, 'device');
    const interval = intervalMs(stringOption(ctx.options, 'interval'));
    const started = await ctx.client.request<{ workflowId: string; devices: number }>('POST', '/inventory', devices.length > 0 ? { devices } : {});
    if (!flag(ctx.options, 'wait')) return ctx.json ? printJson(ctx, started) : ctx.print(`inventory of ${started.devices} device(s) started as ${started.workflowId}`);
    if (!ctx.json) ctx.note(`inventory of ${started.devices} device(s) started as ${started.workflowId}`);
    const view = await follow<InventoryRunView>({
      read: () => ctx.client.get<InventoryRunView>(`/inventory/${started.workflowId}`),
      describe: (v) => {
        const p = v.progress;
        const percent = p && p.total > 0 ? Math.floor((p.done / p.total) * 100) : undefined;
        return { text: p ? `inventory: ${p.done}/${p.total} devices (${p.failed} failed)` : `inventory: ${v.execution.toLowerCase()}`, ...(percent !== undefined && { percent }), finished: v.execution !== 'RUNNING' };
      },
      intervalMs: interval,
      showProgress: !ctx.json,
      onInterrupt: `stopped following; the inventory goes on as ${started.workflowId}`,
    });
    if (ctx.json) printJson(ctx, view);
    if (view.execution !== 'COMPLETED' || !view.progress) throw new CliError(`inventory ${started.workflowId} ${view.execution.toLowerCase()}: ${view.error ?? 'no result'}`);
    const p = view.progress;
    if (!ctx.json) {
      ctx.print(`inventory done: ${p.succeeded} of ${p.total} device(s) read, ${p.failed} failed`);
      for (const f of p.failures) ctx.print(ctx.style.red(`  ${f.hostname}: ${f.reason}`));
    }
    return p.failed > 0 ? 1 : 0;
  },
};

const schedule: Command = {
  path: ['inventory', 'schedule'],
  summary: 'the inventory schedule: how often, next runs, recent runs',
  async run(ctx) {
    const s = await ctx.client.get<InventorySchedule>('/inventory/schedule');
    if (ctx.json) return printJson(ctx, s);
    ctx.print(`schedule ${s.scheduleId}: every ${s.every.map(duration).join(', ') || '-'}${s.paused ? ' (paused)' : ''}`);
    ctx.print(`next runs: ${s.nextRuns.join(', ') || '-'}`);
    ctx.print(`recent runs:${s.recentRuns.length === 0 ? ' -' : ''}`);
    for (const r of s.recentRuns) ctx.print(`  ${r.scheduledAt}  ${r.workflowId}`);
  },
};

export const inventoryCommands: Command[] = [run, schedule];
