// The SSH host key each device is expected to present (migration 013). Trust on first use: the
// first session records the key the device offered; a key pinned at registration or accepted by
// an operator replaces it. `checkHostKey` runs inside the SSH handshake, before any credential
// is sent, and is safe under concurrency: two first contacts offering different keys cannot both
// be recorded (INSERT … ON CONFLICT DO NOTHING, then every caller compares with the stored row).
import type { Queryable } from './database.ts';

export type HostKeySource = 'first-contact' | 'registration' | 'operator';

export interface HostKeyRecord {
  fingerprint: string;
  /** `ssh-ed25519`, `ssh-rsa`, …; null for a pinned key no session has seen yet. */
  keyType: string | null;
  source: HostKeySource;
  recordedAt: string;
  /** When a session first saw this key; null until one has. */
  firstSeenAt: string | null;
  /** The operator who pinned or accepted the key, and when (null for a key recorded on first contact). */
  acceptedBy: string | null;
  acceptedAt: string | null;
  /** The last key a session refused because it was not this one. */
  refused: { fingerprint: string; keyType: string | null; at: string } | null;
}

export interface HostKeyEvent {
  at: string;
  kind: 'recorded' | 'pinned' | 'accepted' | 'mismatch';
  fingerprint: string;
  keyType: string | null;
  expectedFingerprint: string | null;
  address: string | null;
  port: number | null;
  actor: string | null;
}

export interface OfferedHostKey {
  fingerprint: string;
  keyType: string;
}

interface HostKeyRow {
  fingerprint: string;
  key_type: string | null;
  source: HostKeySource;
  recorded_at: Date | string;
  first_seen_at: Date | string | null;
  accepted_by: string | null;
  accepted_at: Date | string | null;
  refused_fingerprint: string | null;
  refused_key_type: string | null;
  refused_at: Date | string | null;
}

const iso = (value: Date | string): string => new Date(value).toISOString();
const isoOrNull = (value: Date | string | null): string | null => (value === null ? null : iso(value));

function toRecord(row: HostKeyRow): HostKeyRecord {
  return {
    fingerprint: row.fingerprint,
    keyType: row.key_type,
    source: row.source,
    recordedAt: iso(row.recorded_at),
    firstSeenAt: isoOrNull(row.first_seen_at),
    acceptedBy: row.accepted_by,
    acceptedAt: isoOrNull(row.accepted_at),
    refused: row.refused_fingerprint && row.refused_at ? { fingerprint: row.refused_fingerprint, keyType: row.refused_key_type, at: iso(row.refused_at) } : null,
  };
}

export async function getHostKey(db: Queryable, deviceId: string): Promise<HostKeyRecord | undefined> {
  const rows = await db.query<HostKeyRow>('SELECT * FROM device_host_keys WHERE device_id = $1', [deviceId]);
  return rows[0] && toRecord(rows[0]);
}

/** The device's host-key events, newest first. */
export async function listHostKeyEvents(db: Queryable, deviceId: string, limit = 50): Promise<HostKeyEvent[]> {
  const rows = await db.query<{ at: Date | string; kind: HostKeyEvent['kind']; fingerprint: string; key_type: string | null; expected_fingerprint: string | null; address: string | null; port: number | null; actor: string | null }>(
    'SELECT * FROM device_host_key_events WHERE device_id = $1 ORDER BY at DESC, id DESC LIMIT $2',
    [deviceId, limit],
  );
  return rows.map((r) => ({ at: iso(r.at), kind: r.kind, fingerprint: r.fingerprint, keyType: r.key_type, expectedFingerprint: r.expected_fingerprint, address: r.address, port: r.port, actor: r.actor }));
}

async function addEvent(db: Queryable, deviceId: string, event: Omit<HostKeyEvent, 'at'>): Promise<void> {
  await db.query(
    `INSERT INTO device_host_key_events (device_id, kind, fingerprint, key_type, expected_fingerprint, address, port, actor)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [deviceId, event.kind, event.fingerprint, event.keyType, event.expectedFingerprint, event.address, event.port, event.actor],
  );
}

/** `expected` is undefined when the device left the inventory during the check. */
export type HostKeyCheck = { ok: true; recorded: boolean } | { ok: false; expected: HostKeyRecord | undefined };

/**
 * Compares the key a device offers with the one recorded, recording it when none is (first
 * contact). A mismatch is written as a `mismatch` event and kept as the row's refused key; the
 * caller must then end the handshake without authenticating.
 */
export async function checkHostKey(db: Queryable, deviceId: string, offered: OfferedHostKey, at: { address: string; port: number }): Promise<HostKeyCheck> {
  const inserted = await db.query<HostKeyRow>(
    `INSERT INTO device_host_keys (device_id, fingerprint, key_type, source, first_seen_at)
     VALUES ($1, $2, $3, 'first-contact', now())
     ON CONFLICT (device_id) DO NOTHING RETURNING *`,
    [deviceId, offered.fingerprint, offered.keyType],
  );
  if (inserted[0]) {
    await addEvent(db, deviceId, { kind: 'recorded', fingerprint: offered.fingerprint, keyType: offered.keyType, expectedFingerprint: null, ...at, actor: null });
    return { ok: true, recorded: true };
  }
  const rows = await db.query<HostKeyRow>('SELECT * FROM device_host_keys WHERE device_id = $1', [deviceId]);
  const row = rows[0];
  // The row went away between the two statements (the device was deleted): nothing to trust.
  if (!row) return { ok: false, expected: undefined };
  if (row.fingerprint === offered.fingerprint) {
    // A pinned or accepted key seen for the first time: note when and its type.
    if (row.first_seen_at === null) {
      await db.query('UPDATE device_host_keys SET first_seen_at = now(), key_type = $3 WHERE device_id = $1 AND fingerprint = $2 AND first_seen_at IS NULL', [deviceId, offered.fingerprint, offered.keyType]);
    }
    return { ok: true, recorded: false };
  }
  await db.query('UPDATE device_host_keys SET refused_fingerprint = $2, refused_key_type = $3, refused_at = now() WHERE device_id = $1', [deviceId, offered.fingerprint, offered.keyType]);
  await addEvent(db, deviceId, { kind: 'mismatch', fingerprint: offered.fingerprint, keyType: offered.keyType, expectedFingerprint: row.fingerprint, ...at, actor: null });
  return { ok: false, expected: toRecord(row) };
}

/**
 * An operator sets the key to expect: pinned at registration or later (`pinned`, type unknown
 * until a session sees it), or accepted as what the device offers now (`accepted`, type known).
 * Replaces any recorded key; who and when are kept on the row and in an event.
 */
export async function setHostKey(
  db: Queryable,
  deviceId: string,
  key: { fingerprint: string; keyType?: string | null; seen: boolean },
  by: { actor: string; source: 'registration' | 'operator'; kind: 'pinned' | 'accepted'; address?: string; port?: number },
): Promise<HostKeyRecord> {
  const rows = await db.query<HostKeyRow>(
    `INSERT INTO device_host_keys (device_id, fingerprint, key_type, source, recorded_at, first_seen_at, accepted_by, accepted_at)
     VALUES ($1, $2, $3, $4, now(), CASE WHEN $5::boolean THEN now() END, $6, now())
     ON CONFLICT (device_id) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, source = EXCLUDED.source, recorded_at = EXCLUDED.recorded_at,
       -- The same key again keeps what sessions saw of it.
       key_type = CASE WHEN device_host_keys.fingerprint = EXCLUDED.fingerprint THEN coalesce(EXCLUDED.key_type, device_host_keys.key_type) ELSE EXCLUDED.key_type END,
       first_seen_at = CASE WHEN device_host_keys.fingerprint = EXCLUDED.fingerprint THEN coalesce(device_host_keys.first_seen_at, EXCLUDED.first_seen_at) ELSE EXCLUDED.first_seen_at END, accepted_by = EXCLUDED.accepted_by, accepted_at = EXCLUDED.accepted_at,
       refused_fingerprint = NULL, refused_key_type = NULL, refused_at = NULL
     RETURNING *`,
    [deviceId, key.fingerprint, key.keyType ?? null, by.source, key.seen, by.actor],
  );
  await addEvent(db, deviceId, { kind: by.kind, fingerprint: key.fingerprint, keyType: key.keyType ?? null, expectedFingerprint: null, address: by.address ?? null, port: by.port ?? null, actor: by.actor });
  return toRecord(rows[0]!);
}
