// Sites: the tree that devices, golden tags and (later) distribution servers are placed in.
import type { Hono } from 'hono';
import { parentSitePath, siteKindRefusal } from '../domain/sites.ts';
import { SITE_ROOT } from '../domain/golden.ts';
import { deleteSite, getSite, insertSite, listSites, siteReferences } from '../store/sites.ts';
import { parseJson, parseValue, pathRest, type Env, type RouteDeps } from './request.ts';
import { NewSiteBody, SitePath } from './schemas.ts';

export function registerSiteRoutes(app: Hono<Env>, deps: RouteDeps): void {
  app.get('/sites', deps.read, async (c) => c.json(await listSites(deps.db)));

  // Catalyst Center's rule: the parent exists first, and a floor goes in a building.
  app.post('/sites', deps.operate, deps.jsonLimit, async (c) => {
    const body = await parseJson(c, NewSiteBody);
    if (!body.ok) return body.response;
    const { path, kind } = body.value;
    if (path === SITE_ROOT) return c.json({ error: `${SITE_ROOT} always exists` }, 409);
    const parentPath = parentSitePath(path) ?? SITE_ROOT;
    const result = await deps.db.transaction(async (tx) => {
      const parent = await getSite(tx, parentPath);
      if (!parent) return { status: 422 as const, error: `no site ${parentPath}: create the parent first` };
      const refusal = siteKindRefusal(path, kind, parent.kind);
      if (refusal) return { status: 422 as const, error: refusal };
      const existing = await getSite(tx, path);
      if (existing) {
        return existing.kind === kind ? { status: 200 as const } : { status: 409 as const, error: `${path} exists already as a ${existing.kind}` };
      }
      await insertSite(tx, path, kind);
      return { status: 201 as const };
    });
    if (result.status === 422 || result.status === 409) return c.json({ error: result.error }, result.status);
    if (result.status === 201) deps.logger.info('site created', { path, kind });
    return c.json(await getSite(deps.db, path), result.status);
  });

  app.delete('/sites/*', deps.operate, async (c) => {
    const path = parseValue(c, SitePath, pathRest(c, '/sites/'));
    if (!path.ok) return path.response;
    if (path.value === SITE_ROOT) return c.json({ error: `${SITE_ROOT} cannot be deleted` }, 409);
    const outcome = await deps.db.transaction(async (tx) => {
      if (!(await getSite(tx, path.value))) return 'missing' as const;
      const refs = await siteReferences(tx, path.value);
      const holds = [
        refs.children > 0 && `${refs.children} site(s) below it`,
        refs.devices > 0 && `${refs.devices} device(s)`,
        refs.goldenTags > 0 && `${refs.goldenTags} golden tag(s)`,
      ].filter(Boolean);
      if (holds.length > 0) return `${path.value} still holds ${holds.join(', ')}`;
      await deleteSite(tx, path.value);
      return 'deleted' as const;
    });
    if (outcome === 'missing') return c.json({ error: `no site ${path.value}` }, 404);
    if (outcome !== 'deleted') return c.json({ error: outcome }, 409);
    deps.logger.info('site deleted', { path: path.value });
    return c.json({ path: path.value, deleted: true });
  });
}
