// SSH host-key verification of devices. ssh2 hands the client the key the server offers during
// the key exchange, before authentication: refusing there means no password, keyboard-interactive
// answer or enable secret ever reaches a host that is not the device (a re-pointed address, a
// spoofed one). Keys are compared by their OpenSSH SHA256 fingerprint.
import { createHash } from 'node:crypto';
import { Client } from 'ssh2';
import type { Queryable } from '../store/database.ts';
import { checkHostKey, type OfferedHostKey } from '../store/host-keys.ts';

export type { OfferedHostKey };

/** `SHA256:<base64 without padding>` of the public key blob, as `ssh-keygen -lf` prints it. */
export function hostKeyFingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The fingerprint and algorithm name (the blob's first string: `ssh-ed25519`, `ssh-rsa`, …). */
export function offeredHostKey(blob: Buffer): OfferedHostKey {
  const length = blob.length >= 4 ? blob.readUInt32BE(0) : 0;
  const keyType = length > 0 && length <= 64 && blob.length >= 4 + length ? blob.subarray(4, 4 + length).toString('latin1') : 'unknown';
  return { fingerprint: hostKeyFingerprint(blob), keyType: /^[\x21-\x7e]+$/.test(keyType) ? keyType : 'unknown' };
}

/** The device offered another key than the one recorded: the session ended before authentication. */
export class HostKeyMismatchError extends Error {
  constructor(
    readonly hostname: string,
    readonly at: { host: string; port: number },
    readonly expected: string,
    readonly received: OfferedHostKey,
  ) {
    super(
      `SSH host key mismatch for ${hostname} at ${at.host}:${at.port}: expected ${expected}, received ${received.fingerprint} (${received.keyType}); ` +
        'the session was refused before any credential was sent. If the device really has a new key, accept it: ' +
        `netswim devices accept-host-key ${hostname} --fingerprint ${received.fingerprint} (POST /devices/${hostname}/host-key)`,
    );
    this.name = 'HostKeyMismatchError';
  }
}

/** Checks (and on first contact records) the key a device offers; throws HostKeyMismatchError. */
export function deviceHostKeyVerifier(db: Queryable, device: { id: string; hostname: string; address: string; port: number }): (offered: OfferedHostKey) => Promise<void> {
  return async (offered) => {
    const at = { address: device.address, port: device.port };
    const check = await checkHostKey(db, device.id, offered, at);
    if (!check.ok) throw new HostKeyMismatchError(device.hostname, { host: device.address, port: device.port }, check.expected?.fingerprint ?? '(none: the device left the inventory)', offered);
  };
}

/**
 * The key a host offers, read by starting an SSH handshake and ending it before authentication:
 * nothing but the client's version and key-exchange messages is sent.
 */
export function probeHostKey(host: string, port: number, timeoutMs = 10_000): Promise<OfferedHostKey> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let offered: OfferedHostKey | undefined;
    const finish = (error?: Error): void => {
      client.destroy();
      if (offered) resolve(offered);
      else reject(new Error(`cannot read the SSH host key of ${host}:${port}: ${error?.message ?? 'the connection closed'}`));
    };
    client.once('error', finish);
    client.once('close', () => finish());
    client.connect({
      host,
      port,
      username: 'netswim-host-key-probe',
      readyTimeout: timeoutMs,
      hostVerifier: (key: Buffer) => {
        offered = offeredHostKey(key);
        return false;
      },
    });
  });
}
