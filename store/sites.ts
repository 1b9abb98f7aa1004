// Site records: the tree golden tags and devices are placed in.
import { siteLineage, parentSitePath, type SiteKind, type StoredSiteKind } from '../domain/sites.ts';
import type { Queryable } from './database.ts';

export interface SiteRecord {
  path: string;
  parent: string | null;
  kind: StoredSiteKind;
  /** Devices placed directly at this site. */
  devices: number;
}

interface SiteRow {
  path: string;
  parent: string | null;
  kind: StoredSiteKind;
  devices: string | number;
}

const SELECT_SITES = `SELECT s.path, s.parent, s.kind, (SELECT count(*) FROM devices d WHERE d.site = s.path) AS devices FROM sites s`;

const toRecord = (r: SiteRow): SiteRecord => ({ path: r.path, parent: r.parent, kind: r.kind, devices: Number(r.devices) });

export async function listSites(db: Queryable): Promise<SiteRecord[]> {
  return (await db.query<SiteRow>(`${SELECT_SITES} ORDER BY s.path`)).map(toRecord);
}

export async function getSite(db: Queryable, path: string): Promise<SiteRecord | undefined> {
  const rows = await db.query<SiteRow>(`${SELECT_SITES} WHERE s.path = $1`, [path]);
  return rows[0] && toRecord(rows[0]);
}

/** Inserts one site whose parent exists; false when the path was there already. */
export async function insertSite(db: Queryable, path: string, kind: SiteKind): Promise<boolean> {
  const rows = await db.query<{ path: string }>(
    'INSERT INTO sites (path, parent, kind) VALUES ($1, $2, $3) ON CONFLICT (path) DO NOTHING RETURNING path',
    [path, parentSitePath(path) ?? null, kind],
  );
  return rows.length > 0;
}

/**
 * Makes sure every level of `path` exists, creating the missing ones as areas: devices imported
 * from an inventory file place themselves; buildings and floors are declared through the API.
 */
export async function ensureSitePath(db: Queryable, path: string): Promise<string[]> {
  const created: string[] = [];
  for (const level of siteLineage(path).slice(1)) {
    const rows = await db.query<{ path: string }>(
      `INSERT INTO sites (path, parent, kind) VALUES ($1, $2, 'area') ON CONFLICT (path) DO NOTHING RETURNING path`,
      [level, parentSitePath(level) ?? null],
    );
    if (rows.length > 0) created.push(level);
  }
  return created;
}

/** What still refers to a site, below it or on it. */
export async function siteReferences(db: Queryable, path: string): Promise<{ children: number; devices: number; goldenTags: number }> {
  const rows = await db.query<{ children: string | number; devices: string | number; tags: string | number }>(
    `SELECT (SELECT count(*) FROM sites WHERE parent = $1) AS children,
            (SELECT count(*) FROM devices WHERE site = $1) AS devices,
            (SELECT count(*) FROM golden_tags WHERE site = $1) AS tags`,
    [path],
  );
  const r = rows[0];
  return { children: Number(r?.children ?? 0), devices: Number(r?.devices ?? 0), goldenTags: Number(r?.tags ?? 0) };
}

export async function deleteSite(db: Queryable, path: string): Promise<boolean> {
  return (await db.query<{ path: string }>('DELETE FROM sites WHERE path = $1 RETURNING path', [path])).length > 0;
}
