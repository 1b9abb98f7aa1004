// Custom checks: read-only show commands an operator adds to every upgrade (or to some series).
import type { Hono } from 'hono';
import { validateCustomCheck } from '../domain/prechecks/custom.ts';
import { addCustomCheck, deleteCustomCheck, listCustomChecks } from '../store/custom-checks.ts';
import { z } from 'zod';
import { parseJson, parseValue, type Env, type RouteDeps } from './request.ts';
import { CheckNameParam } from './schemas.ts';

export function registerCheckRoutes(app: Hono<Env>, deps: RouteDeps): void {
  app.get('/checks', deps.read, async (c) => c.json(await listCustomChecks(deps.db)));

  app.post('/checks', deps.operate, deps.jsonLimit, async (c) => {
    // The API's JSON reader (control characters and deep nesting refused), then the check's own rules.
    const body = await parseJson(c, z.unknown());
    if (!body.ok) return body.response;
    const validated = validateCustomCheck(body.value);
    if (!validated.ok) return c.json({ error: validated.problems.join('; ') }, 400);
    if (!(await addCustomCheck(deps.db, validated.check))) return c.json({ error: `a custom check named ${validated.check.name} exists` }, 409);
    deps.logger.info('custom check added', { name: validated.check.name, commands: validated.check.commands.length });
    return c.json(validated.check, 201);
  });

  app.delete('/checks/:name', deps.operate, async (c) => {
    const parsed = parseValue(c, CheckNameParam, c.req.param('name'));
    if (!parsed.ok) return parsed.response;
    const name = parsed.value;
    if (!(await deleteCustomCheck(deps.db, name))) return c.json({ error: `no custom check ${name}` }, 404);
    deps.logger.info('custom check deleted', { name });
    return c.json({ name, deleted: true });
  });
}
