// Starts a fleet of simulated devices on one state folder: one SSH host key per device, as real
// devices have (ed25519, kept in `<stateDir>/devices/<hostname>.host_key` so that clients'
// known-hosts stay valid across restarts), one blob store, one LabNode per device spec.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { BlobStore } from './blobs.ts';
import { startControlApi, type ControlServer } from './control-api.ts';
import { LabNode } from './node.ts';
import type { Lab, LabDevice, LabEvent, LabOptions } from './types.ts';

/** Devices started at once; bounded so a fleet of thousands does not open every file together. */
const START_CONCURRENCY = 32;

/** The device's own host key (OpenSSH format), created on its first start. */
/**
 * A new ed25519 host key in OpenSSH form. ssh2 writes about one such key in 200 that its own
 * parser then refuses ("Malformed OpenSSH private key"): only a key it reads back is kept.
 */
export function generateHostKey(): string {
  for (;;) {
    const privateKey = ssh2.utils.generateKeyPairSync('ed25519').private;
    if (!(ssh2.utils.parseKey(privateKey) instanceof Error)) return privateKey;
  }
}

async function loadOrCreateHostKey(stateDir: string, hostname: string): Promise<string> {
  const path = join(stateDir, 'devices', `${hostname}.host_key`);
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const privateKey = generateHostKey();
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, privateKey, { mode: 0o600 });
  await rename(temp, path);
  return privateKey;
}

export async function startLab(options: LabOptions): Promise<Lab> {
  const { stateDir } = options;
  const seen = new Set<string>();
  for (const spec of options.devices) {
    if (seen.has(spec.hostname)) throw new Error(`duplicate lab hostname ${spec.hostname}`);
    seen.add(spec.hostname);
  }
  await mkdir(join(stateDir, 'devices'), { recursive: true });
  const blobs = new BlobStore(join(stateDir, 'blobs'));
  await blobs.init();
  const emit = (event: LabEvent): void => {
    try {
      options.onEvent?.(event);
    } catch {
      // An observer's failure must not break a device.
    }
  };

  const nodes: LabNode[] = [];
  const stopAll = async (): Promise<void> => {
    await Promise.all(nodes.map((n) => n.stop()));
  };
  try {
    for (let i = 0; i < options.devices.length; i += START_CONCURRENCY) {
      const batch = options.devices.slice(i, i + START_CONCURRENCY);
      const started = await Promise.allSettled(batch.map(async (spec) => LabNode.start(spec, stateDir, blobs, await loadOrCreateHostKey(stateDir, spec.hostname), emit)));
      for (const result of started) if (result.status === 'fulfilled') nodes.push(result.value);
      const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    }
  } catch (error) {
    await stopAll();
    throw error;
  }

  let control: ControlServer | undefined;
  if (options.controlPort !== undefined) {
    try {
      control = await startControlApi(nodes, options.controlPort);
    } catch (error) {
      await stopAll();
      throw error;
    }
  }
  const byName = new Map<string, LabDevice>(nodes.map((n) => [n.hostname, n]));
  let stopping: Promise<void> | undefined;
  return {
    devices: nodes,
    ...(control ? { controlUrl: control.url } : {}),
    device(hostname: string): LabDevice {
      const found = byName.get(hostname);
      if (!found) throw new Error(`no lab device named ${hostname}`);
      return found;
    },
    stop(): Promise<void> {
      stopping ??= Promise.all([control?.close(), stopAll()]).then(() => undefined);
      return stopping;
    },
  };
}
