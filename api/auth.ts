// Bearer-token authentication and role-based authorisation for the API.
import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';

export const ROLES = ['viewer', 'operator', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** `audit`: reading the operator audit log (GET /audit), for security reviews and change managers. */
export type Permission = 'read' | 'operate' | 'approve' | 'audit';

const GRANTS: Record<Role, Permission[]> = {
  viewer: ['read'],
  operator: ['read', 'operate'],
  approver: ['read', 'approve', 'audit'],
  admin: ['read', 'operate', 'approve', 'audit'],
};

/** Who holds a token: its role and, when NETSWIM_API_TOKENS names it, the holder's name. */
export interface TokenHolder {
  role: Role;
  name?: string;
}

/** Tokens are kept as SHA-256 digests so that a heap dump or log never shows one. */
export type TokenTable = Map<string, TokenHolder>;

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

/** A token's stable public id: the first 12 hex digits of its SHA-256 (`printf %s "$TOKEN" | sha256sum | cut -c1-12`). */
export const tokenId = (token: string): string => digest(token).slice(0, 12);

// `role/name`: the name may not contain `:`, so `role:token` entries (whose token may) keep their meaning.
const ROLE_AND_NAME = /^([a-z]+)(?:\/([A-Za-z0-9._-]{1,64}))?$/;

/** `admin:secret1,viewer/alice:secret2` → token table (`role/name:token` names the holder). */
export function parseApiTokens(spec: string): TokenTable {
  const table: TokenTable = new Map();
  for (const entry of spec.split(',').map((e) => e.trim()).filter(Boolean)) {
    const colon = entry.indexOf(':');
    const [, role, name] = ROLE_AND_NAME.exec(entry.slice(0, Math.max(colon, 0))) ?? [];
    const token = entry.slice(colon + 1);
    if (colon < 1 || !role || !ROLES.includes(role as Role)) {
      throw new Error(`NETSWIM_API_TOKENS entry "${entry.slice(0, colon)}:…" must be <role>:<token> or <role>/<name>:<token> with a role of ${ROLES.join(', ')}`);
    }
    if (token.length < 16) throw new Error(`NETSWIM_API_TOKENS: the ${role} token is shorter than 16 characters`);
    table.set(digest(token), { role: role as Role, ...(name ? { name } : {}) });
  }
  return table;
}

/** The caller a request's `Authorization: Bearer` header names; `holder` is absent for an unknown token. */
export interface Caller {
  tokenId: string;
  holder?: TokenHolder;
}

export function identifyCaller(tokens: TokenTable, authorization: string | undefined): Caller | undefined {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  if (!token) return undefined;
  const holder = tokens.get(digest(token));
  return { tokenId: tokenId(token), ...(holder ? { holder } : {}) };
}

/** How the audit log and records name a caller: the token's holder name, else `token:<id>`, else `anonymous`. */
export function callerName(caller: Caller | undefined): string {
  return caller?.holder?.name ?? (caller?.holder ? `token:${caller.tokenId}` : 'anonymous');
}

export interface AuthVariables {
  role: Role;
  /** Who the token belongs to (callerName): what records of operator decisions name. */
  actor: string;
}

export function requirePermission(tokens: TokenTable, permission: Permission): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    const caller = identifyCaller(tokens, c.req.header('authorization'));
    const role = caller?.holder?.role;
    if (!role) return c.json({ error: 'missing or unknown API token (send Authorization: Bearer <token>)' }, 401);
    if (!GRANTS[role].includes(permission)) return c.json({ error: `role ${role} may not ${permission}` }, 403);
    c.set('role', role);
    c.set('actor', callerName(caller));
    await next();
  };
}
