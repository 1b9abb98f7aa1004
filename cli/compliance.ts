// compliance: each device against its golden image.
import type { ComplianceAnswer } from './api-types.ts';
import { printJson, withQuery, type Command } from './command.ts';
import { table } from './format.ts';

const compliance: Command = {
  path: ['compliance'],
  options: {
    status: { type: 'string', value: 'S', help: 'only devices in this state: compliant, outdated, no-golden, unknown' },
    family: { type: 'string', value: 'F', help: 'only this device family' },
    site: { type: 'string', value: 'PATH', help: 'only this site and the sites below it' },
  },
  summary: 'which devices run their golden image, which are outdated (and to what), which have none',
  async run(ctx) {
    const report = await ctx.client.get<ComplianceAnswer>(withQuery('/compliance', ctx.options, ['status', 'family', 'site']));
    if (ctx.json) return printJson(ctx, report);
    const c = report.counts;
    ctx.print(`${c.compliant} compliant, ${c.outdated} outdated, ${c['no-golden']} without a golden image, ${c.unknown} unknown`);
    if (report.devices.length === 0) return;
    ctx.print(
      table(
        ['HOSTNAME', 'FAMILY', 'SITE', 'RUNNING', 'STATUS', 'TARGET', 'REASON'],
        report.devices.map((d) => [d.hostname, d.family, d.site, d.runningVersion, d.status, d.target ? `${d.target.version} (${d.direction ?? ''} ${d.target.imageId.slice(0, 8)})` : null, d.reason]),
      ),
    );
  },
};

export const complianceCommands: Command[] = [compliance];
