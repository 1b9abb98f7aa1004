// A device's SSH host key: what netswim expects (GET /devices/:hostname) and an operator's
// acceptance of a new one (POST /devices/:hostname/host-key). Acceptance names the fingerprint the
// operator checked (the HostKeyMismatch error prints it); the API reads the key the device offers
// now, without authenticating, and records it only when it is that one.
import type { Hono } from 'hono';
import { probeHostKey } from '../activities/host-key.ts';
import { findDeviceByHostname, type DeviceRecord } from '../store/devices.ts';
import type { Queryable } from '../store/database.ts';
import { getHostKey, listHostKeyEvents, setHostKey, type HostKeyEvent, type HostKeyRecord } from '../store/host-keys.ts';
import { parseJson, parseValue, type Env, type RouteDeps } from './request.ts';
import { HostKeyAcceptBody, HostnameParam } from './schemas.ts';

export interface DeviceView extends DeviceRecord {
  /** The host key sessions must see; null until the first session (or a pin) records one. */
  hostKey: HostKeyRecord | null;
  /** Recorded, pinned, accepted and refused keys, newest first (the last 20). */
  hostKeyEvents: HostKeyEvent[];
}

export async function deviceView(db: Queryable, device: DeviceRecord): Promise<DeviceView> {
  const [hostKey, events] = await Promise.all([getHostKey(db, device.id), listHostKeyEvents(db, device.id, 20)]);
  return { ...device, hostKey: hostKey ?? null, hostKeyEvents: events };
}

export interface HostKeyRouteDeps extends RouteDeps {
  /** How long reading a device's offered key may take (ms). */
  probeTimeoutMs?: number;
}

export function registerHostKeyRoutes(app: Hono<Env>, deps: HostKeyRouteDeps): void {
  app.get('/devices/:hostname', deps.read, async (c) => {
    const hostname = parseValue(c, HostnameParam, c.req.param('hostname'));
    if (!hostname.ok) return hostname.response;
    const device = await findDeviceByHostname(deps.db, hostname.value);
    if (!device) return c.json({ error: `no device ${hostname.value}` }, 404);
    return c.json(await deviceView(deps.db, device));
  });

  app.post('/devices/:hostname/host-key', deps.operate, deps.jsonLimit, async (c) => {
    const hostname = parseValue(c, HostnameParam, c.req.param('hostname'));
    if (!hostname.ok) return hostname.response;
    const body = await parseJson(c, HostKeyAcceptBody);
    if (!body.ok) return body.response;
    const device = await findDeviceByHostname(deps.db, hostname.value);
    if (!device) return c.json({ error: `no device ${hostname.value}` }, 404);
    const where = `${device.hostname} at ${device.address}:${device.port}`;
    let offered;
    try {
      offered = await probeHostKey(device.address, device.port, deps.probeTimeoutMs ?? 10_000);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return c.json(
        { error: `${reason}: nothing changed. To expect a key the device cannot show now, pin it: PATCH /devices/${device.hostname} {"hostKeyFingerprint": "${body.value.fingerprint}"}` },
        502,
      );
    }
    if (offered.fingerprint !== body.value.fingerprint) {
      return c.json({ error: `${where} offers the host key ${offered.fingerprint} (${offered.keyType}), not ${body.value.fingerprint}: nothing changed`, offered }, 409);
    }
    const previous = await getHostKey(deps.db, device.id);
    const hostKey = await setHostKey(deps.db, device.id, { fingerprint: offered.fingerprint, keyType: offered.keyType, seen: true }, { actor: c.get('actor'), source: 'operator', kind: 'accepted', address: device.address, port: device.port });
    deps.logger.info('device host key accepted', { device: device.hostname, fingerprint: offered.fingerprint, previous: previous?.fingerprint, by: c.get('actor') });
    return c.json({ hostname: device.hostname, hostKey, previous: previous?.fingerprint ?? null });
  });
}
