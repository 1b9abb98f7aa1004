// Maintenance windows through the HTTP API (domain rules in domain/maintenance-window.ts): create,
// list with description and next occurrence, validation, site assignment and inheritance, deletion
// refusal; the other /sites/* routes keep working beside /sites/<path>/window.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DevServer } from '../scripts/temporal-dev-server.ts';
import { startTestNetswim, type TestNetswim } from './support/netswim.ts';
import { startTestTemporal } from './support/temporal.ts';

let temporal: DevServer;
let netswim: TestNetswim;

before(async () => {
  temporal = await startTestTemporal();
  netswim = await startTestNetswim(temporal.address, { runWorker: false });
});
after(async () => {
  await netswim?.stopAll();
  await temporal?.stop();
});

interface Next {
  start: string;
  end: string;
  open: boolean;
}
interface WindowView {
  name: string;
  timeZone: string;
  duration: number;
  rrule?: string;
  description: string;
  next: Next | null;
  sites: string[];
  upcoming?: Next[];
}
interface SiteWindowView {
  site: string;
  assigned: string | null;
  effective: { window: string; site: string; description: string } | null;
  next: Next | null;
}

async function call<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const init: RequestInit = { method };
  if (body !== undefined) {
    init.headers = { 'content-type': 'application/json' };
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
  }
  const res = await netswim.api(path, init);
  return { status: res.status, body: (await res.json()) as T };
}

const WEEKEND = { name: 'weekend-nights', timeZone: 'Europe/Paris', duration: 240, rrule: 'FREQ=WEEKLY;BYDAY=SA,SU;BYHOUR=2;BYMINUTE=0' };
const DAILY = { name: 'every-day', timeZone: 'UTC', duration: 1440, cron: '0 0 * * *' };

describe('maintenance windows API', () => {
  before(async () => {
    for (const [path, kind] of [['Global/EMEA', 'area'], ['Global/EMEA/Paris', 'area'], ['Global/EMEA/Paris/B1', 'building'], ['Global/EMEA/Paris/B1/F1', 'floor'], ['Global/AMER', 'area']] as const) {
      assert.equal((await call('POST', '/sites', { path, kind })).status, 201, path);
    }
  });

  it('creates windows and answers with their description and next occurrence', async () => {
    const r = await call<WindowView>('POST', '/windows', WEEKEND);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.description, 'weekend-nights: every week on Saturday and Sunday at 02:00, 4 h (Europe/Paris)');
    assert.ok(r.body.next);
    const start = Date.parse(r.body.next.start);
    assert.equal(Date.parse(r.body.next.end) - start, 240 * 60_000);
    assert.ok(Date.parse(r.body.next.end) > Date.now());
    const local = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(start);
    assert.match(local, /^(Sat|Sun) 02:00$/);
    assert.deepEqual(r.body.sites, []);

    const daily = await call<WindowView>('POST', '/windows', DAILY);
    assert.equal(daily.status, 201);
    // A day-long window every day: always open.
    assert.equal(daily.body.next?.open, true);

    const once = await call<WindowView>('POST', '/windows', { name: 'past-once', timeZone: 'America/New_York', duration: 60, once: { start: '2020-01-01T02:00' } });
    assert.equal(once.status, 201);
    assert.equal(once.body.next, null, 'a one-off in the past has no next occurrence');
  });

  it('lists windows and describes one with its upcoming occurrences', async () => {
    const list = await call<WindowView[]>('GET', '/windows');
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.map((w) => w.name), ['every-day', 'past-once', 'weekend-nights']);
    assert.ok(list.body.every((w) => typeof w.description === 'string' && 'next' in w));

    const one = await call<WindowView>('GET', '/windows/weekend-nights');
    assert.equal(one.status, 200);
    assert.equal(one.body.rrule, WEEKEND.rrule);
    assert.equal(one.body.upcoming?.length, 5);
    assert.deepEqual(one.body.upcoming?.[0], one.body.next);
    const starts = (one.body.upcoming ?? []).map((o) => Date.parse(o.start));
    assert.deepEqual([...starts].sort((a, b) => a - b), starts);

    assert.equal((await call('GET', '/windows/nope')).status, 404);
    assert.equal((await call('GET', '/windows/bad%20name')).status, 400);
  });

  it('refuses invalid windows with every problem, and duplicates', async () => {
    const r = await call<{ error: string; problems: string[] }>('POST', '/windows', { name: 'bad', timeZone: 'Europe/Pariss', duration: 0, rrule: 'FREQ=YEARLY;BYDAY=XX' });
    assert.equal(r.status, 400);
    assert.match(r.body.error, /not a valid maintenance window/);
    assert.equal(r.body.problems.length, 4, JSON.stringify(r.body.problems));
    assert.ok(r.body.problems.some((p) => /unknown time zone "Europe\/Pariss"/.test(p)));
    assert.ok(r.body.problems.some((p) => /duration: whole minutes from 1 to 10080/.test(p)));
    assert.ok(r.body.problems.some((p) => /FREQ=YEARLY is not supported/.test(p)));

    const cron = await call<{ problems: string[] }>('POST', '/windows', { name: 'bad', timeZone: 'UTC', duration: 60, cron: '0 2 * *' });
    assert.equal(cron.status, 400);
    assert.match(cron.body.problems[0] ?? '', /cron has 4 field/);

    assert.equal((await call('POST', '/windows', '{not json')).status, 400);
    const dup = await call<{ error: string }>('POST', '/windows', { ...WEEKEND, duration: 60 });
    assert.equal(dup.status, 409);
    assert.match(dup.body.error, /already exists/);
    assert.equal((await call<WindowView>('GET', '/windows/weekend-nights')).body.duration, 240, 'the refused duplicate changed nothing');
  });

  it('assigns a window to a site; sites below inherit it, and a nearer one wins', async () => {
    const none = await call<SiteWindowView>('GET', '/sites/Global/EMEA/Paris/B1/F1/window');
    assert.equal(none.status, 200);
    assert.deepEqual(none.body, { site: 'Global/EMEA/Paris/B1/F1', assigned: null, effective: null, next: null });

    const set = await call<SiteWindowView>('PUT', '/sites/Global/EMEA/window', { window: 'weekend-nights' });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.equal(set.body.assigned, 'weekend-nights');
    assert.equal(set.body.effective?.site, 'Global/EMEA');

    const floor = await call<SiteWindowView>('GET', '/sites/Global/EMEA/Paris/B1/F1/window');
    assert.equal(floor.body.assigned, null);
    assert.deepEqual(floor.body.effective && { window: floor.body.effective.window, site: floor.body.effective.site }, { window: 'weekend-nights', site: 'Global/EMEA' });
    assert.match(floor.body.effective?.description ?? '', /Saturday and Sunday at 02:00/);
    assert.ok(floor.body.next && Date.parse(floor.body.next.end) - Date.parse(floor.body.next.start) === 240 * 60_000);

    assert.equal((await call('PUT', '/sites/Global/EMEA/Paris/B1/window', { window: 'every-day' })).status, 200);
    const nearer = await call<SiteWindowView>('GET', '/sites/Global/EMEA/Paris/B1/F1/window');
    assert.deepEqual(nearer.body.effective && { window: nearer.body.effective.window, site: nearer.body.effective.site }, { window: 'every-day', site: 'Global/EMEA/Paris/B1' });
    assert.equal(nearer.body.next?.open, true);

    assert.equal((await call<SiteWindowView>('GET', '/sites/Global/AMER/window')).body.effective, null, 'a sibling tree inherits nothing');

    const list = await call<WindowView[]>('GET', '/windows');
    assert.deepEqual(list.body.find((w) => w.name === 'weekend-nights')?.sites, ['Global/EMEA']);
  });

  it('answers 404 for an unknown window or site, 400 for a bad body or path', async () => {
    const w = await call<{ error: string }>('PUT', '/sites/Global/EMEA/window', { window: 'nope' });
    assert.equal(w.status, 404);
    assert.match(w.body.error, /no maintenance window nope/);
    const s = await call<{ error: string }>('PUT', '/sites/Global/Nowhere/window', { window: 'weekend-nights' });
    assert.equal(s.status, 404);
    assert.match(s.body.error, /no site Global\/Nowhere/);
    assert.equal((await call('GET', '/sites/Global/Nowhere/window')).status, 404);
    assert.equal((await call('PUT', '/sites/Global/EMEA/window', { window: 'weekend-nights', extra: 1 })).status, 400);
    assert.equal((await call('PUT', '/sites/Paris/window', { window: 'weekend-nights' })).status, 400);
    assert.equal((await call<SiteWindowView>('GET', '/sites/Global/EMEA/window')).body.assigned, 'weekend-nights', 'refusals changed nothing');
  });

  it('refuses to delete a window while a site uses it; deletes it once unassigned', async () => {
    const refused = await call<{ error: string }>('DELETE', '/windows/weekend-nights');
    assert.equal(refused.status, 409);
    assert.match(refused.body.error, /window of Global\/EMEA/);
    assert.equal((await call('GET', '/windows/weekend-nights')).status, 200);

    const cleared = await call<SiteWindowView>('PUT', '/sites/Global/EMEA/window', { window: null });
    assert.equal(cleared.status, 200);
    assert.equal(cleared.body.assigned, null);
    assert.equal(cleared.body.effective, null);

    const deleted = await call('DELETE', '/windows/weekend-nights');
    assert.deepEqual(deleted, { status: 200, body: { name: 'weekend-nights', deleted: true } });
    assert.equal((await call('DELETE', '/windows/weekend-nights')).status, 404);
    assert.equal((await call('GET', '/windows/weekend-nights')).status, 404);
  });

  it('leaves the other /sites/* routes working', async () => {
    // /sites/<path>/distribution is still answered by its own routes.
    const dist = await call<{ site: string; assigned: unknown }>('GET', '/sites/Global/EMEA/Paris/B1/distribution');
    assert.equal(dist.status, 200);
    assert.deepEqual(dist.body, { site: 'Global/EMEA/Paris/B1', assigned: null, effective: { primary: null, secondary: null } });
    const put = await call<{ error: string }>('PUT', '/sites/Global/EMEA/Paris/B1/distribution', { primary: 'no-such-server' });
    assert.equal(put.status, 404);
    assert.match(put.body.error, /no distribution server no-such-server/);
    // No route for a bare site path.
    assert.equal((await call('GET', '/sites/Global/EMEA')).status, 404);
    assert.equal((await call('PUT', '/sites/Global/EMEA', { window: 'every-day' })).status, 404);

    // DELETE /sites/<path> works, and takes the site's window assignment with it.
    assert.equal((await call('DELETE', '/sites/Global/EMEA/Paris/B1/F1')).status, 200);
    assert.equal((await call('DELETE', '/sites/Global/EMEA/Paris/B1')).status, 200);
    assert.deepEqual((await call<WindowView>('GET', '/windows/every-day')).body.sites, []);
    assert.equal((await call('DELETE', '/windows/every-day')).status, 200);
    const sites = await call<Array<{ path: string }>>('GET', '/sites');
    assert.deepEqual(sites.body.map((s) => s.path), ['Global', 'Global/AMER', 'Global/EMEA', 'Global/EMEA/Paris']);
  });
});
