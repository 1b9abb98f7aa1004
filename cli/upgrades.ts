// upgrades …: start a device upgrade (a workflow) and watch it stage by stage.
import type { UpgradeView } from './api-types.ts';
import { flag, printJson, stringOption, type Command, type CommandContext } from './command.ts';
import { follow, intervalMs } from './follow.ts';
import { resolveImageId, resolveImageIdOrFile } from './image-ids.ts';

function where(v: UpgradeView): string {
  const transfer = v.transfer ? ` (${v.transfer.phase} ${v.transfer.percent}%)` : '';
  return `${v.stage} ${v.percent}%${transfer}`;
}

/** The outcome in words; exit code 1 unless the device ended on its target. */
function report(ctx: CommandContext, v: UpgradeView): number {
  if (v.result) {
    const r = v.result;
    const ok = r.outcome !== 'failed';
    const line = `${r.device}: ${r.outcome}${r.fromVersion ? ` from ${r.fromVersion}` : ''} to ${r.toVersion}${r.error ? `: ${r.error}` : ''}`;
    ctx.print(ok ? line : ctx.style.red(line));
    if (r.bootVariables.length > 0) ctx.print(`  boot ${r.bootVariables.join(';')}`);
    return ok ? 0 : 1;
  }
  if (v.error) {
    ctx.print(ctx.style.red(`${v.workflowId} ${v.execution.toLowerCase()} at ${v.stage}: ${v.error}`));
    return 1;
  }
  return 0;
}

const start: Command = {
  path: ['upgrades', 'start'],
  args: ['<device>', '<imageId>'],
  options: {
    wait: { type: 'boolean', help: 'follow stage and percent until it ends; exit 1 if it failed' },
    'reload-timeout': { type: 'string', value: 'SECONDS', help: 'how long to wait for the device after reload (30-7200)' },
    'allow-downgrade': { type: 'boolean', help: 'install the image even when it is older than what the device runs (refused otherwise)' },
    kickstart: { type: 'string', value: 'IMAGE', help: 'NX-OS kickstart + system: the kickstart image (id, id prefix or file name) to install with <imageId>; default: the one linked to it' },
    interval: { type: 'string', value: 'SECONDS', help: 'how often to check progress with --wait (default 1)' },
  },
  summary: 'upgrade a device (hostname or id) to an image: inventory, precheck, distribute, activate, reload, verify',
  async run(ctx) {
    const interval = intervalMs(stringOption(ctx.options, 'interval'));
    const body: { device: string; imageId: string; kickstartImageId?: string; reloadTimeoutSeconds?: number; allowDowngrade?: boolean } = { device: ctx.args[0] as string, imageId: await resolveImageId(ctx.client, ctx.args[1] as string) };
    const kickstart = stringOption(ctx.options, 'kickstart');
    if (kickstart !== undefined) body.kickstartImageId = await resolveImageIdOrFile(ctx.client, kickstart);
    if (flag(ctx.options, 'allow-downgrade')) body.allowDowngrade = true;
    const reload = stringOption(ctx.options, 'reload-timeout');
    if (reload !== undefined) body.reloadTimeoutSeconds = Number(reload);
    const started = await ctx.client.request<{ workflowId: string; device: string; targetVersion: string; kickstart?: string }>('POST', '/upgrades', body);
    const line = `upgrade of ${started.device} to ${started.targetVersion}${started.kickstart ? ` (kickstart ${started.kickstart})` : ''} started as ${started.workflowId}`;
    if (!flag(ctx.options, 'wait')) return ctx.json ? printJson(ctx, started) : ctx.print(line);
    if (!ctx.json) ctx.note(line);
    const view = await follow<UpgradeView>({
      read: () => ctx.client.get<UpgradeView>(`/upgrades/${started.workflowId}`),
      describe: (v) => ({ text: `${started.device}: ${where(v)}`, percent: v.percent, finished: v.execution !== 'RUNNING' }),
      intervalMs: interval,
      showProgress: !ctx.json,
      onInterrupt: `stopped following; the upgrade goes on: netswim upgrades show ${started.workflowId}`,
    });
    if (ctx.json) {
      printJson(ctx, view);
      return view.result && view.result.outcome !== 'failed' ? 0 : 1;
    }
    return report(ctx, view);
  },
};

const show: Command = {
  path: ['upgrades', 'show'],
  args: ['<workflowId>'],
  summary: 'where an upgrade is: execution, stage, percent, transfer, checks, events, result or error',
  async run(ctx) {
    const id = ctx.args[0] as string;
    const v = await ctx.client.get<UpgradeView>(`/upgrades/${id.split('/').map(encodeURIComponent).join('/')}`);
    if (ctx.json) return printJson(ctx, v);
    ctx.print(`${v.workflowId}: ${v.execution}, ${where(v)}`);
    if (v.status) {
      ctx.print(`device ${v.status.device}, ${v.status.fromVersion ?? '?'} → ${v.status.targetVersion}`);
      for (const check of v.status.checks) ctx.print(`  check ${check.name}: ${check.status}${check.reason ? ` (${check.reason})` : ''}`);
      for (const event of v.status.events) ctx.print(`  ${event.stage}: ${event.message}`);
    }
    if (v.execution === 'RUNNING') return;
    return report(ctx, v);
  },
};

export const upgradeCommands: Command[] = [start, show];
