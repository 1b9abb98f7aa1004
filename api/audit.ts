// The operator audit log's recorder: one middleware, ahead of every route, that records each write
// request (POST, PUT, PATCH, DELETE) once it is answered: who (token holder, role, token id), from
// where (the peer's address and port; X-Forwarded-For only when configured as trusted), what
// (method, path, route, resource, query and JSON body with secrets masked) and the answer (status,
// accepted / refused / error, the created id, the refusal's reason). Refusals are recorded too:
// a security review needs the 401s and 403s.
//
// When the row is written: after the route answered, before the answer is sent, so a client that
// has its answer finds the row in GET /audit. It is not in the route's transaction: routes use
// several transactions, Temporal calls and streamed uploads, and holding one transaction over all
// that would serialise the API (PGlite has one connection). If the row cannot be written, the
// change stands (rolling back is no longer possible) and the whole masked row goes to the log at
// error level ('audit record not written'), so the record survives in the log pipeline.
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Logger } from '../runtime/logger.ts';
import type { Database } from '../store/database.ts';
import { recordOperatorAction, type AuditOutcome, type OperatorAction } from '../store/operator-audit.ts';
import { callerName, identifyCaller, type Role, type TokenTable } from './auth.ts';
import { maskSecrets, maskText } from './audit-mask.ts';
import type { Env } from './request.ts';

export interface AuditRecorderDeps {
  db: Database;
  tokens: TokenTable;
  logger: Logger;
  /** Record X-Forwarded-For (set only behind a proxy that writes it; a client can forge it otherwise). */
  trustForwardedFor?: boolean;
}

const WRITE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Routes that authenticate without a bearer token, and who calls them. */
const SIGNED_CALLERS: Readonly<Record<string, { actor: string; role: Role }>> = {
  '/itsm/callback': { actor: 'itsm-callback', role: 'approver' },
};
/** Bodies longer than this are recorded as their size only (inventories, KGV files). */
const MAX_RECORDED_BODY = 64 * 1024;
/** Fields of a JSON answer that name what the request created or changed, in order of preference. */
const RESULT_ID_FIELDS = ['workflowId', 'id', 'imageId', 'number', 'path', 'hostname', 'name'] as const;

export function recordOperatorActions(deps: AuditRecorderDeps): MiddlewareHandler<Env> {
  return async (c, next) => {
    if (!WRITE_METHODS.has(c.req.method)) return next();
    const started = performance.now();
    await next();
    let action: OperatorAction | undefined;
    try {
      action = await describeAction(c, deps, started);
      await recordOperatorAction(deps.db, action);
    } catch (error) {
      deps.logger.error('audit record not written', {
        error: error instanceof Error ? error.message : String(error),
        ...(action ? { action } : { method: c.req.method, path: c.req.path, status: c.res.status }),
      });
    }
  };
}

async function describeAction(c: Context<Env>, deps: AuditRecorderDeps, started: number): Promise<OperatorAction> {
  const route = answeringRoute(c);
  const signed = route ? SIGNED_CALLERS[route] : undefined;
  const caller = signed ? undefined : identifyCaller(deps.tokens, c.req.header('authorization'));
  const status = c.res.status;
  const answer = await jsonAnswer(c.res);
  const query = c.req.query();
  return {
    at: new Date().toISOString(),
    actor: signed?.actor ?? callerName(caller),
    role: signed?.role ?? caller?.holder?.role ?? null,
    tokenId: caller?.tokenId ?? null,
    from: origin(c, deps.trustForwardedFor === true),
    method: c.req.method,
    path: c.req.path,
    route,
    resource: resourceOf(c, route),
    query: Object.keys(query).length > 0 ? (maskSecrets(query) as Record<string, unknown>) : null,
    body: await recordedBody(c),
    status,
    outcome: outcomeOf(status),
    resultId: resultIdOf(answer),
    error: typeof answer?.error === 'string' ? maskText(answer.error).slice(0, 2000) : null,
    durationMs: Math.round(performance.now() - started),
  };
}

const outcomeOf = (status: number): AuditOutcome => (status >= 500 ? 'error' : status >= 400 ? 'refused' : 'accepted');

/** The route pattern that answered (`/devices/:hostname`); null when no route matched (404). */
function answeringRoute(c: Context<Env>): string | null {
  const path = routePath(c);
  return path === '' || path === '*' || path === '/*' ? null : path;
}

/** The route's parameters, or for a `/…/*` route the rest of the path (site paths, workflow ids). */
function resourceOf(c: Context<Env>, route: string | null): string | null {
  if (!route) return null;
  try {
    const params = Object.values(c.req.param() as Record<string, string>);
    if (params.length > 0) return maskText(params.join(' '));
    if (route.endsWith('/*')) return maskText(decodeURIComponent(c.req.path.slice(route.length - 1))) || null;
  } catch {
    // a malformed percent-encoding: the path itself is recorded
  }
  return null;
}

function origin(c: Context<Env>, trustForwardedFor: boolean): OperatorAction['from'] {
  let address: string | null = null;
  let port: number | null = null;
  try {
    const { remote } = getConnInfo(c);
    address = remote.address ?? null;
    port = remote.port ?? null;
  } catch {
    // not served by @hono/node-server (app.request in a test): no peer
  }
  const forwarded = trustForwardedFor ? c.req.header('x-forwarded-for')?.trim().slice(0, 512) : undefined;
  return { address, port, ...(forwarded ? { forwardedFor: forwarded } : {}) };
}

/**
 * The request body as the route read it (hono's body cache), masked. A body the route did not
 * read (a 401 or 403 before parsing) is read now if it is JSON, up to the recorded size. Anything
 * that is not JSON, an image upload above all, is never read: its query says what it was.
 */
async function recordedBody(c: Context<Env>): Promise<unknown> {
  // hono keeps the promises of what a route read (its type names the resolved values).
  const cache = c.req.bodyCache as unknown as { json?: Promise<unknown>; text?: Promise<string> };
  let text: string | undefined;
  let parsed: unknown;
  try {
    if (cache.json !== undefined) parsed = await cache.json;
    else if (cache.text !== undefined) text = await cache.text;
    else if (/^application\/json\b/i.test(c.req.header('content-type') ?? '') && c.req.raw.body && !c.req.raw.bodyUsed) {
      text = await readAtMost(c.req.raw.body, MAX_RECORDED_BODY + 1);
    } else return null;
  } catch {
    return { unreadable: true };
  }
  if (text !== undefined) {
    if (text.length > MAX_RECORDED_BODY) return { omitted: `body over ${MAX_RECORDED_BODY} bytes` };
    try {
      parsed = JSON.parse(text);
    } catch {
      return { omitted: `not JSON, ${text.length} characters` };
    }
  }
  // Masked first: that also cuts a body nested too deep for JSON.stringify (a refused one is still recorded).
  const masked = maskSecrets(parsed);
  const length = JSON.stringify(masked)?.length ?? 0;
  if (length > MAX_RECORDED_BODY) return { omitted: `body of ${length} characters`, ...(Array.isArray(parsed) ? { items: parsed.length } : {}) };
  return masked;
}

async function readAtMost(stream: ReadableStream<Uint8Array>, limit: number): Promise<string> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The answer's JSON object, read from a copy (the original is what the client gets). */
async function jsonAnswer(response: Response): Promise<Record<string, unknown> | undefined> {
  if (!/^application\/json\b/i.test(response.headers.get('content-type') ?? '') || !response.body) return undefined;
  try {
    const value: unknown = await response.clone().json();
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function resultIdOf(answer: Record<string, unknown> | undefined): string | null {
  if (!answer || 'error' in answer) return null;
  for (const field of RESULT_ID_FIELDS) {
    const value = answer[field];
    if (typeof value === 'string' && value) return maskText(value);
  }
  return null;
}
