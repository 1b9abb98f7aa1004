// Maintenance window records and the sites' window assignments. A site names at most one window;
// a site without one inherits the nearest ancestor's (effectiveSiteWindow).
import { validateWindow, type MaintenanceWindow } from '../domain/maintenance-window.ts';
import { siteLineage } from '../domain/sites.ts';
import type { Queryable } from './database.ts';

export interface WindowRecord {
  window: MaintenanceWindow;
  createdAt: string;
}

export interface SiteWindowAssignment {
  site: string;
  window: string;
}

interface WindowRow {
  name: string;
  definition: unknown;
  created_at: Date | string;
}

export class DuplicateWindowError extends Error {
  constructor(name: string) {
    super(`a maintenance window named ${name} already exists`);
    this.name = 'DuplicateWindowError';
  }
}

/** The stored definition, checked again on the way out (a record is never trusted blindly). */
function toRecord(r: WindowRow): WindowRecord {
  const definition = (typeof r.definition === 'string' ? JSON.parse(r.definition) : r.definition) as Record<string, unknown>;
  const checked = validateWindow({ ...definition, name: r.name });
  if (!checked.ok) throw new Error(`stored maintenance window ${r.name} is not valid: ${checked.problems.join('; ')}`);
  return { window: checked.window, createdAt: new Date(r.created_at).toISOString() };
}

export async function addWindow(db: Queryable, window: MaintenanceWindow): Promise<WindowRecord> {
  const { name, ...definition } = window;
  const rows = await db.query<WindowRow>(
    'INSERT INTO windows (name, definition) VALUES ($1, $2::jsonb) ON CONFLICT (name) DO NOTHING RETURNING *',
    [name, JSON.stringify(definition)],
  );
  if (!rows[0]) throw new DuplicateWindowError(name);
  return toRecord(rows[0]);
}

export async function listWindows(db: Queryable): Promise<WindowRecord[]> {
  return (await db.query<WindowRow>('SELECT * FROM windows ORDER BY name')).map(toRecord);
}

export async function getWindow(db: Queryable, name: string): Promise<WindowRecord | undefined> {
  const rows = await db.query<WindowRow>('SELECT * FROM windows WHERE name = $1', [name]);
  return rows[0] && toRecord(rows[0]);
}

export async function deleteWindow(db: Queryable, name: string): Promise<boolean> {
  return (await db.query<{ name: string }>('DELETE FROM windows WHERE name = $1 RETURNING name', [name])).length > 0;
}

/** Sites that name the window themselves. */
export async function sitesUsingWindow(db: Queryable, name: string): Promise<string[]> {
  return (await db.query<{ site: string }>('SELECT site FROM site_windows WHERE window_name = $1 ORDER BY site', [name])).map((r) => r.site);
}

export async function listSiteWindows(db: Queryable): Promise<SiteWindowAssignment[]> {
  return (await db.query<{ site: string; window_name: string }>('SELECT site, window_name FROM site_windows ORDER BY site')).map((r) => ({ site: r.site, window: r.window_name }));
}

/** Sets (replaces) a site's window; `undefined` removes the site's own assignment. */
export async function setSiteWindow(db: Queryable, site: string, window: string | undefined): Promise<void> {
  if (window === undefined) {
    await db.query('DELETE FROM site_windows WHERE site = $1', [site]);
    return;
  }
  await db.query(
    `INSERT INTO site_windows (site, window_name) VALUES ($1, $2)
     ON CONFLICT (site) DO UPDATE SET window_name = EXCLUDED.window_name, updated_at = now()`,
    [site, window],
  );
}

/** The window a site uses: its own, else the nearest ancestor's, with the site it comes from. */
export function effectiveSiteWindow(site: string, assignments: readonly SiteWindowAssignment[]): SiteWindowAssignment | undefined {
  const bySite = new Map(assignments.map((a) => [a.site, a.window]));
  for (const path of siteLineage(site).reverse()) {
    const window = bySite.get(path);
    if (window !== undefined) return { site: path, window };
  }
  return undefined;
}

/** For activities: the window devices at `site` wait for, and the site it is set on. */
export async function windowForSite(db: Queryable, site: string): Promise<{ window: MaintenanceWindow; site: string } | undefined> {
  const effective = effectiveSiteWindow(site, await listSiteWindows(db));
  if (!effective) return undefined;
  const record = await getWindow(db, effective.window);
  return record && { window: record.window, site: effective.site };
}
