// The ITSM integration's configuration, from the environment (read by runtime/config.ts). On when
// NETSWIM_ITSM_URL is set. Credentials and the callback secret stay in this process: activities
// and the API route use them; they never enter workflow inputs, results, signals or errors.
import { z } from 'zod';
import { parseDuration } from '../domain/itsm.ts';
import type { ItsmAuth } from './client.ts';

const Duration = (name: string, fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine((v) => (parseDuration(v) ?? 0) > 0, `${name}: a duration such as 30s, 5m, 24h or 2d`);

const Env = z.object({
  NETSWIM_ITSM_URL: z.url({ protocol: /^https?$/ }).optional(),
  NETSWIM_ITSM_AUTH: z.enum(['basic', 'oauth']).default('basic'),
  NETSWIM_ITSM_USERNAME: z.string().min(1).optional(),
  NETSWIM_ITSM_PASSWORD: z.string().min(1).optional(),
  NETSWIM_ITSM_CLIENT_ID: z.string().min(1).optional(),
  NETSWIM_ITSM_CLIENT_SECRET: z.string().min(1).optional(),
  NETSWIM_ITSM_CALLBACK_SECRET: z.string().optional(),
  NETSWIM_ITSM_APPROVAL_TIMEOUT: Duration('NETSWIM_ITSM_APPROVAL_TIMEOUT', '24h'),
  NETSWIM_ITSM_REPLAY_WINDOW: Duration('NETSWIM_ITSM_REPLAY_WINDOW', '5m'),
  NETSWIM_ITSM_DECISION_RECHECK: Duration('NETSWIM_ITSM_DECISION_RECHECK', '10m'),
});

export interface ItsmConfig {
  url: string;
  auth: ItsmAuth;
  /** HMAC-SHA256 key of the callback's signature. */
  callbackSecret: string;
  approvalTimeoutSeconds: number;
  /** How often a waiting workflow reads the recorded decision itself (its signal may have been lost). */
  decisionRecheckSeconds: number;
  replayWindowMs: number;
}

/** The ITSM configuration, or undefined when the integration is off; throws on an incomplete one. */
export function loadItsmConfig(env: NodeJS.ProcessEnv): ItsmConfig | undefined {
  const parsed = Env.safeParse(env);
  if (!parsed.success) throw new Error(`invalid configuration:\n${z.prettifyError(parsed.error)}`);
  const e = parsed.data;
  if (!e.NETSWIM_ITSM_URL) return undefined;
  const missing = (names: string[]) => new Error(`invalid configuration: with NETSWIM_ITSM_URL set, ${names.join(' and ')} must be set too`);
  let auth: ItsmAuth;
  if (e.NETSWIM_ITSM_AUTH === 'basic') {
    if (!e.NETSWIM_ITSM_USERNAME || !e.NETSWIM_ITSM_PASSWORD) throw missing(['NETSWIM_ITSM_USERNAME', 'NETSWIM_ITSM_PASSWORD (NETSWIM_ITSM_AUTH=basic)']);
    auth = { kind: 'basic', username: e.NETSWIM_ITSM_USERNAME, password: e.NETSWIM_ITSM_PASSWORD };
  } else {
    if (!e.NETSWIM_ITSM_CLIENT_ID || !e.NETSWIM_ITSM_CLIENT_SECRET) throw missing(['NETSWIM_ITSM_CLIENT_ID', 'NETSWIM_ITSM_CLIENT_SECRET (NETSWIM_ITSM_AUTH=oauth)']);
    auth = { kind: 'oauth', clientId: e.NETSWIM_ITSM_CLIENT_ID, clientSecret: e.NETSWIM_ITSM_CLIENT_SECRET };
  }
  if (!e.NETSWIM_ITSM_CALLBACK_SECRET || e.NETSWIM_ITSM_CALLBACK_SECRET.length < 16) {
    throw new Error('invalid configuration: with NETSWIM_ITSM_URL set, NETSWIM_ITSM_CALLBACK_SECRET (the callback HMAC key, at least 16 characters) must be set');
  }
  return {
    url: e.NETSWIM_ITSM_URL,
    auth,
    callbackSecret: e.NETSWIM_ITSM_CALLBACK_SECRET,
    approvalTimeoutSeconds: Math.round((parseDuration(e.NETSWIM_ITSM_APPROVAL_TIMEOUT) ?? 86_400_000) / 1000),
    decisionRecheckSeconds: Math.max(1, Math.round((parseDuration(e.NETSWIM_ITSM_DECISION_RECHECK) ?? 600_000) / 1000)),
    replayWindowMs: parseDuration(e.NETSWIM_ITSM_REPLAY_WINDOW) ?? 300_000,
  };
}
