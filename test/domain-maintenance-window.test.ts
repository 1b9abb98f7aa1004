// Maintenance windows (domain/maintenance-window.ts): validation, occurrences across time zones,
// DST changes, month ends, cron, COUNT/UNTIL exhaustion, and the activation decision.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import {
  activationDecision,
  describeWindow,
  localToUtc,
  nextWindow,
  upcomingWindows,
  validateWindow,
  windowAt,
  type MaintenanceWindow,
} from '../domain/maintenance-window.ts';

function valid(input: Record<string, unknown>): MaintenanceWindow {
  const result = validateWindow({ name: 'w', duration: 60, ...input });
  assert.ok(result.ok, `expected a valid window: ${result.ok ? '' : result.problems.join('; ')}`);
  return result.window;
}

const at = (iso: string) => Date.parse(iso);
/** Occurrences as 'startISO/endHH:MM' (UTC), minutes precision. */
const shown = (w: MaintenanceWindow, from: string, n: number) =>
  upcomingWindows(w, at(from), n).map((o) => `${new Date(o.startMs).toISOString().slice(0, 16)}/${new Date(o.endMs).toISOString().slice(11, 16)}`);

describe('maintenance window occurrences', () => {
  const cases: Array<{ title: string; window: Record<string, unknown>; from: string; expect: string[]; exhausted?: true }> = [
    {
      title: 'Paris weekend nights, spring forward: 02:30 does not exist on 29 March and moves forward by the gap (03:30 CEST)',
      window: { timeZone: 'Europe/Paris', duration: 240, rrule: 'FREQ=WEEKLY;BYDAY=SA,SU;BYHOUR=2;BYMINUTE=30' },
      from: '2026-03-27T12:00Z',
      expect: ['2026-03-28T01:30/05:30', '2026-03-29T01:30/05:30', '2026-04-04T00:30/04:30'],
    },
    {
      title: 'Paris weekend nights, fall back: 02:30 happens twice on 25 October, the first (CEST) counts',
      window: { timeZone: 'Europe/Paris', duration: 240, rrule: 'FREQ=WEEKLY;BYDAY=SA,SU;BYHOUR=2;BYMINUTE=30' },
      from: '2026-10-23T12:00Z',
      expect: ['2026-10-24T00:30/04:30', '2026-10-25T00:30/04:30', '2026-10-31T01:30/05:30'],
    },
    {
      title: 'Paris 02:30 and 03:30 every day: on spring-forward day both land on 03:30 CEST and count once',
      window: { timeZone: 'Europe/Paris', rrule: 'FREQ=DAILY;BYHOUR=2,3;BYMINUTE=30' },
      from: '2026-03-28T12:00Z',
      expect: ['2026-03-29T01:30/02:30', '2026-03-30T00:30/01:30', '2026-03-30T01:30/02:30'],
    },
    {
      title: 'New York first Sunday 01:30 for 90 min: on 1 November (fall back) the first 01:30 (EDT); duration is elapsed time',
      window: { timeZone: 'America/New_York', duration: 90, rrule: 'FREQ=MONTHLY;BYDAY=1SU;BYHOUR=1;BYMINUTE=30' },
      from: '2026-10-15T00:00Z',
      expect: ['2026-11-01T05:30/07:00', '2026-12-06T06:30/08:00'],
    },
    {
      title: 'New York cron Sundays 02:30: on 8 March (spring forward) it starts at 03:30 EDT',
      window: { timeZone: 'America/New_York', cron: '30 2 * * 0' },
      from: '2026-02-28T00:00Z',
      expect: ['2026-03-01T07:30/08:30', '2026-03-08T07:30/08:30', '2026-03-15T06:30/07:30'],
    },
    {
      title: 'Kolkata (UTC+05:30, no DST) BYMONTHDAY=31: months without a 31st are skipped',
      window: { timeZone: 'Asia/Kolkata', rrule: 'FREQ=MONTHLY;BYMONTHDAY=31;BYHOUR=23' },
      from: '2026-01-01T00:00Z',
      expect: ['2026-01-31T17:30/18:30', '2026-03-31T17:30/18:30', '2026-05-31T17:30/18:30', '2026-07-31T17:30/18:30'],
    },
    {
      title: 'Kolkata Mondays and Wednesdays at 01:00, 01:30, 13:00, 13:30 (BYDAY filters DAILY)',
      window: { timeZone: 'Asia/Kolkata', duration: 120, rrule: 'FREQ=DAILY;BYDAY=MO,WE;BYHOUR=1,13;BYMINUTE=0,30' },
      from: '2026-01-01T00:00Z',
      expect: ['2026-01-04T19:30/21:30', '2026-01-04T20:00/22:00', '2026-01-05T07:30/09:30', '2026-01-05T08:00/10:00', '2026-01-06T19:30/21:30'],
    },
    {
      title: 'UTC last day of the month (BYMONTHDAY=-1), February included',
      window: { timeZone: 'UTC', rrule: 'FREQ=MONTHLY;BYMONTHDAY=-1;BYHOUR=23;BYMINUTE=30' },
      from: '2026-02-01T00:30Z', // the 31 January one has just closed
      expect: ['2026-02-28T23:30/00:30', '2026-03-31T23:30/00:30'],
    },
    {
      title: 'UTC last Saturday of the month',
      window: { timeZone: 'UTC', rrule: 'FREQ=MONTHLY;BYDAY=-1SA;BYHOUR=22' },
      from: '2026-01-01T00:00Z',
      expect: ['2026-01-31T22:00/23:00', '2026-02-28T22:00/23:00', '2026-03-28T22:00/23:00'],
    },
    {
      title: 'Paris last Sunday of the month at 03:00: exists on spring-forward day (03:00 CEST)',
      window: { timeZone: 'Europe/Paris', rrule: 'FREQ=MONTHLY;BYDAY=-1SU;BYHOUR=3' },
      from: '2026-02-01T00:00Z',
      expect: ['2026-02-22T02:00/03:00', '2026-03-29T01:00/02:00', '2026-04-26T01:00/02:00'],
    },
    {
      title: 'BYDAY with BYMONTHDAY: both must hold (Friday the 13th)',
      window: { timeZone: 'Europe/Paris', rrule: 'FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13;BYHOUR=20' },
      from: '2026-01-01T00:00Z',
      expect: ['2026-02-13T19:00/20:00', '2026-03-13T19:00/20:00', '2026-11-13T19:00/20:00'],
    },
    {
      title: 'every other Tuesday from dtstart (INTERVAL=2)',
      window: { timeZone: 'UTC', rrule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU', dtstart: '2026-01-06T22:00' },
      from: '2026-01-01T00:00Z',
      expect: ['2026-01-06T22:00/23:00', '2026-01-20T22:00/23:00', '2026-02-03T22:00/23:00'],
    },
    {
      title: 'every 3 months on the second Tuesday, COUNT=4, in Paris (CET then CEST)',
      window: { timeZone: 'Europe/Paris', rrule: 'FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU;BYHOUR=20;COUNT=4', dtstart: '2026-01-01T00:00' },
      from: '2026-01-01T00:00Z',
      expect: ['2026-01-13T19:00/20:00', '2026-04-14T18:00/19:00', '2026-07-14T18:00/19:00', '2026-10-13T18:00/19:00'],
      exhausted: true,
    },
    {
      title: 'UNTIL (UTC) is inclusive, then nothing',
      window: { timeZone: 'UTC', rrule: 'FREQ=WEEKLY;BYDAY=SA;BYHOUR=2;UNTIL=20260117T235959Z' },
      from: '2026-01-01T00:00Z',
      expect: ['2026-01-03T02:00/03:00', '2026-01-10T02:00/03:00', '2026-01-17T02:00/03:00'],
      exhausted: true,
    },
    {
      title: 'UNTIL as a local date covers that whole local day',
      window: { timeZone: 'America/New_York', rrule: 'FREQ=DAILY;BYHOUR=22;UNTIL=20260103' },
      from: '2026-01-01T00:00Z',
      expect: ['2026-01-01T03:00/04:00', '2026-01-02T03:00/04:00', '2026-01-03T03:00/04:00', '2026-01-04T03:00/04:00'],
      exhausted: true,
    },
    {
      title: 'cron steps and ranges: every 20 minutes from 02:00 to 03:59 on weekdays',
      window: { timeZone: 'UTC', duration: 10, cron: '*/20 2-3 * * 1-5' },
      from: '2026-01-02T00:00Z',
      expect: ['2026-01-02T02:00/02:10', '2026-01-02T02:20/02:30', '2026-01-02T02:40/02:50', '2026-01-02T03:00/03:10', '2026-01-02T03:20/03:30', '2026-01-02T03:40/03:50', '2026-01-05T02:00/02:10'],
    },
    {
      title: 'cron range with a step: 9-17/4 is 09:00, 13:00, 17:00',
      window: { timeZone: 'UTC', cron: '0 9-17/4 * * *' },
      from: '2026-01-01T00:00Z',
      expect: ['2026-01-01T09:00/10:00', '2026-01-01T13:00/14:00', '2026-01-01T17:00/18:00', '2026-01-02T09:00/10:00'],
    },
    {
      title: 'cron with both day fields restricted matches either (the 1st, or a Monday)',
      window: { timeZone: 'UTC', cron: '0 0 1 * 1' },
      from: '2026-01-28T00:00Z',
      expect: ['2026-02-01T00:00/01:00', '2026-02-02T00:00/01:00', '2026-02-09T00:00/01:00'],
    },
    {
      title: 'cron names (months, weekdays), any case',
      window: { timeZone: 'UTC', cron: '15 4 * jan,feb mon-fri' },
      from: '2026-02-26T00:00Z',
      expect: ['2026-02-26T04:15/05:15', '2026-02-27T04:15/05:15', '2027-01-01T04:15/05:15'],
    },
    {
      title: 'cron 7 is Sunday too; Kolkata',
      window: { timeZone: 'Asia/Kolkata', cron: '0 3 * * 7' },
      from: '2026-01-01T00:00Z',
      expect: ['2026-01-03T21:30/22:30', '2026-01-10T21:30/22:30'],
    },
    {
      title: 'once, on the Paris fall-back night: the first 02:30',
      window: { timeZone: 'Europe/Paris', once: { start: '2026-10-25T02:30' } },
      from: '2026-01-01T00:00Z',
      expect: ['2026-10-25T00:30/01:30'],
      exhausted: true,
    },
    {
      title: 'once, in the Paris spring-forward gap: 02:30 starts at 03:30 CEST',
      window: { timeZone: 'Europe/Paris', once: { start: '2026-03-29T02:30' } },
      from: '2026-01-01T00:00Z',
      expect: ['2026-03-29T01:30/02:30'],
      exhausted: true,
    },
  ];
  for (const c of cases) {
    it(c.title, () => {
      const w = valid(c.window);
      assert.deepEqual(shown(w, c.from, c.expect.length + (c.exhausted ? 3 : 0)), c.expect);
    });
  }

  it('COUNT exhausted: nothing after the last occurrence', () => {
    const w = valid({ timeZone: 'UTC', rrule: 'FREQ=DAILY;INTERVAL=2;COUNT=3', dtstart: '2026-01-01T05:00' });
    assert.deepEqual(shown(w, '2025-12-01T00:00Z', 10), ['2026-01-01T05:00/06:00', '2026-01-03T05:00/06:00', '2026-01-05T05:00/06:00']);
    assert.equal(nextWindow(w, at('2026-01-05T05:30Z'))?.startMs, at('2026-01-05T05:00Z'));
    assert.equal(nextWindow(w, at('2026-01-05T06:00Z')), undefined);
    assert.equal(nextWindow(w, at('2030-01-01T00:00Z')), undefined);
  });

  it('UNTIL exhausted and a past one-off: nothing left', () => {
    assert.equal(nextWindow(valid({ timeZone: 'UTC', rrule: 'FREQ=WEEKLY;BYDAY=SA;BYHOUR=2;UNTIL=20260117T235959Z' }), at('2026-01-17T03:00Z')), undefined);
    assert.equal(nextWindow(valid({ timeZone: 'UTC', once: { start: '2026-01-01T00:00' } }), at('2026-01-01T01:00Z')), undefined);
  });

  it('nextWindow returns the open occurrence; windowAt includes the start and excludes the end', () => {
    const w = valid({ timeZone: 'Europe/Paris', duration: 240, rrule: 'FREQ=WEEKLY;BYDAY=SA;BYHOUR=2' });
    const open = { startMs: at('2026-01-03T01:00Z'), endMs: at('2026-01-03T05:00Z') };
    assert.deepEqual(nextWindow(w, at('2026-01-03T04:59Z')), open);
    assert.deepEqual(windowAt(w, at('2026-01-03T01:00Z')), open);
    assert.deepEqual(windowAt(w, at('2026-01-03T04:59:59.999Z')), open);
    assert.equal(windowAt(w, at('2026-01-03T05:00Z')), undefined);
    assert.equal(windowAt(w, at('2026-01-03T00:59Z')), undefined);
    assert.deepEqual(nextWindow(w, at('2026-01-03T05:00Z')), { startMs: at('2026-01-10T01:00Z'), endMs: at('2026-01-10T05:00Z') });
  });

  it('a window lasting days crosses DST: the open one is found from inside it', () => {
    const w = valid({ timeZone: 'America/New_York', duration: 1440 * 3, cron: '0 0 * * 6' });
    // Saturday 7 March 2026 00:00 EST, three days (72 real hours) across the spring-forward Sunday.
    assert.deepEqual(windowAt(w, at('2026-03-09T12:00Z')), { startMs: at('2026-03-07T05:00Z'), endMs: at('2026-03-10T05:00Z') });
  });

  it('localToUtc: ordinary, repeated (first), missing (forward by the gap)', () => {
    const local = (iso: string) => Date.parse(`${iso}Z`);
    assert.equal(localToUtc('Asia/Kolkata', local('2026-06-01T12:00')), at('2026-06-01T06:30Z'));
    assert.equal(localToUtc('America/New_York', local('2026-11-01T01:30')), at('2026-11-01T05:30Z'));
    assert.equal(localToUtc('America/New_York', local('2026-03-08T02:30')), at('2026-03-08T07:30Z'));
    assert.equal(localToUtc('Europe/Paris', local('2026-03-29T02:00')), at('2026-03-29T01:00Z'));
    assert.equal(localToUtc('UTC', local('2026-03-29T02:30')), at('2026-03-29T02:30Z'));
  });
});

describe('maintenance window validation', () => {
  const refused: Array<{ title: string; input: unknown; problems: RegExp[] }> = [
    { title: 'not an object', input: 'weekly', problems: [/a window is a JSON object/] },
    { title: 'unknown time zone', input: { name: 'w', timeZone: 'Europe/Pariss', duration: 60, cron: '0 2 * * 6' }, problems: [/unknown time zone "Europe\/Pariss"/] },
    { title: 'duration 0 and over a week', input: { name: 'w', timeZone: 'UTC', duration: 0, cron: '0 2 * * 6' }, problems: [/duration: whole minutes from 1 to 10080/] },
    { title: 'duration over a week', input: { name: 'w', timeZone: 'UTC', duration: 10081, cron: '0 2 * * 6' }, problems: [/duration/] },
    { title: 'duration not whole', input: { name: 'w', timeZone: 'UTC', duration: 1.5, cron: '0 2 * * 6' }, problems: [/duration/] },
    { title: 'bad name', input: { name: 'a b', timeZone: 'UTC', duration: 60, cron: '0 2 * * 6' }, problems: [/name: letters/] },
    { title: 'no schedule', input: { name: 'w', timeZone: 'UTC', duration: 60 }, problems: [/exactly one of once, rrule or cron/] },
    { title: 'two schedules', input: { name: 'w', timeZone: 'UTC', duration: 60, cron: '0 2 * * 6', rrule: 'FREQ=DAILY;BYHOUR=2' }, problems: [/got rrule and cron/] },
    { title: 'unknown field', input: { name: 'w', timeZone: 'UTC', duration: 60, cron: '0 2 * * 6', tz: 'UTC' }, problems: [/unknown field tz/] },
    { title: 'dtstart without rrule', input: { name: 'w', timeZone: 'UTC', duration: 60, cron: '0 2 * * 6', dtstart: '2026-01-01T00:00' }, problems: [/dtstart goes only with rrule/] },
    { title: 'once with a bad start', input: { name: 'w', timeZone: 'UTC', duration: 60, once: { start: '2026-02-30T02:00' } }, problems: [/once.start: "2026-02-30T02:00" is not a local time/] },
    { title: 'unsupported FREQ and part, bad BYDAY', input: { name: 'w', timeZone: 'UTC', duration: 60, rrule: 'FREQ=YEARLY;BYDAY=XX;BYSETPOS=1' }, problems: [/BYSETPOS is not supported/, /FREQ=YEARLY is not supported/, /BYDAY: "XX" is not a weekday/] },
    { title: 'ordinal BYDAY outside MONTHLY', input: { name: 'w', timeZone: 'UTC', duration: 60, rrule: 'FREQ=WEEKLY;BYDAY=1SU;BYHOUR=2' }, problems: [/only FREQ=MONTHLY takes/] },
    { title: 'BYMONTHDAY with WEEKLY, BYHOUR out of range', input: { name: 'w', timeZone: 'UTC', duration: 60, rrule: 'FREQ=WEEKLY;BYDAY=SU;BYMONTHDAY=1;BYHOUR=24' }, problems: [/BYHOUR: "24" is not number from 0 to 23/, /BYMONTHDAY cannot be used with FREQ=WEEKLY/] },
    { title: 'BYMONTHDAY 0', input: { name: 'w', timeZone: 'UTC', duration: 60, rrule: 'FREQ=MONTHLY;BYMONTHDAY=0;BYHOUR=2' }, problems: [/BYMONTHDAY: "0" is not a non-zero number/] },
    { title: 'COUNT and UNTIL together', input: { name: 'w', timeZone: 'UTC', duration: 60, rrule: 'FREQ=DAILY;BYHOUR=2;COUNT=2;UNTIL=20270101', dtstart: '2026-01-01T02:00' }, problems: [/COUNT or UNTIL, not both/] },
    { title: 'COUNT and INTERVAL without dtstart', input: { name: 'w', timeZone: 'UTC', duration: 60, rrule: 'FREQ=DAILY;INTERVAL=2;BYHOUR=2;COUNT=2' }, problems: [/INTERVAL above 1 needs a dtstart/, /COUNT needs a dtstart/] },
    { title: 'no time of day', input: { name: 'w', timeZone: 'UTC', duration: 60, rrule: 'FREQ=DAILY' }, problems: [/no time of day/] },
    { title: 'WEEKLY without BYDAY or dtstart', input: { name: 'w', timeZone: 'UTC', duration: 60, rrule: 'FREQ=WEEKLY;BYHOUR=2' }, problems: [/FREQ=WEEKLY needs BYDAY or a dtstart/] },
    { title: 'bad UNTIL', input: { name: 'w', timeZone: 'UTC', duration: 60, rrule: 'FREQ=DAILY;BYHOUR=2;UNTIL=2026-01-01' }, problems: [/UNTIL: "2026-01-01" is not a date/] },
    { title: 'cron with 6 fields', input: { name: 'w', timeZone: 'UTC', duration: 60, cron: '0 0 2 * * 6' }, problems: [/cron has 6 field\(s\): netswim takes 5/] },
    { title: 'cron out of range', input: { name: 'w', timeZone: 'UTC', duration: 60, cron: '60 2 * * 8' }, problems: [/cron minute: "60" is out of range 0-59/, /cron day-of-week: "8" is out of range 0-7/] },
    { title: 'cron bad syntax', input: { name: 'w', timeZone: 'UTC', duration: 60, cron: '0 2 ? * 6' }, problems: [/cron day-of-month: "\?" is not a value/] },
    { title: 'a schedule that never opens', input: { name: 'w', timeZone: 'UTC', duration: 60, cron: '0 0 30 2 *' }, problems: [/never opens/] },
  ];
  for (const c of refused) {
    it(`refuses: ${c.title}`, () => {
      const result = validateWindow(c.input);
      assert.equal(result.ok, false);
      if (result.ok) return;
      for (const p of c.problems) assert.ok(result.problems.some((q) => p.test(q)), `${p} not in ${JSON.stringify(result.problems)}`);
    });
  }

  it('names every problem at once (fields and schedule)', () => {
    const result = validateWindow({ name: '', timeZone: 'Mars/Olympus', duration: -1, rrule: 'FREQ=HOURLY' });
    assert.equal(result.ok, false);
    if (!result.ok) assert.equal(result.problems.length, 4, JSON.stringify(result.problems));
  });

  it('accepts an RRULE: prefix, lower case, and keeps only the known fields', () => {
    const result = validateWindow({ name: 'weekend', timeZone: 'Europe/Paris', duration: 240, rrule: 'RRULE:freq=weekly;byday=sa,su;byhour=2' });
    assert.ok(result.ok);
    if (result.ok) assert.deepEqual(result.window, { name: 'weekend', timeZone: 'Europe/Paris', duration: 240, rrule: 'RRULE:freq=weekly;byday=sa,su;byhour=2' });
  });
});

describe('describeWindow', () => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ name: 'weekend', timeZone: 'Europe/Paris', duration: 240, rrule: 'FREQ=WEEKLY;BYDAY=SA,SU;BYHOUR=2;BYMINUTE=0' }, 'weekend: every week on Saturday and Sunday at 02:00, 4 h (Europe/Paris)'],
    [{ name: 'last-sun', timeZone: 'America/New_York', duration: 90, rrule: 'FREQ=MONTHLY;BYDAY=-1SU;BYHOUR=1;BYMINUTE=30' }, 'last-sun: every month on the last Sunday at 01:30, 1 h 30 min (America/New_York)'],
    [{ name: 'eom', timeZone: 'Asia/Kolkata', duration: 60, rrule: 'FREQ=MONTHLY;BYMONTHDAY=31;BYHOUR=23' }, 'eom: every month on day 31 at 23:00, 1 h (Asia/Kolkata)'],
    [{ name: 'q', timeZone: 'UTC', duration: 1500, rrule: 'FREQ=DAILY;INTERVAL=2;COUNT=3', dtstart: '2026-01-01T05:00' }, 'q: every 2 days at 05:00 from 2026-01-01 05:00 3 times, 1 d 1 h (UTC)'],
    [{ name: 'u', timeZone: 'UTC', duration: 30, rrule: 'FREQ=WEEKLY;BYDAY=TU;BYHOUR=22;UNTIL=20261231T230000Z' }, 'u: every week on Tuesday at 22:00 until 2026-12-31 23:00 UTC, 30 min (UTC)'],
    [{ name: 'c', timeZone: 'UTC', duration: 120, cron: '0 2 * * 6' }, 'c: cron "0 2 * * 6" (minute hour day-of-month month day-of-week), 2 h (UTC)'],
    [{ name: 'o', timeZone: 'Europe/Paris', duration: 60, once: { start: '2026-11-22T02:00' } }, 'o: once on 2026-11-22 02:00, 1 h (Europe/Paris)'],
  ];
  for (const [input, line] of cases) {
    it(line, () => assert.equal(describeWindow(valid(input)), line));
  }
});

describe('activationDecision', () => {
  const weekly = valid({ name: 'sat', timeZone: 'Europe/Paris', duration: 240, rrule: 'FREQ=WEEKLY;BYDAY=SA;BYHOUR=2' });
  // Saturday 3 January 2026 02:00-06:00 CET = 01:00Z-05:00Z; the next is 10 January.
  const cases: Array<{ title: string; window: MaintenanceWindow; now: string; minimum: number; expect: { kind: string; untilMs?: number; endMs?: number; reason?: RegExp } }> = [
    { title: 'open with time enough: go now', window: weekly, now: '2026-01-03T02:00Z', minimum: 60, expect: { kind: 'open-now', endMs: at('2026-01-03T05:00Z') } },
    { title: 'exactly the minimum left: go now', window: weekly, now: '2026-01-03T04:00Z', minimum: 60, expect: { kind: 'open-now' } },
    { title: 'closed: wait for the opening', window: weekly, now: '2026-01-02T12:00Z', minimum: 60, expect: { kind: 'wait', untilMs: at('2026-01-03T01:00Z'), endMs: at('2026-01-03T05:00Z'), reason: /window sat opens at 2026-01-03 02:00 Europe\/Paris/ } },
    { title: 'open but too little left: wait for the next one', window: weekly, now: '2026-01-03T04:30Z', minimum: 60, expect: { kind: 'wait', untilMs: at('2026-01-10T01:00Z'), reason: /closes at 2026-01-03 06:00 Europe\/Paris .*less than 1 h from now: waiting for the next one at 2026-01-10 02:00/ } },
    { title: 'zero minimum: any time inside counts', window: weekly, now: '2026-01-03T04:59Z', minimum: 0, expect: { kind: 'open-now' } },
    { title: 'window shorter than the minimum: never', window: weekly, now: '2026-01-02T12:00Z', minimum: 300, expect: { kind: 'none-left', reason: /lasts 4 h, less than the 5 h activation needs/ } },
    {
      title: 'COUNT exhausted: none left',
      window: valid({ name: 'two', timeZone: 'UTC', duration: 60, rrule: 'FREQ=DAILY;COUNT=2', dtstart: '2026-01-01T02:00' }),
      now: '2026-01-05T00:00Z',
      minimum: 10,
      expect: { kind: 'none-left', reason: /window two has no occurrence left/ },
    },
    {
      title: 'last occurrence too short to use: none left',
      window: valid({ name: 'two', timeZone: 'UTC', duration: 60, rrule: 'FREQ=DAILY;COUNT=2', dtstart: '2026-01-01T02:00' }),
      now: '2026-01-02T02:55Z',
      minimum: 10,
      expect: { kind: 'none-left', reason: /closes at 2026-01-02 03:00 UTC .*no later occurrence/ },
    },
    {
      title: 'spring forward: the Paris 02:30 one-off opens at 03:30 CEST',
      window: valid({ name: 'once', timeZone: 'Europe/Paris', duration: 60, once: { start: '2026-03-29T02:30' } }),
      now: '2026-03-29T00:00Z',
      minimum: 30,
      expect: { kind: 'wait', untilMs: at('2026-03-29T01:30Z'), reason: /opens at 2026-03-29 03:30 Europe\/Paris/ },
    },
  ];
  for (const c of cases) {
    it(c.title, () => {
      const d = activationDecision(c.window, at(c.now), c.minimum);
      assert.equal(d.kind, c.expect.kind, JSON.stringify(d));
      if (c.expect.untilMs !== undefined) assert.equal(d.kind === 'wait' && d.untilMs, c.expect.untilMs);
      if (c.expect.endMs !== undefined) assert.equal(d.kind !== 'none-left' && d.endMs, c.expect.endMs);
      if (c.expect.reason) assert.match(d.kind === 'open-now' ? '' : d.reason, c.expect.reason);
    });
  }
});

describe('determinism (importable from workflow code)', () => {
  it('never reads the clock and imports nothing', async () => {
    const source = await readFile(new URL('../domain/maintenance-window.ts', import.meta.url), 'utf8');
    assert.doesNotMatch(source, /^import /m);
    assert.doesNotMatch(source, /Date\.now\(|new Date\(\)|Math\.random/);
  });

  it('works with Date.now unavailable', () => {
    const original = Date.now;
    Date.now = () => {
      throw new Error('clock read');
    };
    try {
      const w = valid({ timeZone: 'Europe/Paris', rrule: 'FREQ=MONTHLY;BYDAY=-1SU;BYHOUR=3' });
      assert.ok(nextWindow(w, at('2026-01-01T00:00Z')));
      assert.ok(describeWindow(w));
      assert.equal(activationDecision(w, at('2026-01-01T00:00Z'), 10).kind, 'wait');
    } finally {
      Date.now = original;
    }
  });
});
