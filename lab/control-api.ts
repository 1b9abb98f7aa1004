// The lab control API: a small JSON HTTP server on 127.0.0.1 that lets a test, the demo or a
// person look at the devices and switch faults on and off while the lab runs.
//   GET    /devices                    state of every device
//   GET    /devices/:hostname          state of one
//   PUT    /devices/:hostname/faults   body: partial LabFaults, validated strictly (400 + reason)
//   DELETE /devices/:hostname/faults   every fault off
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LabDevice, LabFaults } from './types.ts';

type FaultKind = 'boolean' | 'fraction' | 'nonNegative' | 'string' | 'register' | 'integer';

const FAULT_KINDS: Record<keyof LabFaults, FaultKind> = {
  corruptTransfer: 'boolean',
  flashFull: 'boolean',
  transferDropAt: 'fraction',
  slowLinkBytesPerSecond: 'nonNegative',
  reloadNeverReturns: 'boolean',
  badImage: 'string',
  sshRefused: 'boolean',
  sshAuthFailure: 'boolean',
  clockSkewSeconds: 'integer',
  noRsaKey: 'boolean',
  noDomainName: 'boolean',
  configRegister: 'register',
  noStartupConfig: 'boolean',
  tlsBelow12: 'boolean',
  licenseInvalid: 'boolean',
  cpuHighAfterUpgrade: 'boolean',
  fewerRoutesAfterUpgrade: 'boolean',
  interfaceDownAfterUpgrade: 'boolean',
  commandLatencyMs: 'nonNegative',
};

/** Checks a faults body; returns the faults or the reason it is refused. */
export function validateFaults(body: unknown): { ok: true; faults: Partial<LabFaults> } | { ok: false; reason: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, reason: 'the body must be a JSON object of faults' };
  const faults: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    const kind = (FAULT_KINDS as Partial<Record<string, FaultKind>>)[key];
    if (!kind) return { ok: false, reason: `unknown fault "${key}"` };
    const bad = (what: string): { ok: false; reason: string } => ({ ok: false, reason: `fault "${key}" must be ${what}` });
    switch (kind) {
      case 'boolean':
        if (typeof value !== 'boolean') return bad('true or false');
        break;
      case 'fraction':
        if (typeof value !== 'number' || !(value >= 0 && value <= 1)) return bad('a number from 0 to 1');
        break;
      case 'nonNegative':
        if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return bad('a number >= 0');
        break;
      case 'integer':
        if (typeof value !== 'number' || !Number.isSafeInteger(value)) return bad('an integer');
        break;
      case 'string':
        if (typeof value !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/.test(value)) return bad('a flash file name');
        break;
      case 'register':
        if (typeof value !== 'string' || !/^0x[0-9A-Fa-f]{1,4}$/.test(value)) return bad('a config register like "0x2102"');
        break;
    }
    faults[key] = value;
  }
  return { ok: true, faults: faults };
}

/** Every fault off (the configuration faults' effects stay: they changed the configuration). */
export function clearedFaults(): Partial<LabFaults> {
  const cleared: Record<string, unknown> = {};
  for (const key of Object.keys(FAULT_KINDS)) cleared[key] = key === 'corruptTransfer' ? false : undefined;
  return cleared;
}

const MAX_BODY = 64 * 1024;

export interface ControlServer {
  url: string;
  close(): Promise<void>;
}

export async function startControlApi(devices: readonly LabDevice[], port: number): Promise<ControlServer> {
  const byName = new Map(devices.map((d) => [d.hostname, d]));
  const send = (res: http.ServerResponse, status: number, body: unknown): void => {
    const text = `${JSON.stringify(body)}\n`;
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://lab');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] !== 'devices' || parts.length > 3 || (parts.length === 3 && parts[2] !== 'faults')) {
      send(res, 404, { error: 'not found' });
      return;
    }
    if (parts.length === 1) {
      if (req.method !== 'GET') return send(res, 405, { error: 'method not allowed' });
      return send(res, 200, devices.map((d) => d.state()));
    }
    const device = byName.get(parts[1] ?? '');
    if (!device) return send(res, 404, { error: `no lab device named ${parts[1] ?? ''}` });
    if (parts.length === 2) {
      if (req.method !== 'GET') return send(res, 405, { error: 'method not allowed' });
      return send(res, 200, device.state());
    }
    if (req.method === 'DELETE') {
      device.setFaults(clearedFaults());
      return send(res, 200, device.state());
    }
    if (req.method === 'GET') return send(res, 200, device.faults?.() ?? device.state().faults ?? {});
    if (req.method !== 'PUT') return send(res, 405, { error: 'method not allowed' });
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        send(res, 413, { error: 'body too large' });
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (res.headersSent) return;
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return send(res, 400, { error: 'the body is not JSON' });
      }
      const checked = validateFaults(body);
      if (!checked.ok) return send(res, 400, { error: checked.reason });
      device.setFaults(checked.faults);
      send(res, 200, device.state());
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
