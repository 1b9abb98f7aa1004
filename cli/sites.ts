// sites …: the site tree (Global/area/building/floor) devices and golden tags are placed in.
import type { SiteRecord } from './api-types.ts';
import { printJson, stringOption, UsageError, type Command } from './command.ts';
import { table } from './format.ts';

const KINDS = ['area', 'building', 'floor'];

const list: Command = {
  path: ['sites', 'list'],
  summary: 'every site with its kind and the devices placed directly at it',
  async run(ctx) {
    const sites = await ctx.client.get<SiteRecord[]>('/sites');
    if (ctx.json) return printJson(ctx, sites);
    ctx.print(table(['PATH', 'KIND', 'DEVICES'], sites.map((s) => [s.path, s.kind, s.devices])));
  },
};

const add: Command = {
  path: ['sites', 'add'],
  args: ['<path>'],
  options: { kind: { type: 'string', required: true, value: 'area|building|floor', help: 'what the site is; the parent must exist, a floor goes in a building' } },
  summary: 'create a site, e.g. Global/EMEA/London --kind building',
  async run(ctx) {
    const kind = stringOption(ctx.options, 'kind');
    if (!kind || !KINDS.includes(kind)) throw new UsageError(`sites add: --kind must be one of ${KINDS.join(', ')}`, 'sites');
    const site = await ctx.client.request<SiteRecord>('POST', '/sites', { path: ctx.args[0], kind });
    if (ctx.json) return printJson(ctx, site);
    ctx.print(`site ${site.path} (${site.kind})`);
  },
};

const remove: Command = {
  path: ['sites', 'delete'],
  args: ['<path>'],
  summary: 'delete a site (refused while it holds sites, devices or golden tags)',
  async run(ctx) {
    const answer = await ctx.client.request<{ path: string; deleted: boolean }>('DELETE', `/sites/${encodeURIComponent(ctx.args[0] as string)}`);
    if (ctx.json) return printJson(ctx, answer);
    ctx.print(`deleted site ${answer.path}`);
  },
};

export const siteCommands: Command[] = [list, add, remove];
