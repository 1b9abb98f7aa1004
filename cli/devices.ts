// devices …: the inventory of routers and switches (secrets never come back from the API).
import type { DeviceRecord } from './api-types.ts';
import { printJson, type Command } from './command.ts';
import { readTextFile } from './files.ts';
import { table } from './format.ts';

const list: Command = {
  path: ['devices', 'list'],
  summary: 'every device: address, platform, family, site, role, what it runs, last inventory',
  async run(ctx) {
    const devices = await ctx.client.get<DeviceRecord[]>('/devices');
    if (ctx.json) return printJson(ctx, devices);
    if (devices.length === 0) return ctx.print('no devices: netswim devices import <inventory.json>');
    ctx.print(
      table(
        ['HOSTNAME', 'ADDRESS', 'PLATFORM', 'FAMILY', 'SITE', 'ROLE', 'VERSION', 'INVENTORIED', 'INVENTORY ERROR'],
        devices.map((d) => [d.hostname, `${d.address}:${d.port}`, d.platform, d.family, d.site, d.role, d.runningVersion, d.inventoriedAt?.replace(/\.\d+Z$/, 'Z'), d.inventoryError]),
      ),
    );
  },
};

const importDevices: Command = {
  path: ['devices', 'import'],
  args: ['<inventory.json>'],
  summary: 'add or refresh devices from an inventory file (the format `npm run lab` writes): all entries valid or nothing stored',
  async run(ctx) {
    const text = await readTextFile(ctx.args[0] as string);
    const answer = await ctx.client.request<{ created: number; updated: number }>('POST', '/devices/import', text);
    if (ctx.json) return printJson(ctx, answer);
    ctx.print(`${answer.created} device(s) added, ${answer.updated} updated`);
  },
};

export const deviceCommands: Command[] = [list, importDevices];
