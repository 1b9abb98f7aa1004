// campaigns …: many devices upgraded in waves (a canary first), a bounded number at a time, with a
// failure budget; follow one to its end, and pause, resume or cancel it.
// DEFAULT_WAVES and DEVICE_OUTCOMES come from the pure domain module (no I/O, type-only imports),
// so the CLI fills in the same defaults and lists the same stages as the server.
import { DEFAULT_WAVES, DEVICE_OUTCOMES } from '../domain/campaign.ts';
import type { CampaignProgress, CampaignView, ListedCampaign, StartedCampaign } from './api-types.ts';
import { commaList, flag, printJson, stringOption, UsageError, type Command, type CommandContext } from './command.ts';
import { follow, intervalMs } from './follow.ts';
import { shortId, table } from './format.ts';
import { resolveImageIdOrFile } from './image-ids.ts';

/** Where a campaign ended badly: exit code 1 after --follow (and for `show`). */
const BAD_STATES: readonly string[] = ['halted', 'rejected', 'cancelled'];

const campaignPath = (id: string) => `/campaigns/${encodeURIComponent(id)}`;

function usageError(message: string): UsageError {
  return new UsageError(message, 'campaigns');
}

/** A whole number option within [min, max], or undefined when not given. */
function intOption(ctx: CommandContext, name: string, min: number, max: number): number | undefined {
  const value = stringOption(ctx.options, name);
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) throw usageError(`--${name}: a whole number from ${min} to ${max}, not ${value}`);
  return n;
}

/** An ISO 8601 time option, checked here so a typo starts nothing. */
function timeOption(ctx: CommandContext, name: string): string | undefined {
  const value = stringOption(ctx.options, name);
  if (value === undefined) return undefined;
  if (Number.isNaN(Date.parse(value))) throw usageError(`--${name}: a time in ISO 8601, e.g. 2026-11-22T02:00:00+01:00, not ${value}`);
  return value;
}

type Selector = { devices?: string[]; site?: string; family?: string; outdated?: true };
type Plan = {
  distribute: { kind: 'now' } | { kind: 'at'; at: string };
  activate: { kind: 'after-distribution' } | { kind: 'at'; at: string } | { kind: 'window'; window: string } | { kind: 'never' };
};

export interface NewCampaign {
  name: string;
  selector: Selector;
  imageId?: string;
  waves?: { canary: number; percents: number[] };
  maxInFlight?: number;
  failureBudget?: { count: number } | { percent: number };
  plan?: Plan;
  reloadTimeoutSeconds?: number;
}

function selectorOf(ctx: CommandContext): Selector {
  const devicesText = stringOption(ctx.options, 'devices');
  const site = stringOption(ctx.options, 'site');
  const family = stringOption(ctx.options, 'family');
  const outdated = flag(ctx.options, 'outdated');
  const devices = devicesText === undefined ? undefined : commaList(devicesText);
  if (devices !== undefined && devices.length === 0) throw usageError('--devices: give at least one hostname, e.g. --devices sw1,sw2');
  if (devices === undefined && site === undefined && family === undefined && !outdated) {
    throw usageError('campaigns start: name the devices with --devices a,b,c, --site PATH, --family F or --outdated');
  }
  if (devices !== undefined && (site !== undefined || family !== undefined) && !outdated) {
    throw usageError(`campaigns start: --devices cannot be combined with ${site !== undefined ? '--site' : '--family'} (only --outdated may be narrowed by both)`);
  }
  return { ...(devices ? { devices } : {}), ...(site !== undefined ? { site } : {}), ...(family !== undefined ? { family } : {}), ...(outdated ? { outdated: true as const } : {}) };
}

function wavesOf(ctx: CommandContext): NewCampaign['waves'] {
  const canary = intOption(ctx, 'canary', 0, 1000);
  const wavesText = stringOption(ctx.options, 'waves');
  if (canary === undefined && wavesText === undefined) return undefined;
  let percents = DEFAULT_WAVES.percents;
  if (wavesText !== undefined) {
    percents = commaList(wavesText).map((p) => {
      const n = Number(p.replace(/%$/, ''));
      if (!Number.isFinite(n) || n <= 0 || n > 100) throw usageError(`--waves: percents of all devices above 0 and at most 100, e.g. 10,50, not ${wavesText}`);
      return n;
    });
    if (percents.length > 20) throw usageError('--waves: at most 20 waves after the canary');
  }
  return { canary: canary ?? DEFAULT_WAVES.canary, percents };
}

function budgetOf(ctx: CommandContext): NewCampaign['failureBudget'] {
  const value = stringOption(ctx.options, 'failure-budget');
  if (value === undefined) return undefined;
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(value.trim());
  if (percent) {
    const n = Number(percent[1]);
    if (n > 100) throw usageError(`--failure-budget: a percent from 0% to 100%, not ${value}`);
    return { percent: n };
  }
  if (!/^\d+$/.test(value.trim())) throw usageError(`--failure-budget: a number of devices (e.g. 2) or a percent of all devices (e.g. 5%), not ${value}`);
  return { count: Number(value) };
}

/** The plan, only when a plan option is given (otherwise the campaign distributes and activates now). */
function planOf(ctx: CommandContext): Plan | undefined {
  const distributeAt = timeOption(ctx, 'distribute-at');
  const activateAt = timeOption(ctx, 'activate-at');
  const window = stringOption(ctx.options, 'activate-window');
  const distributeOnly = flag(ctx.options, 'distribute-only');
  const activations = [activateAt !== undefined && '--activate-at', window !== undefined && '--activate-window', distributeOnly && '--distribute-only'].filter((x): x is string => x !== false);
  if (activations.length > 1) throw usageError(`campaigns start: ${activations.join(' and ')} cannot be combined: choose one way to activate`);
  if (window !== undefined && window.trim() === '') throw usageError('--activate-window: the name of a maintenance window');
  if (distributeAt === undefined && activations.length === 0) return undefined;
  if (distributeAt !== undefined && activateAt !== undefined && Date.parse(activateAt) < Date.parse(distributeAt)) {
    throw usageError(`campaigns start: --activate-at ${activateAt} is before --distribute-at ${distributeAt}`);
  }
  return {
    distribute: distributeAt !== undefined ? { kind: 'at', at: distributeAt } : { kind: 'now' },
    activate: activateAt !== undefined ? { kind: 'at', at: activateAt } : window !== undefined ? { kind: 'window', window } : distributeOnly ? { kind: 'never' } : { kind: 'after-distribution' },
  };
}

/** The POST /campaigns body from the command line; every check that needs no API call first. */
export async function campaignBody(ctx: CommandContext): Promise<NewCampaign> {
  const name = (stringOption(ctx.options, 'name') ?? '').trim();
  if (name === '') throw usageError('--name: a name for the campaign');
  const selector = selectorOf(ctx);
  const image = stringOption(ctx.options, 'image');
  if (image === undefined && !selector.outdated) throw usageError('campaigns start: --image is required unless --outdated (each device to its golden image)');
  const waves = wavesOf(ctx);
  const maxInFlight = intOption(ctx, 'max-in-flight', 1, 500);
  const failureBudget = budgetOf(ctx);
  const plan = planOf(ctx);
  const reloadTimeoutSeconds = intOption(ctx, 'reload-timeout', 30, 7200);
  // Last: the only check that asks the API.
  const imageId = image === undefined ? undefined : await resolveImageIdOrFile(ctx.client, image);
  return {
    name,
    selector,
    ...(imageId ? { imageId } : {}),
    ...(waves ? { waves } : {}),
    ...(maxInFlight !== undefined ? { maxInFlight } : {}),
    ...(failureBudget ? { failureBudget } : {}),
    ...(plan ? { plan } : {}),
    ...(reloadTimeoutSeconds !== undefined ? { reloadTimeoutSeconds } : {}),
    ...(flag(ctx.options, 'allow-downgrade') ? { allowDowngrade: true } : {}),
  };
}

/** Devices that have ended (every outcome, skips included). */
const doneCount = (p: CampaignProgress) => p.total - p.stages.queued - p.stages.running;

const waveText = (p: CampaignProgress) => `wave ${Math.min(p.currentWave + 1, p.waves.length)}/${p.waves.length}`;

/** One progress line: done/total, the stages, in flight, wave and state. */
export function progressLine(id: string, v: CampaignView): string {
  const p = v.progress;
  if (!p) return `campaign ${id}: ${v.execution.toLowerCase()}${v.execution === 'RUNNING' ? ', no progress yet' : ''}`;
  const change = p.change ? `, change ${p.change.number}` : '';
  // The first moments of a run: the workflow answers before it has resolved its devices.
  if (p.total === 0 && p.waves.length === 0 && v.execution === 'RUNNING') return `campaign ${id}: resolving the devices, ${p.state}${change}`;
  const stages = [`${p.stages.queued} queued`, `${p.stages.running} running`, ...DEVICE_OUTCOMES.filter((o) => p.stages[o] > 0).map((o) => `${p.stages[o]} ${o}`)];
  return `campaign ${id}: ${doneCount(p)}/${p.total} done (${stages.join(', ')}), ${p.inFlight} in flight, ${waveText(p)}, ${p.state}${change}`;
}

function selectorText(s: CampaignView['selector']): string {
  const parts: string[] = [];
  if (s.outdated) parts.push('outdated devices');
  if (s.devices) parts.push(`devices ${s.devices.slice(0, 10).join(',')}${s.devices.length > 10 ? ` and ${s.devices.length - 10} more` : ''}`);
  if (s.site) parts.push(`site ${s.site}`);
  if (s.family) parts.push(`family ${s.family}`);
  parts.push(s.imageId ? `image ${shortId(s.imageId)}` : 'each to its golden image');
  return parts.join(', ');
}

/** 1 when the campaign ended badly (halted, rejected, cancelled, or its workflow did not complete). */
function endedBadly(v: CampaignView): boolean {
  if (v.execution === 'RUNNING') return false;
  return v.execution !== 'COMPLETED' || !v.progress || BAD_STATES.includes(v.progress.state);
}

function report(ctx: CommandContext, v: CampaignView): number {
  const p = v.progress;
  const state = p ? (BAD_STATES.includes(p.state) ? ctx.style.red(p.state) : p.state) : v.execution.toLowerCase();
  ctx.print(`campaign ${v.campaignId} (${v.name}): ${state}`);
  const times = [`created by ${v.createdBy} at ${v.createdAt}`, v.startedAt && `started ${v.startedAt}`, v.closedAt && `closed ${v.closedAt}`].filter(Boolean).join(', ');
  ctx.print(`  execution ${v.execution} (${v.workflowId}), ${times}`);
  ctx.print(`  selector: ${selectorText(v.selector)}`);
  if (v.error) ctx.print(ctx.style.red(`  error: ${v.error}`));
  if (!p) return endedBadly(v) ? 1 : 0;
  if (p.reason) ctx.print(`  reason: ${BAD_STATES.includes(p.state) ? ctx.style.red(p.reason) : p.reason}`);
  if (p.change) ctx.print(`  ITSM change ${p.change.number}: ${p.change.decision ?? 'awaiting a decision'}`);
  ctx.print(`  ${waveText(p)} (sizes ${p.waves.join(', ') || '-'}), ${doneCount(p)} of ${p.total} device(s) done`);
  const stages = ['queued', 'running', ...DEVICE_OUTCOMES] as const;
  const lines = table(
    stages.map((s) => s.toUpperCase()),
    [stages.map((s) => p.stages[s])],
  ).split('\n');
  for (const line of lines) ctx.print(`  ${line}`);
  const byStage = Object.entries(v.inFlightStages ?? {}).map(([stage, n]) => `${n} ${stage}`);
  ctx.print(`  in flight: ${p.inFlight} of at most ${p.maxInFlight}${p.inFlightDevices.length > 0 ? ` (${p.inFlightDevices.join(', ')})` : ''}${byStage.length > 0 ? `; by stage: ${byStage.join(', ')}` : ''}`);
  const over = p.failureCount > p.allowedFailures;
  const failures = `  failures: ${p.failureCount} of ${p.allowedFailures} allowed by the budget`;
  ctx.print(over ? ctx.style.red(failures) : failures);
  for (const f of p.failures) ctx.print(ctx.style.red(`    ${f.hostname}: ${f.reason}`));
  if (p.failureCount > p.failures.length) ctx.print(`    … and ${p.failureCount - p.failures.length} more`);
  if (p.skipped.length > 0) ctx.print(`  skipped: ${p.stages.skipped}`);
  for (const s of p.skipped) ctx.print(ctx.style.yellow(`    ${s.hostname}: ${s.reason}`));
  return endedBadly(v) ? 1 : 0;
}

const list: Command = {
  path: ['campaigns', 'list'],
  summary: 'every campaign, newest first: id, name, execution in Temporal, who started it and when',
  async run(ctx) {
    const campaigns = await ctx.client.get<ListedCampaign[]>('/campaigns');
    if (ctx.json) return printJson(ctx, campaigns);
    if (campaigns.length === 0) return ctx.print('no campaigns: netswim campaigns start --name N --site PATH --image ID');
    ctx.print(table(['ID', 'NAME', 'EXECUTION', 'CREATED BY', 'CREATED AT'], campaigns.map((c) => [c.campaignId, c.name, c.execution, c.createdBy, c.createdAt.replace(/\.\d+Z$/, 'Z')])));
  },
};

const show: Command = {
  path: ['campaigns', 'show'],
  args: ['<id>'],
  summary: 'where a campaign is: state, reason, ITSM change, wave, devices per stage, in flight, failures against the budget, failed and skipped devices (exit 1 if it ended halted, rejected or cancelled)',
  async run(ctx) {
    const v = await ctx.client.get<CampaignView>(campaignPath(ctx.args[0] as string));
    if (ctx.json) return printJson(ctx, v);
    return report(ctx, v);
  },
};

const start: Command = {
  path: ['campaigns', 'start'],
  options: {
    name: { type: 'string', required: true, value: 'NAME', help: 'what the campaign is called in lists and in its workflow' },
    devices: { type: 'string', value: 'a,b,c', help: 'these devices (hostnames)' },
    site: { type: 'string', value: 'PATH', help: 'every device of this site and the sites below it' },
    family: { type: 'string', value: 'F', help: 'every device of this family (with --site: of both)' },
    outdated: { type: 'boolean', help: 'every outdated device, each to its golden image (--devices, --site, --family narrow it)' },
    image: { type: 'string', value: 'ID_OR_FILE', help: 'the base image: its id (full or short) or file name; required unless --outdated' },
    canary: { type: 'string', value: 'N', help: `devices upgraded first, alone (default ${DEFAULT_WAVES.canary}); any failure among them halts the rest` },
    waves: { type: 'string', value: 'P1,P2', help: `then waves of these percents of all devices, then the rest (default ${DEFAULT_WAVES.percents.join(',')}; '' for none)` },
    'max-in-flight': { type: 'string', value: 'N', help: 'devices upgraded at once (1-500, default 10)' },
    'failure-budget': { type: 'string', value: 'N|N%', help: 'failures allowed before the remaining waves halt (default 0)' },
    'distribute-at': { type: 'string', value: 'ISO', help: 'copy the image at this time (default now)' },
    'activate-at': { type: 'string', value: 'ISO', help: 'activate (reload) at this time' },
    'activate-window': { type: 'string', value: 'NAME', help: 'activate in this maintenance window' },
    'distribute-only': { type: 'boolean', help: 'copy the image only; never activate' },
    'reload-timeout': { type: 'string', value: 'SECONDS', help: 'how long to wait for each device after reload (30-7200)' },
    'allow-downgrade': { type: 'boolean', help: 'also upgrade devices to an image older than what they run (skipped otherwise)' },
    follow: { type: 'boolean', help: 'print a progress line whenever it changes until the campaign ends; exit 1 if it ended halted, rejected or cancelled' },
    interval: { type: 'string', value: 'SECONDS', help: 'how often to check progress with --follow (default 1)' },
  },
  summary: 'upgrade many devices in waves (a canary first), a bounded number at a time, within a failure budget',
  async run(ctx) {
    const interval = intervalMs(stringOption(ctx.options, 'interval'));
    const body = await campaignBody(ctx);
    const started = await ctx.client.request<StartedCampaign>('POST', '/campaigns', body);
    const line = `campaign ${body.name} started as ${started.campaignId}: ${started.devices} device(s)${started.skipped.length > 0 ? `, ${started.skipped.length} skipped` : ''}`;
    if (!flag(ctx.options, 'follow')) {
      if (ctx.json) return printJson(ctx, started);
      ctx.print(line);
      for (const s of started.skipped) ctx.print(ctx.style.yellow(`  skipped ${s.hostname}: ${s.reason}`));
      ctx.print(`follow it: netswim campaigns show ${started.campaignId}`);
      return;
    }
    if (!ctx.json) {
      ctx.note(line);
      for (const s of started.skipped) ctx.note(`  skipped ${s.hostname}: ${s.reason}`);
    }
    const view = await follow<CampaignView>({
      read: () => ctx.client.get<CampaignView>(campaignPath(started.campaignId)),
      describe: (v) => ({ text: progressLine(started.campaignId, v), finished: v.execution !== 'RUNNING' }),
      intervalMs: interval,
      showProgress: !ctx.json,
      onInterrupt: `stopped following; the campaign goes on: netswim campaigns show ${started.campaignId}`,
    });
    if (ctx.json) {
      printJson(ctx, view);
      return endedBadly(view) ? 1 : 0;
    }
    return report(ctx, view);
  },
};

function action(verb: 'pause' | 'resume' | 'cancel', summary: string): Command {
  return {
    path: ['campaigns', verb],
    args: ['<id>'],
    summary,
    async run(ctx) {
      const id = ctx.args[0] as string;
      const p = await ctx.client.request<CampaignProgress>('POST', `${campaignPath(id)}/${verb}`);
      if (ctx.json) return printJson(ctx, p);
      ctx.print(`campaign ${id}: ${p.state}`);
    },
  };
}

export const campaignCommands: Command[] = [
  list,
  show,
  start,
  action('pause', 'pause a running campaign: no new device starts, those in flight go on (exit 1 with the reason if refused)'),
  action('resume', 'resume a paused campaign (exit 1 with the reason if refused)'),
  action('cancel', 'cancel a campaign: no new device starts; devices stop before activation, those activating finish (exit 1 with the reason if refused)'),
];
