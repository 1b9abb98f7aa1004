// Where the API is and which token to send: flags, then environment, then embedded-mode defaults.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from './command.ts';

export const DEFAULT_API_URL = 'http://127.0.0.1:8080';

export interface Connection {
  apiUrl: string;
  token: string | undefined;
  /** Where the token came from, for the hint on a 401. */
  tokenSource: string;
}

export function resolveConnection(flags: { apiUrl?: string | undefined; token?: string | undefined }, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Connection {
  const apiUrl = (flags.apiUrl ?? env.NETSWIM_API_URL ?? DEFAULT_API_URL).replace(/\/+$/, '');
  let parsed: URL;
  try {
    parsed = new URL(apiUrl);
  } catch {
    throw new UsageError(`--api-url / NETSWIM_API_URL: not a URL: ${apiUrl}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UsageError(`--api-url / NETSWIM_API_URL must be http:// or https://, not ${apiUrl}`);
  if (flags.token) return { apiUrl, token: flags.token, tokenSource: '--token' };
  if (env.NETSWIM_API_TOKEN) return { apiUrl, token: env.NETSWIM_API_TOKEN, tokenSource: 'NETSWIM_API_TOKEN' };
  // Embedded mode writes an admin token next to the data: the same file the server reads.
  const file = resolve(cwd, env.NETSWIM_DATA_DIR ?? 'data', 'api-token');
  try {
    const token = readFileSync(file, 'utf8').trim();
    return { apiUrl, token: token || undefined, tokenSource: file };
  } catch {
    return { apiUrl, token: undefined, tokenSource: `none (no NETSWIM_API_TOKEN, no --token, no ${file})` };
  }
}
