// What the API accepts. Everything from outside is parsed here; unknown fields are refused.
import { isIP } from 'node:net';
import { z } from 'zod';
import { DEVICE_ROLES as GOLDEN_ROLES, normalizeSitePath } from '../domain/golden.ts';
import { SITE_KINDS } from '../domain/sites.ts';
import { OS_FAMILIES, PRECHECK_NAMES } from '../domain/prechecks/types.ts';
import { CUSTOM_CHECK_LIMITS } from '../domain/prechecks/custom.ts';
import { SAFE_FILE_NAME_RULE, isSafeFileName } from '../domain/image-name.ts';
import { DISTRIBUTION_PROTOCOLS } from '../distribution/site-servers.ts';
import { HOST_KEY_FINGERPRINT, HOST_KEY_FINGERPRINT_RULE } from '../domain/host-key.ts';

const HOSTNAME = /^[A-Za-z0-9][A-Za-z0-9.-]{0,62}$/;
const FAMILY = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/**
 * A device address: an IPv4 or IPv6 address (node:net's parser), or a DNS name of labels of 1-63
 * letters, digits and inner hyphens, 253 characters at most. A dotted all-numeric string that is
 * no IPv4 address (`127.0.0.256`) is neither.
 */
export function isDeviceAddress(address: string): boolean {
  if (isIP(address) !== 0) return true;
  if (address.length > 253 || /^[\d.]+$/.test(address)) return false;
  return address.split('.').every((label) => /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(label));
}

export const DEVICE_ROLES = ['ACCESS', 'DISTRIBUTION', 'CORE', 'BORDER ROUTER', 'UNKNOWN'] as const;

/** A site path `Global/<area>/…`, checked and written in its canonical spelling. */
export const SitePath = z.string().max(1000).transform((path, ctx) => {
  try {
    return normalizeSitePath(path);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

const Family = z.string().regex(FAMILY, 'family: letters, digits, _ and -, up to 64 characters (e.g. cat9300)');

// Device fields without defaults: a change names only what it changes.
const deviceFields = {
  address: z.string().refine(isDeviceAddress, 'address must be an IPv4 or IPv6 address or a DNS name'),
  port: z.number().int().min(1).max(65535),
  platform: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'platform: lower-case letters, digits, _ and -'),
  site: SitePath,
  role: z.enum(DEVICE_ROLES),
  family: Family,
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
  enableSecret: z.string().min(1).max(256),
};

/** The SSH host key to expect from the device, pinned up front (otherwise the first session records it). */
const HostKeyFingerprint = z.string().regex(HOST_KEY_FINGERPRINT, `hostKeyFingerprint: ${HOST_KEY_FINGERPRINT_RULE}`);

export const NewDeviceBody = z
  .object({
    ...deviceFields,
    hostKeyFingerprint: HostKeyFingerprint.optional(),
    hostname: z.string().regex(HOSTNAME, 'hostname: letters, digits, dot and dash, up to 63 characters'),
    port: deviceFields.port.default(22),
    site: deviceFields.site.default('Global'),
    role: deviceFields.role.optional(),
    family: Family.optional(),
    enableSecret: deviceFields.enableSecret.optional(),
  })
  .strict();

export const DeviceChangesBody = z
  .object({ ...deviceFields, hostKeyFingerprint: HostKeyFingerprint })
  .partial()
  .strict()
  .refine((changes) => Object.keys(changes).length > 0, 'name at least one field to change');

/**
 * One entry of a device inventory file, as `npm run lab` writes it (roles in any case;
 * `credentialsRef` is informational: the entry must carry the credentials themselves; `family`
 * holds until inventory reads the device's model).
 */
const { hostKeyFingerprint: _pinnedOnlyOneByOne, ...newDeviceShape } = NewDeviceBody.shape;
const InventoryEntry = z
  .object({
    ...newDeviceShape,
    role: z
      .string()
      .transform((role) => role.toUpperCase())
      .pipe(deviceFields.role)
      .optional(),
    family: Family.optional(),
    // Every OS netswim has a driver for (drivers/os-family.ts), EOS included.
    os: z.enum(OS_FAMILIES).optional().describe('informational: inventory reads it from the device'),
    credentialsRef: z.object({ file: z.string().max(4096), key: z.string().max(128) }).strict().optional(),
  })
  .strict();

export const InventoryImportBody = z
  .array(InventoryEntry)
  .min(1, 'the inventory is empty')
  .max(10_000, 'import at most 10,000 devices per call')
  .superRefine((entries, ctx) => {
    const seen = new Set<string>();
    entries.forEach((entry, index) => {
      if (seen.has(entry.hostname)) ctx.addIssue({ code: 'custom', path: [index, 'hostname'], message: `${entry.hostname} appears twice` });
      seen.add(entry.hostname);
    });
  });

export const HostnameParam = z.string().regex(HOSTNAME, 'not a device hostname');

/** POST /devices/:hostname/host-key: the fingerprint the operator checked; the device must offer it now. */
export const HostKeyAcceptBody = z.object({ fingerprint: z.string().regex(HOST_KEY_FINGERPRINT, `fingerprint: ${HOST_KEY_FINGERPRINT_RULE}`) }).strict();

export const NewUpgradeBody = z
  .object({
    device: z.string().min(1).max(64).describe('device id or hostname'),
    imageId: z.uuid(),
    kickstartImageId: z.uuid().optional().describe('NX-OS kickstart + system: the kickstart image to install with imageId (default: the one linked to it)'),
    reloadTimeoutSeconds: z.number().int().min(30).max(7200).optional(),
    rollbackOnFailure: z.boolean().optional().describe('boot the previous image again when activation or postchecks fail (default true)'),
    allowDowngrade: z.boolean().optional().describe('install the image even when it is older than what the device runs (default false)'),
    disabledChecks: z.array(z.enum(PRECHECK_NAMES)).max(PRECHECK_NAMES.length).optional().describe('readiness checks to skip for this run'),
    plan: z.lazy(() => UpgradePlanBody).optional().describe('when to distribute and activate (default: now, then right after)'),
  })
  .strict();

const IsoTime = z.iso.datetime({ offset: true, message: 'a time in ISO 8601 with an offset, e.g. 2026-11-22T02:00:00+01:00' });

/** When to distribute and when to activate (domain/plan.ts). */
export const UpgradePlanBody = z
  .object({
    distribute: z.discriminatedUnion('kind', [z.object({ kind: z.literal('now') }).strict(), z.object({ kind: z.literal('at'), at: IsoTime }).strict()]).default({ kind: 'now' }),
    activate: z
      .discriminatedUnion('kind', [
        z.object({ kind: z.literal('after-distribution') }).strict(),
        z.object({ kind: z.literal('at'), at: IsoTime }).strict(),
        z.object({ kind: z.literal('window'), window: z.string().min(1).max(64).optional(), minimumMinutesLeft: z.number().min(0).max(1440).optional() }).strict(),
        z.object({ kind: z.literal('never') }).strict(),
      ])
      .default({ kind: 'after-distribution' }),
  })
  .strict();

export const CleanupAuditQuery = z
  .object({ device: z.string().regex(HOSTNAME, 'device: a hostname').optional(), workflowId: z.string().max(200).optional() })
  .strict();

export const ImageUploadQuery = z
  .object({
    fileName: z.string().refine(isSafeFileName, `fileName: ${SAFE_FILE_NAME_RULE}`),
    version: z.string().regex(/^[0-9A-Za-z.()_-]{1,40}$/).optional(),
    platform: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/).optional(),
    baseImageId: z.uuid().optional().describe('for a SMU / AP pack: the base image it patches'),
    families: z
      .string()
      .transform((s) => s.split(',').map((f) => f.trim()).filter(Boolean))
      .pipe(z.array(z.string().regex(FAMILY, 'families: comma-separated family names')).max(20))
      .optional()
      .describe('comma-separated device families the image applies to'),
    vendor: z.string().trim().min(1).max(64).optional().describe('Cisco (default) or a third party'),
    applicationType: z.string().trim().min(1).max(64).optional().describe('third-party images: e.g. firewall, WAN optimization'),
    thirdPartyFamily: z.string().trim().min(1).max(64).optional().describe("third-party images: the vendor's product family"),
  })
  .strict()
  .superRefine((q, ctx) => {
    const thirdParty = q.vendor !== undefined && q.vendor.toLowerCase() !== 'cisco';
    if (thirdParty && (!q.applicationType || !q.thirdPartyFamily)) {
      ctx.addIssue({ code: 'custom', path: ['vendor'], message: 'a third-party image needs applicationType and thirdPartyFamily' });
    }
    if (!thirdParty && (q.applicationType || q.thirdPartyFamily)) {
      ctx.addIssue({ code: 'custom', path: ['applicationType'], message: 'applicationType and thirdPartyFamily describe third-party images: give vendor too' });
    }
  });

/** POST and DELETE /images/:id/golden: the scope of a golden tag. */
export const GoldenTagBody = z
  .object({
    family: z.string().regex(FAMILY, 'family: letters, digits, _ and -, up to 64 characters'),
    role: z.enum(GOLDEN_ROLES).optional(),
    site: SitePath.optional(),
  })
  .strict();

/** PATCH /images/:id: what an operator may correct or assign after import. */
export const ImageChangesBody = z
  .object({
    families: z.array(Family).max(50).describe('device families the image applies to (replaces the list)'),
    baseImageId: z.uuid().nullable().describe('for a SMU / AP pack: the base image it patches; null unlinks'),
    version: z.string().regex(/^[0-9A-Za-z.()_-]{1,40}$/),
  })
  .partial()
  .strict()
  .refine((changes) => Object.keys(changes).length > 0, 'name at least one field to change');

export const NewSiteBody = z.object({ path: SitePath, kind: z.enum(SITE_KINDS) }).strict();

export const InventoryRunBody = z
  .object({ devices: z.array(z.string().regex(HOSTNAME, 'devices: hostnames')).min(1).max(10_000).optional() })
  .strict();

export const InventoryWorkflowIdParam = z.string().regex(/^inventory\/[A-Za-z0-9:._-]+$/, 'not an inventory run id');

export const ComplianceQuery = z
  .object({
    status: z.enum(['compliant', 'outdated', 'no-golden', 'unknown']).optional(),
    family: Family.optional(),
    site: SitePath.optional().describe('this site and every site below it'),
  })
  .strict();

export const ImageIdParam = z.uuid('not an image id');

/** POST /images/import: the URL is checked further (scheme, file name) by images/import-url.ts. */
export const ImageUrlImportBody = z
  .object({
    url: z.string().min(1).max(4096),
    fileName: ImageUploadQuery.shape.fileName.optional(),
    version: ImageUploadQuery.shape.version,
    platform: ImageUploadQuery.shape.platform,
  })
  .strict();

export const ImportWorkflowIdParam = z.string().regex(/^image-import\/[0-9a-f-]{36}$/, 'not an image import id');

/** DELETE /checks/:name: a custom check's name as validateCustomCheck allows it (domain/prechecks/custom.ts). */
export const CheckNameParam = z
  .string()
  .max(CUSTOM_CHECK_LIMITS.nameLength, `not a custom check name: at most ${CUSTOM_CHECK_LIMITS.nameLength} characters`)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'not a custom check name: letters, digits, ".", "_" and "-", starting with a letter or digit');

export const WorkflowIdParam = z.string().regex(/^upgrade\/[A-Za-z0-9.-]+\/[A-Za-z0-9-]+$/, 'not an upgrade id');

/** zod's own message, made one line per problem for API clients and CLIs. */
export function describeZodError(error: z.ZodError): string {
  return z.prettifyError(error);
}

/** Where a page of GET /upgrades ends: requested_at to the microsecond (UTC) and the workflow id. */
export interface UpgradeCursorKey {
  requestedAt: string;
  workflowId: string;
}

const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** The opaque `nextCursor` of GET /upgrades: base64url of `[requestedAt, workflowId]`. */
export function encodeUpgradeCursor(key: UpgradeCursorKey): string {
  return Buffer.from(JSON.stringify([key.requestedAt, key.workflowId])).toString('base64url');
}

const UpgradeCursor = z
  .string()
  .max(512)
  .transform((cursor, ctx): UpgradeCursorKey => {
    try {
      const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
      if (Array.isArray(value) && value.length === 2) {
        const [requestedAt, workflowId] = value as unknown[];
        if (typeof requestedAt === 'string' && CURSOR_TIME.test(requestedAt) && typeof workflowId === 'string' && WorkflowIdParam.safeParse(workflowId).success) {
          return { requestedAt, workflowId };
        }
      }
    } catch {
      // not base64url JSON: reported below
    }
    ctx.addIssue({ code: 'custom', message: 'cursor: not a nextCursor from GET /upgrades' });
    return z.NEVER;
  });

export const UPGRADE_LIST_STATUSES = ['in-progress', 'success', 'failed'] as const;

/** GET /upgrades: filters, page size and where to continue. */
export const UpgradeListQuery = z
  .object({
    status: z.enum(UPGRADE_LIST_STATUSES).optional(),
    device: HostnameParam.optional().describe('device hostname'),
    site: SitePath.optional().describe('this site and every site below it'),
    image: z.uuid('image: an image id').optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    cursor: UpgradeCursor.optional(),
  })
  .strict();

// --- distribution servers (api/distribution-routes.ts) ---------------------------------------

const SERVER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const DistributionServerName = z.string().regex(SERVER_NAME, 'server name: letters, digits, . _ and -, up to 64 characters');

/** POST /distribution-servers; host and root location are checked further by checkServer (distribution/site-servers.ts). */
export const NewDistributionServerBody = z
  .object({
    name: DistributionServerName,
    protocol: z.enum(DISTRIBUTION_PROTOCOLS),
    host: z.string().min(1).max(253),
    port: z.number().int().min(1).max(65535).optional().describe('default: the protocol\'s (22, 21, 80)'),
    rootLocation: z.string().min(1).max(255).describe('the folder images go to, as devices see it in the URL'),
    username: z.string().min(1).max(64).optional(),
    password: z.string().min(1).max(256).optional(),
  })
  .strict();

/** PUT /sites/<path>/distribution: server names. */
export const SiteDistributionBody = z
  .object({ primary: DistributionServerName, secondary: DistributionServerName.optional() })
  .strict()
  .refine((b) => b.secondary !== b.primary, 'secondary: must be another server than the primary');

// --- the operator audit log (api/audit-routes.ts) --------------------------------------------

/** The opaque `nextCursor` of GET /audit: base64url of `["audit", <row id>]`. */
export function encodeAuditCursor(id: string): string {
  return Buffer.from(JSON.stringify(['audit', id])).toString('base64url');
}

const AuditCursor = z
  .string()
  .max(128)
  .transform((cursor, ctx): string => {
    try {
      const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
      if (Array.isArray(value) && value.length === 2 && value[0] === 'audit' && typeof value[1] === 'string' && /^\d{1,19}$/.test(value[1])) return value[1];
    } catch {
      // not base64url JSON: reported below
    }
    ctx.addIssue({ code: 'custom', message: 'cursor: not a nextCursor from GET /audit' });
    return z.NEVER;
  });

/** GET /audit: filters, page size and where to continue. */
export const AuditListQuery = z
  .object({
    actor: z.string().min(1).max(128).optional().describe("a token holder's name, token:<id>, a token id, itsm-callback or anonymous"),
    method: z
      .string()
      .transform((m) => m.toUpperCase())
      .pipe(z.enum(['POST', 'PUT', 'PATCH', 'DELETE'], 'method: POST, PUT, PATCH or DELETE (reads are not recorded)'))
      .optional(),
    path: z.string().regex(/^\/[^\s]{0,999}$/, 'path: a request path such as /devices (it and every path below it)').optional(),
    since: IsoTime.optional(),
    until: IsoTime.optional(),
    outcome: z.enum(['accepted', 'refused', 'error']).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    cursor: AuditCursor.optional(),
  })
  .strict();
