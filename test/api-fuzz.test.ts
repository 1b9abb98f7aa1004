// A fuzz test over every write route of the API (issue 14, "Beyond the findings"): each request is
// a valid example with one thing made wrong — a field of the route's schema given a wrong type, a
// boundary number, control characters, a 10k-character or unicode string, a field left out or
// added, a key given twice in the raw JSON, malformed JSON, a path parameter with bad
// percent-encoding or control characters. Asserted for every request: no 5xx; for every refusal
// (4xx) the records are unchanged (a hash of every table but the operator audit log, which records
// refused requests by design) and so are the image store's files; at the end, every workflow in Temporal is one an accepted request
// answered with (a refused request starts none).
//
// The route list comes from the app's own registry (`app.routes`), so a new write route fails this
// test until it has an entry in ROUTES below (its example, and the schema or validator the route
// parses with, which must accept the example).
//
// NETSWIM_FUZZ_SEED (default 1414) and NETSWIM_FUZZ_COUNT (default 3000, about 30 s) choose the requests; the
// seed and the count tried are printed, so a failure is replayed with the same seed. The generator
// is a small seeded one written here rather than fast-check: the project adds no dependency for
// it, and what is generated is steered by the route table more than by shrinking.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { z } from 'zod';
import { createApi } from '../api/app.ts';
import { NewCampaignBody } from '../api/campaign-routes.ts';
import {
  DeviceChangesBody,
  GoldenTagBody,
  HostKeyAcceptBody,
  ImageChangesBody,
  ImageUploadQuery,
  ImageUrlImportBody,
  InventoryImportBody,
  InventoryRunBody,
  NewDeviceBody,
  NewDistributionServerBody,
  NewSiteBody,
  NewUpgradeBody,
  SiteDistributionBody,
  UpgradePlanBody,
} from '../api/schemas.ts';
import { parseCallbackBody } from '../domain/itsm.ts';
import { parseKgv } from '../domain/kgv.ts';
import { validateWindow } from '../domain/maintenance-window.ts';
import { validateCustomCheck } from '../domain/prechecks/custom.ts';
import { signatureHeader } from '../itsm/signature.ts';
import type { DevServer } from '../scripts/temporal-dev-server.ts';
import { startTestNetswim, type TestNetswim } from './support/netswim.ts';
import { startTestTemporal } from './support/temporal.ts';

const SEED = Number(process.env.NETSWIM_FUZZ_SEED ?? 1414);
const COUNT = Number(process.env.NETSWIM_FUZZ_COUNT ?? 3000);
const CALLBACK_SECRET = `fuzz-${randomBytes(12).toString('hex')}`;

/** mulberry32: a tiny PRNG, enough to make a run repeatable from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = prng(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

// --- values a field may be given instead of its own ------------------------------------------

const STRINGS: readonly string[] = [
  '',
  ' ',
  'a\u0000b',
  'a\nb',
  'a\r\nreload',
  'a\u2028b',
  '\u001b[31mred',
  '\u007f',
  '\u0085',
  'x'.repeat(10_000),
  '🚀'.repeat(2_500),
  '\u202eevil\u202c',
  'שלום',
  'e\u0301\u0302\u0303',
  '\ud800',
  '\udfff\ud800',
  '\ufeff',
  '%E0%A4%A',
  '%00',
  '../../etc/passwd',
  "' OR 1=1 --",
  '${jndi:ldap://x}',
  '<script>',
  'Global',
  'Global/../x',
  'NaN',
  'Infinity',
  '-1',
  '1e308',
  '2026-13-45T25:61:00Z',
  'true',
  'null',
  '__proto__',
];
const NUMBERS: readonly number[] = [0, -1, 1, 2 ** 31, 2 ** 31 - 1, -(2 ** 31), 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1e308, -1e308, 5e-324, 0.5, -0, 65536, 7201];
const OTHERS: readonly unknown[] = [null, true, false, [], {}, [null], { a: 1 }, [[[]]], ['x'.repeat(1000)]];

function weirdValue(): unknown {
  const r = random();
  if (r < 0.5) return pick(STRINGS);
  if (r < 0.8) return pick(NUMBERS);
  return pick(OTHERS);
}

const MALFORMED: readonly string[] = [
  '',
  '{',
  '{"a":',
  '[1,]',
  "{'a':1}",
  'nul',
  '\ufeff{}',
  '{"a":1}garbage',
  '{"a":"\\ud800"}',
  '{"a":"\\u0000"}',
  '1e999',
  '"a string"',
  '[]',
  'null',
  'true',
  '-0',
  '{"__proto__":{"polluted":1}}',
  '{"constructor":{"prototype":{"polluted":1}}}',
  '['.repeat(20_000) + ']'.repeat(20_000),
  '{"a":'.repeat(6_000) + '1' + '}'.repeat(6_000),
  '[' + '"x",'.repeat(12_000) + '"x"]',
];

const RAW_SEGMENTS: readonly string[] = [
  '%E0%A4%A',
  '%',
  '%zz',
  '%00',
  '%0A',
  '%0D%0Areload',
  '%E2%80%A8',
  '%F0%9F%9A%80',
  '%D7%A9%D7%9C%D7%95%D7%9D',
  '..',
  '%2E%2E',
  '%2F',
  'a%2Fb',
  'x'.repeat(5_000),
  encodeURIComponent('\u202eevil'),
  '%FF%FE',
  '%C0%AF',
  ' ',
  '%20',
  '',
];

// --- walking a zod schema for the fields it has -----------------------------------------------

type Path = (string | number)[];

interface ZodDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  getter?: () => z.ZodType;
}

/** Every field path the schema knows (object keys, array elements), nested. */
function schemaPaths(schema: z.ZodType, prefix: Path = [], depth = 0): Path[] {
  if (depth > 6) return [];
  const def = (schema as unknown as { _zod: { def: ZodDef } })._zod.def;
  switch (def.type) {
    case 'object':
      return Object.entries(def.shape ?? {}).flatMap(([key, field]) => [[...prefix, key], ...schemaPaths(field, [...prefix, key], depth + 1)]);
    case 'array':
      return def.element ? schemaPaths(def.element, [...prefix, 0], depth + 1) : [];
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
      return def.innerType ? schemaPaths(def.innerType, prefix, depth) : [];
    case 'pipe':
      return def.in ? schemaPaths(def.in, prefix, depth) : [];
    case 'lazy':
      return def.getter ? schemaPaths(def.getter(), prefix, depth + 1) : [];
    case 'union':
      return (def.options ?? []).flatMap((option) => schemaPaths(option, prefix, depth + 1));
    default:
      return [];
  }
}

/** Every path of a JSON value's leaves and containers. */
function valuePaths(value: unknown, prefix: Path = []): Path[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => [[...prefix, i], ...valuePaths(item, [...prefix, i])]);
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, item]) => [[...prefix, k], ...valuePaths(item, [...prefix, k])]);
  return [];
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

function setAt(root: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = clone(root) ?? {};
  let node = copy as Record<string | number, unknown>;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i] as string | number;
    if (node[key] === null || typeof node[key] !== 'object') node[key] = typeof path[i + 1] === 'number' ? [] : {};
    node = node[key] as Record<string | number, unknown>;
  }
  node[path.at(-1) as string | number] = value;
  return copy;
}

function deleteAt(root: unknown, path: Path): unknown {
  const copy = clone(root);
  let node = copy as Record<string | number, unknown> | undefined;
  for (const key of path.slice(0, -1)) node = node?.[key] as Record<string | number, unknown> | undefined;
  if (node && typeof node === 'object') {
    if (Array.isArray(node)) node.splice(path.at(-1) as number, 1);
    else delete node[path.at(-1) as string];
  }
  return copy;
}

// --- the write routes, each with a valid example ----------------------------------------------

interface Fixture {
  imageId: string;
}

type Body =
  | { kind: 'json'; example: (f: Fixture) => unknown; schema?: z.ZodType; accepts?: (value: unknown) => boolean; sign?: true }
  | { kind: 'text'; example: (f: Fixture) => unknown; accepts: (text: string) => boolean }
  | { kind: 'octet'; query: (f: Fixture) => Record<string, string>; schema: z.ZodType }
  | { kind: 'none' };

interface RouteFuzz {
  /** The path with `{name}` for each parameter. */
  path: string;
  params: (f: Fixture) => Record<string, string>;
  body: Body;
}

const noParams = () => ({});
const FAKE_CAMPAIGN = '0123456789ab';
const FAKE_UPGRADE = 'upgrade/fz-sw1/0123456789ab';
const KGV = { header: { version: 'KGV_format_2.0' }, products: [{ product: 'C9300', osImageVersions: [{ version: '17.09.04a', entries: [{ filename: 'cat9k_iosxe.17.09.04a.SPA.bin', md5: '0'.repeat(32), sha512: '0'.repeat(128) }] }] }] };
const PLAN = { distribute: { kind: 'now' }, activate: { kind: 'window', window: 'fz-win', minimumMinutesLeft: 30 } };
const DEVICE = { hostname: 'fz-new', address: '192.0.2.77', platform: 'cat9300', username: 'netswim', password: 'secret-1', enableSecret: 'enable-1', port: 22, site: 'Global/Fz', role: 'ACCESS', family: 'cat9300' };
const WINDOW = { name: 'fz-new-win', timeZone: 'Europe/Paris', duration: 240, rrule: 'FREQ=WEEKLY;BYDAY=SA,SU;BYHOUR=2;BYMINUTE=0' };

/** `METHOD path-as-registered` → the requests that route is fuzzed with. */
const ROUTES: Record<string, RouteFuzz[]> = {
  'POST /images': [
    {
      path: '/images',
      params: noParams,
      body: { kind: 'octet', schema: ImageUploadQuery, query: (f) => ({ fileName: 'cat9k_iosxe.17.09.08.SPA.bin', version: '17.9.8', platform: 'cat9300', families: 'cat9300,cat9400', baseImageId: f.imageId }) },
    },
  ],
  'PATCH /images/:id': [{ path: '/images/{id}', params: (f) => ({ id: f.imageId }), body: { kind: 'json', schema: ImageChangesBody, example: () => ({ families: ['cat9300'], version: '17.9.4a' }) } }],
  'POST /images/:id/golden': [{ path: '/images/{id}/golden', params: (f) => ({ id: f.imageId }), body: { kind: 'json', schema: GoldenTagBody, example: () => ({ family: 'cat9300', role: 'ACCESS', site: 'Global/Fz' }) } }],
  'DELETE /images/:id/golden': [{ path: '/images/{id}/golden', params: (f) => ({ id: f.imageId }), body: { kind: 'json', schema: GoldenTagBody, example: () => ({ family: 'cat9300', site: 'Global/Fz' }) } }],
  'DELETE /images/:id': [{ path: '/images/{id}', params: (f) => ({ id: f.imageId }), body: { kind: 'none' } }],
  'POST /kgv': [{ path: '/kgv', params: noParams, body: { kind: 'text', example: () => KGV, accepts: (text) => parseKgv(text).entries.length > 0 } }],
  'POST /images/import': [{ path: '/images/import', params: noParams, body: { kind: 'json', schema: ImageUrlImportBody, example: () => ({ url: 'http://127.0.0.1:9/cat9k_iosxe.17.09.04a.SPA.bin', fileName: 'cat9k_iosxe.17.09.04a.SPA.bin', version: '17.9.4a', platform: 'cat9300' }) } }],
  'POST /devices': [{ path: '/devices', params: noParams, body: { kind: 'json', schema: NewDeviceBody, example: () => DEVICE } }],
  // A device that is not registered: the route would otherwise open an SSH connection to read its key.
  'POST /devices/:hostname/host-key': [{ path: '/devices/{hostname}/host-key', params: () => ({ hostname: 'fz-absent' }), body: { kind: 'json', schema: HostKeyAcceptBody, example: () => ({ fingerprint: 'SHA256:' + 'A'.repeat(43) }) } }],
  'POST /devices/import': [{ path: '/devices/import', params: noParams, body: { kind: 'json', schema: InventoryImportBody, example: () => [{ ...DEVICE, hostname: 'fz-inv', role: 'access', os: 'ios-xe', credentialsRef: { file: 'creds.json', key: 'fz' } }] } }],
  'PATCH /devices/:hostname': [{ path: '/devices/{hostname}', params: () => ({ hostname: 'fz-sw1' }), body: { kind: 'json', schema: DeviceChangesBody, example: () => ({ address: '192.0.2.11', port: 2222, site: 'Global/Fz', role: 'CORE', family: 'cat9300', username: 'u', password: 'p', enableSecret: 'e', platform: 'cat9300' }) } }],
  'POST /sites': [{ path: '/sites', params: noParams, body: { kind: 'json', schema: NewSiteBody, example: () => ({ path: 'Global/Fz/B1', kind: 'building' }) } }],
  'DELETE /sites/*': [{ path: '/sites/{path}', params: () => ({ path: 'Global/Fz/Gone' }), body: { kind: 'none' } }],
  'PUT /sites/*': [
    { path: '/sites/{path}/distribution', params: () => ({ path: 'Global/Fz' }), body: { kind: 'json', schema: SiteDistributionBody, example: () => ({ primary: 'fz-srv', secondary: 'fz-srv2' }) } },
    { path: '/sites/{path}/window', params: () => ({ path: 'Global/Fz' }), body: { kind: 'json', example: () => ({ window: 'fz-win' }), accepts: (b) => typeof (b as { window?: unknown }).window === 'string' } },
  ],
  'POST /checks': [{ path: '/checks', params: noParams, body: { kind: 'json', example: () => ({ name: 'fz-new-check', commands: ['show clock', 'show ip route summary'], when: 'both', stage: 'both', series: ['cat9300'] }), accepts: (b) => validateCustomCheck(b).ok } }],
  'DELETE /checks/:name': [{ path: '/checks/{name}', params: () => ({ name: 'fz-gone' }), body: { kind: 'none' } }],
  'POST /distribution-servers': [{ path: '/distribution-servers', params: noParams, body: { kind: 'json', schema: NewDistributionServerBody, example: () => ({ name: 'fz-new-srv', protocol: 'sftp', host: '192.0.2.50', port: 22, rootLocation: '/images', username: 'u', password: 'p' }) } }],
  'DELETE /distribution-servers/:name': [{ path: '/distribution-servers/{name}', params: () => ({ name: 'fz-gone' }), body: { kind: 'none' } }],
  'POST /windows': [{ path: '/windows', params: noParams, body: { kind: 'json', example: () => WINDOW, accepts: (b) => validateWindow(b).ok } }],
  'DELETE /windows/:name': [{ path: '/windows/{name}', params: () => ({ name: 'fz-gone' }), body: { kind: 'none' } }],
  'POST /inventory': [{ path: '/inventory', params: noParams, body: { kind: 'json', schema: InventoryRunBody, example: () => ({ devices: ['fz-sw1'] }) } }],
  'POST /campaigns': [
    {
      path: '/campaigns',
      params: noParams,
      body: { kind: 'json', schema: NewCampaignBody, example: (f) => ({ name: 'fz', selector: { devices: ['fz-sw1'] }, imageId: f.imageId, waves: { canary: 1, percents: [50] }, maxInFlight: 2, reloadTimeoutSeconds: 60, plan: { distribute: { kind: 'now' }, activate: { kind: 'window', window: 'fz-win' } } }) },
    },
  ],
  'POST /campaigns/:id/pause': [{ path: '/campaigns/{id}/pause', params: () => ({ id: FAKE_CAMPAIGN }), body: { kind: 'none' } }],
  'POST /campaigns/:id/resume': [{ path: '/campaigns/{id}/resume', params: () => ({ id: FAKE_CAMPAIGN }), body: { kind: 'none' } }],
  'POST /campaigns/:id/cancel': [{ path: '/campaigns/{id}/cancel', params: () => ({ id: FAKE_CAMPAIGN }), body: { kind: 'none' } }],
  'POST /upgrades': [
    {
      path: '/upgrades',
      params: noParams,
      body: { kind: 'json', schema: NewUpgradeBody, example: (f) => ({ device: 'fz-sw1', imageId: f.imageId, reloadTimeoutSeconds: 600, rollbackOnFailure: true, allowDowngrade: false, disabledChecks: ['ntp-clock'], plan: PLAN }) },
    },
  ],
  'POST /itsm/callback': [
    {
      path: '/itsm/callback',
      params: noParams,
      body: {
        kind: 'json',
        sign: true,
        example: () => ({ number: 'CHG0099999', sys_id: 'a'.repeat(32), decision: 'approved', approver: 'alice', reason: 'ok', timestamp: Math.floor(Date.now() / 1000) }),
        accepts: (b) => typeof parseCallbackBody(JSON.stringify(b)) !== 'string',
      },
    },
  ],
  'PATCH /upgrades/*': [{ path: '/upgrades/{id}/plan', params: () => ({ id: FAKE_UPGRADE }), body: { kind: 'json', schema: UpgradePlanBody, example: () => PLAN } }],
};

/** The write routes the app registers, as `METHOD path`. */
function registeredWriteRoutes(): string[] {
  const stub = {} as never;
  const logger = { error() {}, warn() {}, info() {}, debug() {}, child: () => logger };
  const app = createApi({ db: stub, secretBox: stub, imageStore: stub, temporal: stub, taskQueue: 'fuzz', tokens: new Map() as never, maxImageBytes: 1, importGuard: { allow: [], ownListeners: () => [] }, logger: logger, itsm: stub });
  return [...new Set(app.routes.filter((r) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method)).map((r) => `${r.method} ${r.path}`))];
}

// --- one generated request --------------------------------------------------------------------

interface FuzzRequest {
  route: string;
  mutation: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

function buildPath(template: string, params: Record<string, string>, raw?: { name: string; segment: string }): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (raw?.name === name) return raw.segment;
    const value = params[name] ?? '';
    return name === 'path' || name === 'id' ? value.split('/').map(encodeURIComponent).join('/') : encodeURIComponent(value);
  });
}

/** encodeURIComponent, with a lone surrogate (which it refuses) sent as its invalid UTF-8 bytes. */
function encodeSegment(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return '%ED%A0%80';
  }
}

function describePath(path: Path): string {
  return path.join('.') || '(body)';
}

/** The JSON text of `value` with one key of the top object given a second time (first or last wins). */
function withDuplicateKey(value: unknown): { text: string; key: string } | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length === 0) return undefined;
  const key = pick(keys);
  const text = JSON.stringify(value);
  const extra = `${JSON.stringify(key)}:${JSON.stringify(weirdValue())}`;
  return { key, text: random() < 0.5 ? `{${extra},${text.slice(1)}` : `${text.slice(0, -1)},${extra}}` };
}

function mutateJson(example: unknown, schema: z.ZodType | undefined): { mutation: string; text: string; contentType?: string } {
  const paths = [...(schema ? schemaPaths(schema) : []), ...valuePaths(example)];
  const r = random();
  if (r < 0.45 && paths.length > 0) {
    const path = pick(paths);
    const value = weirdValue();
    return { mutation: `${describePath(path)} = ${JSON.stringify(value)?.slice(0, 60)}`, text: JSON.stringify(setAt(example, path, value)) };
  }
  if (r < 0.55 && paths.length > 0) {
    const path = pick(paths);
    return { mutation: `without ${describePath(path)}`, text: JSON.stringify(deleteAt(example, path)) };
  }
  if (r < 0.62) {
    const containers = [[], ...paths].filter((p) => p.length < 3);
    const path = [...pick(containers), pick(['extra', '__proto__', 'constructor', '', 'x'.repeat(300), '\u0000', '🚀'])];
    return { mutation: `extra field ${describePath(path).slice(0, 40)}`, text: JSON.stringify(setAt(example, path, weirdValue())) };
  }
  if (r < 0.72) {
    const dup = withDuplicateKey(example);
    if (dup) return { mutation: `duplicate key ${dup.key}`, text: dup.text };
  }
  if (r < 0.85) {
    const text = pick(MALFORMED);
    return { mutation: `malformed body ${JSON.stringify(text.slice(0, 30))}`, text };
  }
  if (r < 0.92) return { mutation: 'whole body of another type', text: JSON.stringify(pick([...NUMBERS, ...STRINGS.slice(0, 5), ...OTHERS])) };
  if (r < 0.96) return { mutation: 'content-type text/plain', text: JSON.stringify(example), contentType: 'text/plain' };
  return { mutation: 'no body', text: '' };
}

function generate(route: string, fuzz: RouteFuzz, fixture: Fixture): FuzzRequest {
  const [method = 'POST'] = route.split(' ');
  const params = fuzz.params(fixture);
  const names = Object.keys(params);
  if (names.length > 0 && (fuzz.body.kind === 'none' || random() < 0.25)) {
    const name = pick(names);
    const segment = random() < 0.8 ? pick(RAW_SEGMENTS) : encodeSegment(String(weirdValue()));
    const body = fuzz.body.kind === 'json' ? JSON.stringify(fuzz.body.example(fixture)) : fuzz.body.kind === 'text' ? JSON.stringify(fuzz.body.example(fixture)) : undefined;
    return { route, mutation: `path ${name} = ${segment.slice(0, 40)}`, method, path: buildPath(fuzz.path, params, { name, segment }), headers: { 'content-type': 'application/json' }, ...(body !== undefined ? { body } : {}) };
  }
  const path = buildPath(fuzz.path, params);
  const body = fuzz.body;
  switch (body.kind) {
    case 'none':
      return { route, mutation: 'as is', method, path, headers: {} };
    case 'octet': {
      const query = body.query(fixture);
      const keys = [...new Set([...Object.keys(query), ...schemaPaths(body.schema).map((p) => String(p[0]))])];
      const r = random();
      let mutation: string;
      if (r < 0.7) {
        const key = pick(keys);
        query[key] = String(weirdValue());
        mutation = `query ${key} = ${query[key].slice(0, 40)}`;
      } else if (r < 0.85) {
        const key = pick(keys);
        delete query[key];
        mutation = `query without ${key}`;
      } else {
        query[pick(['extra', 'fileName[]', ''])] = 'x';
        mutation = 'query with an extra key';
      }
      const search = new URLSearchParams(query).toString();
      const bytes = random() < 0.1 ? new Uint8Array(0) : new Uint8Array(randomBytes(64));
      return { route, mutation, method, path: `${path}?${search}`, headers: { 'content-type': random() < 0.9 ? 'application/octet-stream' : 'text/plain' }, body: bytes };
    }
    case 'text':
    case 'json': {
      const { mutation, text, contentType } = mutateJson(body.example(fixture), body.kind === 'json' ? body.schema : undefined);
      const headers: Record<string, string> = { 'content-type': contentType ?? 'application/json' };
      if (body.kind === 'json' && body.sign && random() < 0.9) {
        headers['x-netswim-signature'] = signatureHeader(CALLBACK_SECRET, text);
      }
      return { route, mutation, method, path, headers, body: text };
    }
  }
}

// --- the records, hashed ----------------------------------------------------------------------

let temporal: DevServer;
let netswim: TestNetswim;
let snapshotQuery = '';

/** The records (every table but the audit log) and the files of the image store. */
async function snapshot(): Promise<string> {
  const rows = await netswim.db.query<{ t: string; n: number; h: string }>(snapshotQuery);
  const files = (await readdir(join(netswim.dataDir, 'images'), { recursive: true }).catch(() => [])).sort();
  return [...rows.map((r) => `${r.t}:${r.n}:${r.h}`), `files:${files.join(',')}`].join(' ');
}

/** A set-up request that must answer 201. */
async function create(path: string, body: unknown): Promise<void> {
  const res = await netswim.api(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal(res.status, 201, `${path}: ${await res.text()}`);
}

const fixture: Fixture = { imageId: '' };

before(async () => {
  temporal = await startTestTemporal();
  // No worker: nothing runs in the background, so the records change only through the requests.
  // ITSM on (its server is never called here), so that the callback route is live.
  netswim = await startTestNetswim(temporal.address, {
    runWorker: false,
    env: { NETSWIM_ITSM_URL: 'http://127.0.0.1:9', NETSWIM_ITSM_AUTH: 'basic', NETSWIM_ITSM_USERNAME: 'netswim', NETSWIM_ITSM_PASSWORD: 'itsm-password', NETSWIM_ITSM_CALLBACK_SECRET: CALLBACK_SECRET },
  });
  const tables = await netswim.db.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'operator_audit' ORDER BY table_name");
  assert.ok(tables.length > 10, 'the tables are found');
  snapshotQuery = tables.map(({ table_name: t }) => `SELECT '${t}' AS t, count(*)::int AS n, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h FROM "${t}" x`).join(' UNION ALL ');

  // What the valid examples refer to.
  await create('/sites', { path: 'Global/Fz', kind: 'area' });
  await create('/sites', { path: 'Global/Fz/Gone', kind: 'area' });
  await create('/devices', { hostname: 'fz-sw1', address: '192.0.2.10', platform: 'cat9300', username: 'netswim', password: 'secret-1', site: 'Global/Fz', family: 'cat9300', role: 'ACCESS' });
  for (const name of ['fz-srv', 'fz-srv2', 'fz-gone']) await create('/distribution-servers', { name, protocol: 'sftp', host: '192.0.2.50', rootLocation: '/images', username: 'u', password: 'p' });
  for (const name of ['fz-win', 'fz-gone']) await create('/windows', { ...WINDOW, name });
  await create('/checks', { name: 'fz-gone', commands: ['show clock'], when: 'pre', stage: 'activation' });
  const upload = await netswim.api('/images?fileName=cat9k_iosxe.17.09.04a.SPA.bin', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: randomBytes(4096) });
  assert.equal(upload.status, 201);
  fixture.imageId = ((await upload.json()) as { id: string }).id;
});

after(async () => {
  await netswim?.stopAll();
  await temporal?.stop();
});

describe('fuzzing every write route', () => {
  it('has an entry (example and schema) for every write route the app registers, and each example is valid', () => {
    const registered = registeredWriteRoutes();
    const unmapped = registered.filter((r) => !(r in ROUTES));
    assert.deepEqual(unmapped, [], `write routes without a fuzz entry: add them to ROUTES in ${import.meta.filename}`);
    assert.deepEqual(Object.keys(ROUTES).filter((r) => !registered.includes(r)), [], 'entries for routes that no longer exist');
    const f: Fixture = { imageId: '00000000-0000-4000-8000-000000000000' };
    for (const [route, variants] of Object.entries(ROUTES)) {
      for (const { body } of variants) {
        if (body.kind === 'json') {
          const example = body.example(f);
          if (body.schema) assert.ok(body.schema.safeParse(example).success, `${route}: the example passes its schema: ${JSON.stringify(body.schema.safeParse(example).error?.issues)}`);
          if (body.accepts) assert.ok(body.accepts(example), `${route}: the example passes its validator`);
          assert.ok(body.schema ?? body.accepts, `${route}: a JSON body needs its schema or validator`);
        } else if (body.kind === 'text') {
          assert.ok(body.accepts(JSON.stringify(body.example(f))), `${route}: the example passes its parser`);
        } else if (body.kind === 'octet') {
          assert.ok(body.schema.safeParse(body.query(f)).success, `${route}: the example query passes its schema`);
        }
      }
    }
  });

  it(`answers ${COUNT} generated requests with no 5xx, changing nothing when it refuses`, async (t) => {
    const routes = Object.entries(ROUTES).flatMap(([route, variants]) => variants.map((v) => [route, v] as const));
    const started = Date.now();
    const statuses = new Map<number, number>();
    const problems: string[] = [];
    /** Every string an accepted request was answered with: workflow ids among them. */
    const acceptedAnswers = new Set<string>();
    let state = await snapshot();
    let tried = 0;
    for (; tried < COUNT && problems.length < 10; tried++) {
      const [route, fuzz] = pick(routes);
      const request = generate(route, fuzz, fixture);
      const res = await netswim.api(request.path, { method: request.method, headers: request.headers, ...(request.body !== undefined ? { body: request.body } : {}) });
      const text = await res.text();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      const after = await snapshot();
      const where = `#${tried} ${request.method} ${request.path.slice(0, 120)} (${route}; ${request.mutation})`;
      if (res.status >= 500) problems.push(`${where}: ${res.status} ${text.slice(0, 200)}`);
      else if (res.status >= 400) {
        let error: unknown;
        try {
          error = (JSON.parse(text) as { error?: unknown }).error;
        } catch {
          error = undefined;
        }
        // 431: Node's HTTP parser refuses a request line over its header limit before the app sees it.
        if (res.status !== 431 && (typeof error !== 'string' || error === '')) problems.push(`${where}: ${res.status} without an error text: ${text.slice(0, 200)}`);
        if (after !== state) problems.push(`${where}: refused with ${res.status} but the records changed`);
      } else {
        collectStrings(JSON.parse(text), acceptedAnswers);
      }
      state = after;
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const summary = `api fuzz: seed ${SEED}, ${tried} requests in ${seconds} s, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`;
    console.log(summary);
    t.diagnostic(summary);
    assert.deepEqual(problems, [], `replay with NETSWIM_FUZZ_SEED=${SEED} NETSWIM_FUZZ_COUNT=${COUNT}`);

    const started2: string[] = [];
    for await (const execution of netswim.temporal.workflow.list()) started2.push(execution.workflowId);
    const unexplained = started2.filter((id) => !acceptedAnswers.has(id));
    assert.deepEqual(unexplained, [], 'every workflow was started by an accepted request');
  });
});

function collectStrings(value: unknown, into: Set<string>): void {
  if (typeof value === 'string') into.add(value);
  else if (Array.isArray(value)) for (const item of value) collectStrings(item, into);
  else if (value !== null && typeof value === 'object') for (const item of Object.values(value)) collectStrings(item, into);
}
