// Encryption of credentials at rest (AES-256-GCM). The key comes from the environment
// (NETSWIM_SECRET_KEY, 32 bytes as base64 or hex); embedded mode keeps a generated key file.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface SecretBox {
  seal(plaintext: string): string;
  open(sealed: string): string;
}

const VERSION = 'v1';

export function parseSecretKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) throw new Error('NETSWIM_SECRET_KEY must be 32 bytes, as 64 hex digits or base64');
  return key;
}

export function createSecretBox(key: Buffer): SecretBox {
  return {
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [VERSION, iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join(':');
    },
    open(sealed) {
      const [version, iv, tag, body] = sealed.split(':');
      if (version !== VERSION || !iv || !tag || body === undefined) throw new Error('sealed secret has an unknown format');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
    },
  };
}

/** Key from the environment, else from `keyFile`, generating it (mode 0600) on first use. */
export async function loadSecretKey(envValue: string | undefined, keyFile: string): Promise<Buffer> {
  if (envValue) return parseSecretKey(envValue);
  try {
    return parseSecretKey(await readFile(keyFile, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = randomBytes(32);
  await mkdir(dirname(keyFile), { recursive: true });
  try {
    await writeFile(keyFile, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another netswim process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return parseSecretKey(await readFile(keyFile, 'utf8'));
    throw error;
  }
  await chmod(keyFile, 0o600);
  return key;
}
