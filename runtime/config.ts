// netswim's configuration, from the environment, with embedded defaults that need no set-up.
import { resolve } from 'node:path';
import { z } from 'zod';
import { parseImportAllow } from '../images/import-address-policy.ts';
import { loadItsmConfig } from '../itsm/config.ts';

const Env = z.object({
  NETSWIM_DATA_DIR: z.string().default('data'),
  DATABASE_URL: z.string().url().optional(),
  NETSWIM_SECRET_KEY: z.string().optional(),
  TEMPORAL_ADDRESS: z.string().optional(),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  NETSWIM_TASK_QUEUE: z.string().default('netswim'),
  NETSWIM_API_HOST: z.string().default('127.0.0.1'),
  NETSWIM_API_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  NETSWIM_API_TOKENS: z.string().optional(),
  /** Behind a proxy that sets X-Forwarded-For: record it in the audit log (a client could forge it otherwise). */
  NETSWIM_API_TRUST_FORWARDED_FOR: z.enum(['0', '1', 'true', 'false']).default('0'),
  NETSWIM_IMAGE_SERVICE_HOST: z.string().default('127.0.0.1'),
  NETSWIM_IMAGE_SERVICE_PORT: z.coerce.number().int().min(0).max(65535).default(8081),
  /** The URL devices use to reach the image service, when it differs from host:port (NAT, proxy). */
  NETSWIM_IMAGE_SERVICE_URL: z.string().url().optional(),
  /** PEM certificate and key files: the image service then speaks HTTPS. */
  NETSWIM_IMAGE_SERVICE_TLS_CERT: z.string().optional(),
  NETSWIM_IMAGE_SERVICE_TLS_KEY: z.string().optional(),
  /** netswim's SCP service (the fallback when devices cannot use HTTP(S)): a port, 0 for any free port, or off. */
  NETSWIM_SCP_SERVICE_PORT: z
    .string()
    .regex(/^(off|\d{1,5})$/, 'NETSWIM_SCP_SERVICE_PORT: a port (0 = any free port) or off')
    .refine((v) => v === 'off' || Number(v) <= 65535, 'NETSWIM_SCP_SERVICE_PORT: a port up to 65535')
    .default('8022'),
  /** Where the SCP service listens (default: NETSWIM_IMAGE_SERVICE_HOST). */
  NETSWIM_SCP_SERVICE_HOST: z.string().min(1).optional(),
  /** The host devices put in scp:// URLs when it differs from the listen address (NAT). */
  NETSWIM_SCP_SERVICE_PUBLIC_HOST: z.string().min(1).optional(),
  /** The port devices put in scp:// URLs when a NAT or load balancer forwards another one. */
  NETSWIM_SCP_SERVICE_PUBLIC_PORT: z
    .string()
    .regex(/^\d{1,5}$/, 'NETSWIM_SCP_SERVICE_PUBLIC_PORT: a port from 1 to 65535')
    .refine((v) => Number(v) >= 1 && Number(v) <= 65535, 'NETSWIM_SCP_SERVICE_PUBLIC_PORT: a port from 1 to 65535')
    .optional(),
  NETSWIM_MAX_IMAGE_BYTES: z.coerce.number().int().positive().default(4 * 1024 ** 3),
  /** Lab only: accept self-signed certificates when importing images from https URLs. */
  NETSWIM_IMPORT_INSECURE_TLS: z.enum(['0', '1', 'true', 'false']).default('0'),
  /**
   * Host names, addresses and CIDR networks (each with an optional :port) that URL imports may
   * reach although they are loopback, link-local…: `files.lab,127.0.0.1:2121,10.9.0.0/16`.
   */
  NETSWIM_IMPORT_ALLOW: z.string().optional(),
  NETSWIM_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /** How often the inventory schedule reads every device: 30m, 6h, 1d… or off. */
  NETSWIM_INVENTORY_EVERY: z
    .string()
    .regex(/^(off|\d+(s|m|h|d))$/, 'NETSWIM_INVENTORY_EVERY: a duration such as 30m, 6h or 1d, or off')
    .default('6h'),
  /**
   * How often a running transfer's progress (and liveness) reaches the Temporal server: the API's
   * percentages are at most this old, and a cancel reaches a running copy within it. Each running
   * transfer is one server write per interval.
   */
  NETSWIM_PROGRESS_INTERVAL: z
    .string()
    .regex(/^\d+s$/, 'NETSWIM_PROGRESS_INTERVAL: seconds such as 10s')
    .refine((v) => parseInt(v, 10) >= 1 && parseInt(v, 10) <= 30, 'NETSWIM_PROGRESS_INTERVAL: from 1s to 30s (a transfer must heartbeat within its minute)')
    .default('10s'),
});

export type NetswimConfig = ReturnType<typeof loadConfig>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = Env.safeParse(env);
  if (!parsed.success) throw new Error(`invalid configuration:\n${z.prettifyError(parsed.error)}`);
  const e = parsed.data;
  if (Boolean(e.NETSWIM_IMAGE_SERVICE_TLS_CERT) !== Boolean(e.NETSWIM_IMAGE_SERVICE_TLS_KEY)) {
    throw new Error('invalid configuration: set both NETSWIM_IMAGE_SERVICE_TLS_CERT and NETSWIM_IMAGE_SERVICE_TLS_KEY, or neither');
  }
  let importAllow: ReturnType<typeof parseImportAllow>;
  try {
    importAllow = parseImportAllow(e.NETSWIM_IMPORT_ALLOW);
  } catch (error) {
    throw new Error(`invalid configuration: ${(error as Error).message}`, { cause: error });
  }
  const dataDir = resolve(e.NETSWIM_DATA_DIR);
  return {
    dataDir,
    databaseUrl: e.DATABASE_URL,
    pgliteDataDir: resolve(dataDir, 'pglite'),
    secretKey: e.NETSWIM_SECRET_KEY,
    secretKeyFile: resolve(dataDir, 'secret.key'),
    imageDir: resolve(dataDir, 'images'),
    temporalAddress: e.TEMPORAL_ADDRESS,
    namespace: e.TEMPORAL_NAMESPACE,
    taskQueue: e.NETSWIM_TASK_QUEUE,
    api: { host: e.NETSWIM_API_HOST, port: e.NETSWIM_API_PORT, tokens: e.NETSWIM_API_TOKENS, tokenFile: resolve(dataDir, 'api-token'), trustForwardedFor: e.NETSWIM_API_TRUST_FORWARDED_FOR === '1' || e.NETSWIM_API_TRUST_FORWARDED_FOR === 'true' },
    imageService: {
      host: e.NETSWIM_IMAGE_SERVICE_HOST,
      port: e.NETSWIM_IMAGE_SERVICE_PORT,
      publicUrl: e.NETSWIM_IMAGE_SERVICE_URL,
      tlsFiles: e.NETSWIM_IMAGE_SERVICE_TLS_CERT && e.NETSWIM_IMAGE_SERVICE_TLS_KEY ? { cert: resolve(e.NETSWIM_IMAGE_SERVICE_TLS_CERT), key: resolve(e.NETSWIM_IMAGE_SERVICE_TLS_KEY) } : undefined,
    },
    scpService:
      e.NETSWIM_SCP_SERVICE_PORT === 'off'
        ? undefined
        : {
            host: e.NETSWIM_SCP_SERVICE_HOST ?? e.NETSWIM_IMAGE_SERVICE_HOST,
            port: Number(e.NETSWIM_SCP_SERVICE_PORT),
            // Devices reach netswim where NETSWIM_IMAGE_SERVICE_URL says, unless told otherwise.
            publicHost: e.NETSWIM_SCP_SERVICE_PUBLIC_HOST ?? (e.NETSWIM_IMAGE_SERVICE_URL ? new URL(e.NETSWIM_IMAGE_SERVICE_URL).hostname.replace(/^\[(.*)\]$/, '$1') : undefined),
            publicPort: e.NETSWIM_SCP_SERVICE_PUBLIC_PORT ? Number(e.NETSWIM_SCP_SERVICE_PUBLIC_PORT) : undefined,
            hostKeyFile: resolve(dataDir, 'scp-host-key'),
          },
    maxImageBytes: e.NETSWIM_MAX_IMAGE_BYTES,
    importInsecureTls: e.NETSWIM_IMPORT_INSECURE_TLS === '1' || e.NETSWIM_IMPORT_INSECURE_TLS === 'true',
    importAllow,
    logLevel: e.NETSWIM_LOG_LEVEL,
    inventoryEvery: e.NETSWIM_INVENTORY_EVERY === 'off' ? undefined : e.NETSWIM_INVENTORY_EVERY,
    progressIntervalSeconds: parseInt(e.NETSWIM_PROGRESS_INTERVAL, 10),
    /** ITSM approvals (NETSWIM_ITSM_*); undefined when NETSWIM_ITSM_URL is not set. */
    itsm: loadItsmConfig(env),
  };
}
