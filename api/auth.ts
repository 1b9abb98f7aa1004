// Bearer-token authentication and role-based authorisation for the API.
import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';

export const ROLES = ['viewer', 'operator', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export type Permission = 'read' | 'operate' | 'approve';

const GRANTS: Record<Role, Permission[]> = {
  viewer: ['read'],
  operator: ['read', 'operate'],
  approver: ['read', 'approve'],
  admin: ['read', 'operate', 'approve'],
};

/** Tokens are kept as SHA-256 digests so that a heap dump or log never shows one. */
export type TokenTable = Map<string, Role>;

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

/** `admin:secret1,viewer:secret2` → token table. */
export function parseApiTokens(spec: string): TokenTable {
  const table: TokenTable = new Map();
  for (const entry of spec.split(',').map((e) => e.trim()).filter(Boolean)) {
    const colon = entry.indexOf(':');
    const role = entry.slice(0, colon) as Role;
    const token = entry.slice(colon + 1);
    if (colon < 1 || !ROLES.includes(role)) throw new Error(`NETSWIM_API_TOKENS entry "${entry.slice(0, colon)}:…" must be <role>:<token> with a role of ${ROLES.join(', ')}`);
    if (token.length < 16) throw new Error(`NETSWIM_API_TOKENS: the ${role} token is shorter than 16 characters`);
    table.set(digest(token), role);
  }
  return table;
}

export interface AuthVariables {
  role: Role;
}

export function requirePermission(tokens: TokenTable, permission: Permission): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    const role = token ? tokens.get(digest(token)) : undefined;
    if (!role) return c.json({ error: 'missing or unknown API token (send Authorization: Bearer <token>)' }, 401);
    if (!GRANTS[role].includes(permission)) return c.json({ error: `role ${role} may not ${permission}` }, 403);
    c.set('role', role);
    await next();
  };
}
