// Distribution server records and the sites' primary / secondary assignments. The password is
// sealed before it reaches the database and is only opened by the activities that transfer
// (openDistributionServer); records returned to the API never carry it.
import { randomUUID } from 'node:crypto';
import type { DistributionProtocol, DistributionServer } from '../distribution/site-servers.ts';
import { siteCovers, type SiteAssignment } from '../domain/site-distribution.ts';
import type { Queryable } from './database.ts';
import type { SecretBox } from './secret-box.ts';

export interface DistributionServerRecord {
  id: string;
  name: string;
  protocol: DistributionProtocol;
  host: string;
  port: number;
  rootLocation: string;
  username: string | null;
  /** Whether a password is stored (it is never returned). */
  hasPassword: boolean;
  createdAt: string;
}

/** A server as the API creates it: the connection details plus the name people use. */
export interface NewDistributionServer extends DistributionServer {
  name: string;
}

interface ServerRow {
  id: string;
  name: string;
  protocol: DistributionProtocol;
  host: string;
  port: number;
  root_location: string;
  username: string | null;
  sealed_password: string | null;
  created_at: Date | string;
}

const toRecord = (r: ServerRow): DistributionServerRecord => ({
  id: r.id,
  name: r.name,
  protocol: r.protocol,
  host: r.host,
  port: r.port,
  rootLocation: r.root_location,
  username: r.username,
  hasPassword: r.sealed_password !== null,
  createdAt: new Date(r.created_at).toISOString(),
});

export class DuplicateDistributionServerError extends Error {
  constructor(name: string) {
    super(`a distribution server named ${name} already exists`);
    this.name = 'DuplicateDistributionServerError';
  }
}

export async function addDistributionServer(db: Queryable, box: SecretBox, server: NewDistributionServer): Promise<DistributionServerRecord> {
  const rows = await db.query<ServerRow>(
    `INSERT INTO distribution_servers (id, name, protocol, host, port, root_location, username, sealed_password)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (name) DO NOTHING
     RETURNING *`,
    [randomUUID(), server.name, server.protocol, server.host, server.port, server.rootLocation, server.username ?? null, server.password ? box.seal(server.password) : null],
  );
  if (!rows[0]) throw new DuplicateDistributionServerError(server.name);
  return toRecord(rows[0]);
}

export async function listDistributionServers(db: Queryable): Promise<DistributionServerRecord[]> {
  return (await db.query<ServerRow>('SELECT * FROM distribution_servers ORDER BY name')).map(toRecord);
}

export async function findDistributionServer(db: Queryable, name: string): Promise<DistributionServerRecord | undefined> {
  const rows = await db.query<ServerRow>('SELECT * FROM distribution_servers WHERE name = $1', [name]);
  return rows[0] && toRecord(rows[0]);
}

/** The server with its opened password, for the activity that transfers. */
export async function openDistributionServer(db: Queryable, box: SecretBox, id: string): Promise<(DistributionServer & { id: string; name: string }) | undefined> {
  const rows = await db.query<ServerRow>('SELECT * FROM distribution_servers WHERE id = $1', [id]);
  const r = rows[0];
  if (!r) return undefined;
  const server: DistributionServer & { id: string; name: string } = { id: r.id, name: r.name, protocol: r.protocol, host: r.host, port: r.port, rootLocation: r.root_location };
  if (r.username !== null) server.username = r.username;
  if (r.sealed_password !== null) server.password = box.open(r.sealed_password);
  return server;
}

/** Sites whose assignment names the server (as primary or secondary). */
export async function sitesUsingServer(db: Queryable, id: string): Promise<string[]> {
  const rows = await db.query<{ site: string }>(
    'SELECT site FROM site_distribution WHERE primary_server_id = $1 OR secondary_server_id = $1 ORDER BY site',
    [id],
  );
  return rows.map((r) => r.site);
}

export async function deleteDistributionServer(db: Queryable, id: string): Promise<boolean> {
  return (await db.query<{ id: string }>('DELETE FROM distribution_servers WHERE id = $1 RETURNING id', [id])).length > 0;
}

/** Every site assignment, servers as ids. */
export async function listSiteAssignments(db: Queryable): Promise<SiteAssignment[]> {
  const rows = await db.query<{ site: string; primary_server_id: string; secondary_server_id: string | null }>(
    'SELECT site, primary_server_id, secondary_server_id FROM site_distribution ORDER BY site',
  );
  return rows.map((r) => ({ site: r.site, primary: r.primary_server_id, ...(r.secondary_server_id ? { secondary: r.secondary_server_id } : {}) }));
}

/** Sets (replaces) a site's primary and secondary server. */
export async function setSiteAssignment(db: Queryable, site: string, primaryId: string, secondaryId: string | undefined): Promise<void> {
  await db.query(
    `INSERT INTO site_distribution (site, primary_server_id, secondary_server_id) VALUES ($1, $2, $3)
     ON CONFLICT (site) DO UPDATE SET primary_server_id = EXCLUDED.primary_server_id, secondary_server_id = EXCLUDED.secondary_server_id, updated_at = now()`,
    [site, primaryId, secondaryId ?? null],
  );
}

/** Devices at `site` or below it, with their family and platform. */
export async function devicesUnderSite(db: Queryable, site: string): Promise<{ hostname: string; family: string | null; platform: string }[]> {
  const rows = await db.query<{ hostname: string; site: string; family: string | null; platform: string }>(
    `SELECT hostname, site, family, platform FROM devices WHERE site = $1 OR site LIKE $2 ORDER BY hostname`,
    [site, `${site.replace(/[\\%_]/g, (c) => `\\${c}`)}/%`],
  );
  return rows.filter((r) => siteCovers(site, r.site)).map((r) => ({ hostname: r.hostname, family: r.family, platform: r.platform }));
}
