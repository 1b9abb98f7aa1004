// Distribution servers (SFTP, FTP, SCP, HTTP) and the sites' primary / secondary assignment.
// Passwords are sealed on the way in and never returned; `effective` says which server a site's
// devices use and which site (itself or an ancestor) it comes from.
import type { Hono } from 'hono';
import { checkServer, DEFAULT_PORTS, type DistributionServer } from '../distribution/site-servers.ts';
import { effectiveDistribution } from '../domain/site-distribution.ts';
import type { Queryable } from '../store/database.ts';
import {
  addDistributionServer,
  deleteDistributionServer,
  devicesUnderSite,
  DuplicateDistributionServerError,
  findDistributionServer,
  listDistributionServers,
  listSiteAssignments,
  setSiteAssignment,
  sitesUsingServer,
  type DistributionServerRecord,
} from '../store/distribution-servers.ts';
import type { SecretBox } from '../store/secret-box.ts';
import { getSite } from '../store/sites.ts';
import { rootLocationRefusal } from '../activities/site-distribution.ts';
import { parseJson, parseValue, siteSettingPath, type Env, type RouteDeps } from './request.ts';
import { DistributionServerName, NewDistributionServerBody, SiteDistributionBody } from './schemas.ts';


/** The server as the API shows it: no password, and the sites that name it. */
async function view(db: Queryable, server: DistributionServerRecord): Promise<DistributionServerRecord & { sites: string[] }> {
  return { ...server, sites: await sitesUsingServer(db, server.id) };
}

/** The site path of `/sites/<path>/distribution`, or undefined for another route under /sites/. */
async function siteDistribution(db: Queryable, site: string) {
  const [assignments, servers] = await Promise.all([listSiteAssignments(db), listDistributionServers(db)]);
  const byId = new Map(servers.map((s) => [s.id, s]));
  const named = (id: string | undefined) => (id === undefined ? null : (byId.get(id)?.name ?? null));
  const own = assignments.find((a) => a.site === site);
  const effective = effectiveDistribution(site, assignments);
  const shown = (role: 'primary' | 'secondary') => {
    const chosen = effective[role];
    const server = chosen && byId.get(chosen.server);
    if (!chosen || !server) return null;
    return { name: server.name, site: chosen.site, protocol: server.protocol, host: server.host, port: server.port, rootLocation: server.rootLocation };
  };
  return {
    site,
    assigned: own ? { primary: named(own.primary), secondary: named(own.secondary) } : null,
    effective: { primary: shown('primary'), secondary: shown('secondary') },
  };
}

export function registerDistributionRoutes(app: Hono<Env>, deps: RouteDeps & { secretBox: SecretBox }): void {
  app.post('/distribution-servers', deps.operate, deps.jsonLimit, async (c) => {
    const body = await parseJson(c, NewDistributionServerBody);
    if (!body.ok) return body.response;
    const { name, protocol, host, rootLocation, username, password } = body.value;
    const server: DistributionServer = { protocol, host, port: body.value.port ?? DEFAULT_PORTS[protocol], rootLocation, ...(username ? { username } : {}), ...(password ? { password } : {}) };
    const problem = checkServer(server);
    if (problem) return c.json({ error: problem }, 400);
    try {
      const record = await addDistributionServer(deps.db, deps.secretBox, { name, ...server });
      deps.logger.info('distribution server added', { name, protocol, host, port: server.port });
      return c.json(await view(deps.db, record), 201);
    } catch (error) {
      if (error instanceof DuplicateDistributionServerError) return c.json({ error: error.message }, 409);
      throw error;
    }
  });

  app.get('/distribution-servers', deps.read, async (c) => {
    const servers = await listDistributionServers(deps.db);
    return c.json(await Promise.all(servers.map((s) => view(deps.db, s))));
  });

  app.delete('/distribution-servers/:name', deps.operate, async (c) => {
    const name = parseValue(c, DistributionServerName, c.req.param('name'));
    if (!name.ok) return name.response;
    const outcome = await deps.db.transaction(async (tx) => {
      const server = await findDistributionServer(tx, name.value);
      if (!server) return { status: 404 as const, error: `no distribution server ${name.value}` };
      const sites = await sitesUsingServer(tx, server.id);
      if (sites.length > 0) return { status: 409 as const, error: `${name.value} is assigned to ${sites.join(', ')}: assign other servers there first` };
      await deleteDistributionServer(tx, server.id);
      return { status: 200 as const };
    });
    if (outcome.status !== 200) return c.json({ error: outcome.error }, outcome.status);
    deps.logger.info('distribution server deleted', { name: name.value });
    return c.json({ name: name.value, deleted: true });
  });

  app.get('/sites/*', deps.read, async (c, next) => {
    const path = siteSettingPath(c, 'distribution');
    if (path === 'pass') return next();
    if (!path.ok) return path.response;
    if (!(await getSite(deps.db, path.value))) return c.json({ error: `no site ${path.value}` }, 404);
    return c.json(await siteDistribution(deps.db, path.value));
  });

  // The wireless rule: controllers accept at most 16 characters of root location (checkRootLocation).
  app.put('/sites/*', deps.operate, deps.jsonLimit, async (c, next) => {
    const path = siteSettingPath(c, 'distribution');
    if (path === 'pass') return next();
    if (!path.ok) return path.response;
    const body = await parseJson(c, SiteDistributionBody);
    if (!body.ok) return body.response;
    const site = path.value;
    const { primary, secondary } = body.value;
    const outcome = await deps.db.transaction(async (tx) => {
      if (!(await getSite(tx, site))) return { status: 404 as const, error: `no site ${site}: create it with POST /sites` };
      const servers: DistributionServerRecord[] = [];
      for (const name of secondary ? [primary, secondary] : [primary]) {
        const server = await findDistributionServer(tx, name);
        if (!server) return { status: 404 as const, error: `no distribution server ${name}` };
        servers.push(server);
      }
      const devices = await devicesUnderSite(tx, site);
      for (const server of servers) {
        for (const device of devices) {
          const refusal = rootLocationRefusal(device, server.rootLocation);
          if (refusal) return { status: 422 as const, error: `${server.name} cannot serve ${site}: ${device.hostname} is a wireless controller; ${refusal}` };
        }
      }
      await setSiteAssignment(tx, site, servers[0]!.id, servers[1]?.id);
      return { status: 200 as const };
    });
    if (outcome.status !== 200) return c.json({ error: outcome.error }, outcome.status);
    deps.logger.info('site distribution servers set', { site, primary, secondary });
    return c.json(await siteDistribution(deps.db, site));
  });
}
