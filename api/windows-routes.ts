// Maintenance windows (domain/maintenance-window.ts) and the window each site uses. A site names
// at most one window; sites below inherit it. `effective` says which window a site's devices wait
// for and which site (itself or an ancestor) it comes from; `next` is its current or next occurrence.
import type { Hono } from 'hono';
import { z } from 'zod';
import { describeWindow, nextWindow, upcomingWindows, validateWindow, type MaintenanceWindow, type Occurrence } from '../domain/maintenance-window.ts';
import type { Queryable } from '../store/database.ts';
import {
  addWindow,
  deleteWindow,
  DuplicateWindowError,
  effectiveSiteWindow,
  getWindow,
  listSiteWindows,
  listWindows,
  setSiteWindow,
  sitesUsingWindow,
  type WindowRecord,
} from '../store/maintenance-windows.ts';
import { getSite } from '../store/sites.ts';
import { parseJson, parseValue, siteSettingPath, type Env, type RouteDeps } from './request.ts';

const UPCOMING = 5;

const WindowName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'window name: letters, digits, . _ and -, up to 64 characters');
/** PUT /sites/<path>/window: a window name, or null to drop the site's own window (it inherits again). */
const SiteWindowBody = z.object({ window: z.union([WindowName, z.null()]) }).strict();

const occurrenceView = (o: Occurrence | undefined, nowMs: number) =>
  o ? { start: new Date(o.startMs).toISOString(), end: new Date(o.endMs).toISOString(), open: o.startMs <= nowMs } : null;

function windowView(record: WindowRecord, sites: string[], nowMs: number) {
  return {
    ...record.window,
    description: describeWindow(record.window),
    next: occurrenceView(nextWindow(record.window, nowMs), nowMs),
    sites,
    createdAt: record.createdAt,
  };
}

/** The site path of `/sites/<path>/window`, or undefined for another route under /sites/. */
async function siteWindow(db: Queryable, site: string, nowMs: number) {
  const assignments = await listSiteWindows(db);
  const own = assignments.find((a) => a.site === site);
  const effective = effectiveSiteWindow(site, assignments);
  const record = effective && (await getWindow(db, effective.window));
  const window: MaintenanceWindow | undefined = record?.window;
  return {
    site,
    assigned: own?.window ?? null,
    effective: effective && window ? { window: effective.window, site: effective.site, description: describeWindow(window) } : null,
    next: window ? occurrenceView(nextWindow(window, nowMs), nowMs) : null,
  };
}

export function registerWindowRoutes(app: Hono<Env>, deps: RouteDeps): void {
  app.post('/windows', deps.operate, deps.jsonLimit, async (c) => {
    const body = await parseJson(c, z.unknown());
    if (!body.ok) return body.response;
    const checked = validateWindow(body.value);
    if (!checked.ok) return c.json({ error: `not a valid maintenance window: ${checked.problems.join('; ')}`, problems: checked.problems }, 400);
    try {
      const record = await addWindow(deps.db, checked.window);
      deps.logger.info('maintenance window created', { name: record.window.name, description: describeWindow(record.window) });
      return c.json(windowView(record, [], Date.now()), 201);
    } catch (error) {
      if (error instanceof DuplicateWindowError) return c.json({ error: error.message }, 409);
      throw error;
    }
  });

  app.get('/windows', deps.read, async (c) => {
    const [records, assignments] = await Promise.all([listWindows(deps.db), listSiteWindows(deps.db)]);
    const now = Date.now();
    return c.json(records.map((r) => windowView(r, assignments.filter((a) => a.window === r.window.name).map((a) => a.site), now)));
  });

  app.get('/windows/:name', deps.read, async (c) => {
    const name = parseValue(c, WindowName, c.req.param('name'));
    if (!name.ok) return name.response;
    const record = await getWindow(deps.db, name.value);
    if (!record) return c.json({ error: `no maintenance window ${name.value}` }, 404);
    const now = Date.now();
    const upcoming = upcomingWindows(record.window, now, UPCOMING).map((o) => occurrenceView(o, now));
    return c.json({ ...windowView(record, await sitesUsingWindow(deps.db, name.value), now), upcoming });
  });

  app.delete('/windows/:name', deps.operate, async (c) => {
    const name = parseValue(c, WindowName, c.req.param('name'));
    if (!name.ok) return name.response;
    const outcome = await deps.db.transaction(async (tx) => {
      if (!(await getWindow(tx, name.value))) return { status: 404 as const, error: `no maintenance window ${name.value}` };
      const sites = await sitesUsingWindow(tx, name.value);
      if (sites.length > 0) return { status: 409 as const, error: `${name.value} is the window of ${sites.join(', ')}: give those sites another window (or none) first` };
      await deleteWindow(tx, name.value);
      return { status: 200 as const };
    });
    if (outcome.status !== 200) return c.json({ error: outcome.error }, outcome.status);
    deps.logger.info('maintenance window deleted', { name: name.value });
    return c.json({ name: name.value, deleted: true });
  });

  // /sites/<path>/window; other /sites/* routes (DELETE /sites/<path>, /sites/<path>/distribution) pass through.
  app.get('/sites/*', deps.read, async (c, next) => {
    const path = siteSettingPath(c, 'window');
    if (path === 'pass') return next();
    if (!path.ok) return path.response;
    if (!(await getSite(deps.db, path.value))) return c.json({ error: `no site ${path.value}` }, 404);
    return c.json(await siteWindow(deps.db, path.value, Date.now()));
  });

  app.put('/sites/*', deps.operate, deps.jsonLimit, async (c, next) => {
    const path = siteSettingPath(c, 'window');
    if (path === 'pass') return next();
    if (!path.ok) return path.response;
    const body = await parseJson(c, SiteWindowBody);
    if (!body.ok) return body.response;
    const site = path.value;
    const window = body.value.window ?? undefined;
    const outcome = await deps.db.transaction(async (tx) => {
      if (!(await getSite(tx, site))) return { status: 404 as const, error: `no site ${site}: create it with POST /sites` };
      if (window !== undefined && !(await getWindow(tx, window))) return { status: 404 as const, error: `no maintenance window ${window}: create it with POST /windows` };
      await setSiteWindow(tx, site, window);
      return { status: 200 as const };
    });
    if (outcome.status !== 200) return c.json({ error: outcome.error }, outcome.status);
    deps.logger.info('site maintenance window set', { site, window: window ?? null });
    return c.json(await siteWindow(deps.db, site, Date.now()));
  });
}
