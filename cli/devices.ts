// devices …: the inventory of routers and switches (secrets never come back from the API).
import type { DeviceRecord, DeviceView } from './api-types.ts';
import { isHostKeyFingerprint, HOST_KEY_FINGERPRINT_RULE } from '../domain/host-key.ts';
import { printJson, stringOption, UsageError, type Command } from './command.ts';
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

const when = (iso: string | null | undefined): string => iso?.replace(/\.\d+Z$/, 'Z') ?? '-';

const show: Command = {
  path: ['devices', 'show'],
  args: ['<hostname>'],
  summary: 'one device: its record, the SSH host key netswim expects (who accepted it, when) and the host-key events',
  async run(ctx) {
    const hostname = ctx.args[0] as string;
    const device = await ctx.client.get<DeviceView>(`/devices/${encodeURIComponent(hostname)}`);
    if (ctx.json) return printJson(ctx, device);
    const key = device.hostKey;
    const lines = [
      `${device.hostname}  ${device.address}:${device.port}  ${device.platform}  ${device.site}`,
      `running: ${device.runningVersion ?? '-'} (${device.runningImage ?? '-'}), inventoried ${when(device.inventoriedAt)}${device.inventoryError ? `, error: ${device.inventoryError}` : ''}`,
      key
        ? `host key: ${key.fingerprint} (${key.keyType ?? 'type not seen yet'}), ${key.source}, first seen ${when(key.firstSeenAt)}${key.acceptedBy ? `, accepted by ${key.acceptedBy} at ${when(key.acceptedAt)}` : ''}`
        : 'host key: none recorded yet (the next session records what the device offers)',
    ];
    if (key?.refused) lines.push(`refused key: ${key.refused.fingerprint} (${key.refused.keyType ?? '?'}) at ${when(key.refused.at)}`);
    for (const e of device.hostKeyEvents) {
      lines.push(`  ${when(e.at)}  ${e.kind}  ${e.fingerprint}${e.expectedFingerprint ? ` (expected ${e.expectedFingerprint})` : ''}${e.actor ? ` by ${e.actor}` : ''}`);
    }
    ctx.print(lines.join('\n'));
  },
};

const acceptHostKey: Command = {
  path: ['devices', 'accept-host-key'],
  args: ['<hostname>'],
  options: {
    fingerprint: { type: 'string', required: true, value: 'SHA256:…', help: 'the new key\'s fingerprint, as the host-key mismatch error printed it (check it on the device: show ip ssh / ssh-keygen -lf)' },
  },
  summary: 'accept a device\'s new SSH host key: recorded (with who and when) only if the device offers that key now',
  async run(ctx) {
    const hostname = ctx.args[0] as string;
    const fingerprint = stringOption(ctx.options, 'fingerprint') ?? '';
    if (!isHostKeyFingerprint(fingerprint)) throw new UsageError(`devices accept-host-key: --fingerprint must be ${HOST_KEY_FINGERPRINT_RULE}, not ${JSON.stringify(fingerprint)}`, 'devices');
    const answer = await ctx.client.request<{ hostname: string; hostKey: NonNullable<DeviceView['hostKey']>; previous: string | null }>('POST', `/devices/${encodeURIComponent(hostname)}/host-key`, { fingerprint });
    if (ctx.json) return printJson(ctx, answer);
    ctx.print(`${answer.hostname}: host key ${answer.hostKey.fingerprint} (${answer.hostKey.keyType ?? '?'}) accepted by ${answer.hostKey.acceptedBy ?? '?'} at ${when(answer.hostKey.acceptedAt)}${answer.previous && answer.previous !== answer.hostKey.fingerprint ? `, replacing ${answer.previous}` : ''}`);
  },
};

export const deviceCommands: Command[] = [list, show, importDevices, acceptHostKey];
