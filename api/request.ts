// Reading requests: JSON bodies and parameters through zod, with one error shape for clients.
import type { Context, MiddlewareHandler } from 'hono';
import type { z } from 'zod';
import type { Logger } from '../runtime/logger.ts';
import type { Database } from '../store/database.ts';
import type { AuthVariables } from './auth.ts';
import { describeZodError, SitePath } from './schemas.ts';
import { controlCharacterIn, MAX_JSON_DEPTH, nestedDeeperThan } from '../domain/json-text.ts';

export type Env = { Variables: AuthVariables };

/** What every route module gets: the records, a logger, and the permission guards. */
export interface RouteDeps {
  db: Database;
  logger: Logger;
  read: MiddlewareHandler<Env>;
  operate: MiddlewareHandler<Env>;
  jsonLimit: MiddlewareHandler<Env>;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; response: Response };

export async function parseJson<S extends z.ZodType>(c: Context<Env>, schema: S): Promise<Parsed<z.output<S>>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    return { ok: false, response: c.json({ error: 'request body is not valid JSON' }, 400) };
  }
  if (nestedDeeperThan(body, MAX_JSON_DEPTH)) {
    return { ok: false, response: c.json({ error: `request body nests arrays or objects deeper than ${MAX_JSON_DEPTH} levels` }, 400) };
  }
  const control = controlCharacterIn(body);
  if (control) {
    return { ok: false, response: c.json({ error: `${control.path}: contains the control character ${control.code} (line breaks and control characters are refused in every value)` }, 400) };
  }
  return parseValue(c, schema, body);
}

/** A path parameter or query, checked by `schema`; 400 with zod's message when it is wrong. */
export function parseValue<S extends z.ZodType>(c: Context<Env>, schema: S, value: unknown): Parsed<z.output<S>> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) return { ok: false, response: c.json({ error: describeZodError(parsed.error) }, 400) };
  return { ok: true, value: parsed.data };
}

/** The rest of the path after `prefix`, decoded: ids and site paths contain slashes. */
export function pathRest(c: Context<Env>, prefix: string): string {
  return decodeURIComponent(c.req.path.slice(prefix.length));
}

/**
 * `/sites/<path>/<setting>` (distribution, window): the site path checked and canonical; `pass`
 * when the request is for another `/sites/*` route (the caller then calls `next()`).
 */
export function siteSettingPath(c: Context<Env>, setting: string): 'pass' | Parsed<string> {
  const rest = pathRest(c, '/sites/');
  const suffix = `/${setting}`;
  if (!rest.endsWith(suffix)) return 'pass';
  return parseValue(c, SitePath, rest.slice(0, -suffix.length));
}
