// Maintenance windows: when a device may be activated (reloaded). A window is named, lives in an
// IANA time zone, lasts `duration` minutes, and is either one-off (`once`), an iCalendar RRULE
// (with an optional `dtstart`), or a 5-field cron expression.
//
// Pure and deterministic: no clock (every function takes the instant as a parameter), no I/O, no
// dependency beyond the JavaScript runtime — time zones come from Intl.DateTimeFormat, which the
// Temporal workflow sandbox provides. Workflow code may import this module.
//
// Local times and daylight saving time (the RFC 5545 rule, also the JS Temporal `compatible` one):
// - a local start that does not exist (spring forward: 02:30 in Europe/Paris on the last Sunday of
//   March) is moved forward by the length of the gap: 02:30 starts at 03:30 local (01:30 UTC);
// - a local start that happens twice (fall back: 02:30 in Europe/Paris, 01:30 in
//   America/New_York) is the first of the two (summer time);
// - `duration` is elapsed time: a 60-minute window opening at 01:30 on a fall-back night closes
//   60 real minutes later, whatever the wall clock says.
// Two occurrences landing on the same instant (02:30 moved onto an existing 03:30) count once.
//
// RRULE: FREQ=DAILY|WEEKLY|MONTHLY, INTERVAL, BYDAY (MONTHLY also with ordinals: 1SU, -1SA),
// BYMONTHDAY (negative counts from the month's end; a month without that day is skipped, as in
// RFC 5545), BYHOUR, BYMINUTE, WKST, COUNT or UNTIL. `dtstart` ('YYYY-MM-DDTHH:MM', local) anchors
// INTERVAL and COUNT (both need it) and gives the defaults RFC 5545 takes from DTSTART (time of
// day, weekday, day of month); it is an occurrence only when it matches the rule.
// Cron: minute hour day-of-month month day-of-week, with `*`, lists, ranges, steps (`*/15`,
// `1-5/2`, `10/5`), names (JAN-DEC, SUN-SAT), 0 or 7 for Sunday; when both day fields are
// restricted a day matches either of them (Vixie cron).

export const MAX_DURATION_MINUTES = 1440 * 7;
const WINDOW_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;
const MINUTE = 60_000;
const DAY = 86_400_000;
/** How far a search looks ahead: the Gregorian calendar repeats every 400 years. */
const HORIZON_DAYS = 400 * 366;
const MAX_COUNT = 10_000;
const MAX_INTERVAL = 1000;

export interface WindowBase {
  /** Letters, digits, . _ and -, up to 64 characters. */
  name: string;
  /** IANA time zone, e.g. Europe/Paris. */
  timeZone: string;
  /** Minutes, 1 to 10080 (a week). */
  duration: number;
}

export type WindowSchedule =
  | { once: { start: string } }
  | { rrule: string; dtstart?: string }
  | { cron: string };

export type MaintenanceWindow = WindowBase & WindowSchedule;

/** One occurrence of a window: [startMs, endMs). */
export interface Occurrence {
  startMs: number;
  endMs: number;
}

export type WindowValidation = { ok: true; window: MaintenanceWindow } | { ok: false; problems: string[] };

export type ActivationDecision =
  | { kind: 'open-now'; startMs: number; endMs: number }
  | { kind: 'wait'; untilMs: number; endMs: number; reason: string }
  | { kind: 'none-left'; reason: string };

// --- calendar arithmetic (days since 1970-01-01, local wall time as if it were UTC) -----------

interface Ymd {
  year: number;
  month: number;
  day: number;
}

const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'] as const;
const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const CRON_DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const ymdOf = (day: number): Ymd => {
  const d = new Date(day * DAY);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
};
const dayOf = (year: number, month: number, day: number): number => Date.UTC(year, month - 1, day) / DAY;
/** 0 = Sunday … 6 = Saturday. */
const weekdayOf = (day: number): number => (((day + 4) % 7) + 7) % 7;
const daysInMonth = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();
const monthIndex = (ymd: Ymd): number => ymd.year * 12 + ymd.month - 1;
const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
const hhmm = (minuteOfDay: number): string => `${pad(Math.floor(minuteOfDay / 60))}:${pad(minuteOfDay % 60)}`;

/** 'YYYY-MM-DDTHH:MM' → local wall time in ms (as if UTC), or undefined when it is not one. */
function parseLocal(text: string): number | undefined {
  const m = LOCAL_TIME.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute] = m.slice(1).map(Number) as [number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59) return undefined;
  return dayOf(year, month, day) * DAY + (hour * 60 + minute) * MINUTE;
}

function formatLocalMs(localMs: number): string {
  const { year, month, day } = ymdOf(Math.floor(localMs / DAY));
  return `${year}-${pad(month)}-${pad(day)} ${hhmm(Math.floor((localMs - Math.floor(localMs / DAY) * DAY) / MINUTE))}`;
}

// --- time zones through Intl ------------------------------------------------------------------

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether Intl knows the zone. */
export function isTimeZone(timeZone: string): boolean {
  if (timeZone.length === 0 || timeZone.length > 64) return false;
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC at `utcMs`, in ms (Paris in summer: +7,200,000). */
export function zoneOffsetMs(timeZone: string, utcMs: number): number {
  const whole = Math.floor(utcMs / 1000) * 1000;
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(whole)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const asUtc = Date.UTC(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day ?? 1, (parts.hour ?? 0) % 24, parts.minute ?? 0, parts.second ?? 0);
  return asUtc - whole;
}

const toLocal = (timeZone: string, utcMs: number): number => utcMs + zoneOffsetMs(timeZone, utcMs);

/**
 * The instant a local wall time happens in `timeZone`: the first of two on fall-back, and shifted
 * forward by the gap when it does not exist (see the header).
 */
export function localToUtc(timeZone: string, localMs: number): number {
  const before = zoneOffsetMs(timeZone, localMs - DAY);
  const after = zoneOffsetMs(timeZone, localMs + DAY);
  const candidates = [localMs - before, localMs - after].filter((u) => toLocal(timeZone, u) === localMs);
  if (candidates.length > 0) return Math.min(...candidates);
  return localMs - before; // in the gap: read with the offset in force before it, i.e. moved forward
}

/** `utcMs` as local 'YYYY-MM-DD HH:MM' in the zone. */
export function formatLocal(timeZone: string, utcMs: number): string {
  return formatLocalMs(toLocal(timeZone, utcMs));
}

// --- compiled schedules ------------------------------------------------------------------------

interface Compiled {
  /** Local minutes of the day the occurrences start at, ascending. */
  times: number[];
  /** First day an occurrence may fall on (local). */
  firstDay: number;
  /** Occurrences starting before this local time are not part of the window. */
  notBeforeLocal: number;
  /** Last day an occurrence may fall on (local). */
  lastDay: number;
  /** Occurrences after this instant are not part of the window (UNTIL). */
  untilUtc: number;
  count: number | undefined;
  /** `day` itself when its period (week, month, …) can hold occurrences, else a later day to go on from. */
  skipTo(day: number): number;
  matches(day: number): boolean;
}

interface ByDay {
  weekday: number;
  ordinal?: number;
}

interface ParsedRule {
  freq: 'DAILY' | 'WEEKLY' | 'MONTHLY';
  interval: number;
  byDay: ByDay[] | undefined;
  byMonthDay: number[] | undefined;
  byHour: number[] | undefined;
  byMinute: number[] | undefined;
  wkst: number;
  count: number | undefined;
  /** UNTIL: `utc` when written with Z, else local wall time. */
  until: { utc: number } | { local: number } | undefined;
}

const RRULE_PARTS = ['FREQ', 'INTERVAL', 'BYDAY', 'BYMONTHDAY', 'BYHOUR', 'BYMINUTE', 'WKST', 'COUNT', 'UNTIL'];

function intList(key: string, value: string, min: number, max: number, problems: string[], allowZero = true): number[] | undefined {
  const out: number[] = [];
  for (const item of value.split(',')) {
    const n = /^[+-]?\d{1,4}$/.test(item) ? Number(item) : NaN;
    if (!Number.isInteger(n) || n < min || n > max || (!allowZero && n === 0)) {
      problems.push(`RRULE ${key}: ${JSON.stringify(item)} is not ${allowZero ? '' : 'a non-zero '}number from ${min} to ${max}`);
      return undefined;
    }
    if (!out.includes(n)) out.push(n);
  }
  return out.sort((a, b) => a - b);
}

function parseRrule(text: string, problems: string[]): ParsedRule | undefined {
  const body = text.trim().replace(/^RRULE:/i, '');
  const parts = new Map<string, string>();
  for (const chunk of body.split(';').filter((c) => c.length > 0)) {
    const eq = chunk.indexOf('=');
    const key = (eq < 0 ? chunk : chunk.slice(0, eq)).trim().toUpperCase();
    const value = eq < 0 ? '' : chunk.slice(eq + 1).trim().toUpperCase();
    if (!RRULE_PARTS.includes(key)) {
      problems.push(`RRULE part ${key || JSON.stringify(chunk)} is not supported (supported: ${RRULE_PARTS.join(', ')})`);
      continue;
    }
    if (value === '') problems.push(`RRULE ${key} has no value (write ${key}=…)`);
    else if (parts.has(key)) problems.push(`RRULE ${key} is given twice`);
    else parts.set(key, value);
  }
  const before = problems.length;
  const freq = parts.get('FREQ');
  if (freq === undefined) problems.push('RRULE needs FREQ (DAILY, WEEKLY or MONTHLY)');
  else if (freq !== 'DAILY' && freq !== 'WEEKLY' && freq !== 'MONTHLY') problems.push(`RRULE FREQ=${freq} is not supported: use DAILY, WEEKLY or MONTHLY`);

  let interval = 1;
  const intervalText = parts.get('INTERVAL');
  if (intervalText !== undefined) {
    interval = /^\d{1,4}$/.test(intervalText) ? Number(intervalText) : NaN;
    if (!(interval >= 1 && interval <= MAX_INTERVAL)) problems.push(`RRULE INTERVAL: ${JSON.stringify(intervalText)} is not a number from 1 to ${MAX_INTERVAL}`);
  }

  let byDay: ByDay[] | undefined;
  const byDayText = parts.get('BYDAY');
  if (byDayText !== undefined) {
    byDay = [];
    for (const item of byDayText.split(',')) {
      const m = /^([+-]?\d{1,2})?(SU|MO|TU|WE|TH|FR|SA)$/.exec(item);
      const ordinal = m?.[1] === undefined ? undefined : Number(m[1]);
      if (!m || (ordinal !== undefined && (ordinal === 0 || Math.abs(ordinal) > 5))) {
        problems.push(`RRULE BYDAY: ${JSON.stringify(item)} is not a weekday (MO, TU, WE, TH, FR, SA, SU; with MONTHLY also 1SU … 5SU or -1SA … -5SA)`);
        continue;
      }
      if (ordinal !== undefined && freq !== 'MONTHLY') {
        problems.push(`RRULE BYDAY: ${item} has an ordinal, which only FREQ=MONTHLY takes`);
        continue;
      }
      byDay.push({ weekday: WEEKDAYS.indexOf(m[2] as (typeof WEEKDAYS)[number]), ...(ordinal !== undefined ? { ordinal } : {}) });
    }
  }
  const byMonthDayText = parts.get('BYMONTHDAY');
  const byMonthDay = byMonthDayText === undefined ? undefined : intList('BYMONTHDAY', byMonthDayText, -31, 31, problems, false);
  if (byMonthDay && freq === 'WEEKLY') problems.push('RRULE BYMONTHDAY cannot be used with FREQ=WEEKLY');
  const byHourText = parts.get('BYHOUR');
  const byHour = byHourText === undefined ? undefined : intList('BYHOUR', byHourText, 0, 23, problems);
  const byMinuteText = parts.get('BYMINUTE');
  const byMinute = byMinuteText === undefined ? undefined : intList('BYMINUTE', byMinuteText, 0, 59, problems);

  let wkst = 1;
  const wkstText = parts.get('WKST');
  if (wkstText !== undefined) {
    wkst = WEEKDAYS.indexOf(wkstText as (typeof WEEKDAYS)[number]);
    if (wkst < 0) problems.push(`RRULE WKST: ${JSON.stringify(wkstText)} is not a weekday (MO … SU)`);
  }

  let count: number | undefined;
  const countText = parts.get('COUNT');
  if (countText !== undefined) {
    count = /^\d{1,6}$/.test(countText) ? Number(countText) : NaN;
    if (!(count >= 1 && count <= MAX_COUNT)) problems.push(`RRULE COUNT: ${JSON.stringify(countText)} is not a number from 1 to ${MAX_COUNT}`);
  }
  let until: ParsedRule['until'];
  const untilText = parts.get('UNTIL');
  if (untilText !== undefined) {
    const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/.exec(untilText);
    const [y, mo, d] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
    const [h, mi, s] = m?.[4] !== undefined ? [Number(m[4]), Number(m[5]), Number(m[6])] : [23, 59, 59];
    if (!m || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) {
      problems.push(`RRULE UNTIL: ${JSON.stringify(untilText)} is not a date (YYYYMMDD, YYYYMMDDTHHMMSS local or YYYYMMDDTHHMMSSZ UTC)`);
    } else {
      const ms = Date.UTC(y, mo - 1, d, h, mi, s);
      until = m[7] === 'Z' ? { utc: ms } : { local: ms };
    }
  }
  if (count !== undefined && until !== undefined) problems.push('RRULE takes COUNT or UNTIL, not both');
  if (problems.length > before || freq === undefined) return undefined;
  return { freq: freq as ParsedRule['freq'], interval, byDay, byMonthDay, byHour, byMinute, wkst, count, until };
}

/** Whether `day` is one of the month days in `list` (negative: from the month's end). */
function monthDayMatches(list: readonly number[], ymd: Ymd): boolean {
  const last = daysInMonth(ymd.year, ymd.month);
  return list.some((n) => (n > 0 ? n === ymd.day : last + n + 1 === ymd.day));
}

function byDayMatches(list: readonly ByDay[], day: number, ymd: Ymd): boolean {
  const weekday = weekdayOf(day);
  return list.some((b) => {
    if (b.weekday !== weekday) return false;
    if (b.ordinal === undefined) return true;
    if (b.ordinal > 0) return Math.ceil(ymd.day / 7) === b.ordinal;
    return Math.ceil((daysInMonth(ymd.year, ymd.month) - ymd.day + 1) / 7) === -b.ordinal;
  });
}

const cartesianTimes = (hours: readonly number[], minutes: readonly number[]): number[] =>
  hours.flatMap((h) => minutes.map((m) => h * 60 + m)).sort((a, b) => a - b);

function compileRrule(rule: ParsedRule, dtstartLocal: number | undefined, timeZone: string, problems: string[]): Compiled | undefined {
  if (rule.interval > 1 && dtstartLocal === undefined) problems.push('RRULE INTERVAL above 1 needs a dtstart: it says which period counts first');
  if (rule.count !== undefined && dtstartLocal === undefined) problems.push('RRULE COUNT needs a dtstart: it says where counting starts');
  const dtDay = dtstartLocal === undefined ? undefined : Math.floor(dtstartLocal / DAY);
  const dtMinute = dtstartLocal === undefined || dtDay === undefined ? undefined : (dtstartLocal - dtDay * DAY) / MINUTE;
  const hours = rule.byHour ?? (dtMinute === undefined ? undefined : [Math.floor(dtMinute / 60)]);
  if (hours === undefined) problems.push('RRULE has no time of day: give BYHOUR (and BYMINUTE) or a dtstart');
  const minutes = rule.byMinute ?? (dtMinute === undefined ? [0] : [dtMinute % 60]);
  let byDay = rule.byDay;
  let byMonthDay = rule.byMonthDay;
  if (rule.freq === 'WEEKLY' && byDay === undefined) {
    if (dtDay === undefined) problems.push('RRULE FREQ=WEEKLY needs BYDAY or a dtstart (its weekday)');
    else byDay = [{ weekday: weekdayOf(dtDay) }];
  }
  if (rule.freq === 'MONTHLY' && byDay === undefined && byMonthDay === undefined) {
    if (dtDay === undefined) problems.push('RRULE FREQ=MONTHLY needs BYDAY, BYMONTHDAY or a dtstart (its day of the month)');
    else byMonthDay = [ymdOf(dtDay).day];
  }
  if (problems.length > 0 || hours === undefined) return undefined;

  const anchor = dtDay ?? 0;
  const weekStart = (day: number) => day - ((weekdayOf(day) - rule.wkst + 7) % 7);
  const skipTo = (day: number): number => {
    if (rule.interval === 1) return day;
    if (rule.freq === 'DAILY') return day + ((rule.interval - ((day - anchor) % rule.interval)) % rule.interval);
    if (rule.freq === 'WEEKLY') {
      const weeks = (weekStart(day) - weekStart(anchor)) / 7;
      const off = weeks % rule.interval;
      return off === 0 ? day : weekStart(day) + 7 * (rule.interval - off);
    }
    const ymd = ymdOf(day);
    const off = (monthIndex(ymd) - monthIndex(ymdOf(anchor))) % rule.interval;
    if (off === 0) return day;
    const target = monthIndex(ymd) + rule.interval - off;
    return dayOf(Math.floor(target / 12), (target % 12) + 1, 1);
  };
  const matches = (day: number): boolean => {
    const ymd = ymdOf(day);
    if (byMonthDay && !monthDayMatches(byMonthDay, ymd)) return false;
    if (byDay && !byDayMatches(byDay, day, ymd)) return false;
    return true;
  };
  let untilUtc = Infinity;
  if (rule.until) untilUtc = 'utc' in rule.until ? rule.until.utc : localToUtc(timeZone, rule.until.local);
  return {
    times: cartesianTimes(hours, minutes),
    firstDay: dtDay ?? -Infinity,
    notBeforeLocal: dtstartLocal ?? -Infinity,
    lastDay: Number.isFinite(untilUtc) ? Math.floor(toLocal(timeZone, untilUtc) / DAY) + 1 : Infinity,
    untilUtc,
    count: rule.count,
    skipTo,
    matches,
  };
}

// cron ------------------------------------------------------------------------------------------

interface CronField {
  label: string;
  min: number;
  max: number;
  names?: readonly string[];
  namesFrom?: number;
}

const CRON_FIELDS: readonly CronField[] = [
  { label: 'minute', min: 0, max: 59 },
  { label: 'hour', min: 0, max: 23 },
  { label: 'day-of-month', min: 1, max: 31 },
  { label: 'month', min: 1, max: 12, names: MONTHS, namesFrom: 1 },
  { label: 'day-of-week', min: 0, max: 7, names: CRON_DAYS, namesFrom: 0 },
];

function parseCronField(field: CronField, text: string, problems: string[]): Set<number> | undefined {
  const values = new Set<number>();
  const value = (token: string): number => {
    const upper = token.toUpperCase();
    const named = field.names?.indexOf(upper) ?? -1;
    if (named >= 0) return named + (field.namesFrom ?? 0);
    return /^\d{1,2}$/.test(token) ? Number(token) : NaN;
  };
  for (const item of text.split(',')) {
    const m = /^(\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d{1,2}))?$/.exec(item);
    if (!m) {
      problems.push(`cron ${field.label}: ${JSON.stringify(item)} is not a value, range (a-b), step (*/n, a-b/n) or *`);
      return undefined;
    }
    const [range = '', stepText] = [m[1], m[2]];
    const step = stepText === undefined ? 1 : Number(stepText);
    let lo = field.min;
    let hi = field.max === 7 ? 6 : field.max;
    if (range !== '*') {
      const [a = '', b] = range.split('-');
      lo = value(a);
      hi = b === undefined ? (stepText === undefined ? lo : field.max) : value(b);
    }
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < field.min || hi > field.max || lo > hi || step < 1) {
      problems.push(`cron ${field.label}: ${JSON.stringify(item)} is out of range ${field.min}-${field.max}${step < 1 ? ' or has a zero step' : ''}`);
      return undefined;
    }
    for (let v = lo; v <= hi; v += step) values.add(field.max === 7 && v === 7 ? 0 : v);
  }
  return values;
}

function compileCron(text: string, problems: string[]): Compiled | undefined {
  const fields = text.trim().split(/\s+/);
  if (fields.length !== 5) {
    problems.push(`cron has ${fields.length} field(s): netswim takes 5 (minute hour day-of-month month day-of-week), no seconds or years`);
    return undefined;
  }
  const sets = CRON_FIELDS.map((f, i) => parseCronField(f, fields[i] ?? '', problems));
  const [minutes, hours, monthDays, months, weekdays] = sets;
  if (!minutes || !hours || !monthDays || !months || !weekdays) return undefined;
  const domStar = fields[2]!.startsWith('*');
  const dowStar = fields[4]!.startsWith('*');
  const skipTo = (day: number): number => {
    const ymd = ymdOf(day);
    if (months.has(ymd.month)) return day;
    return ymd.month === 12 ? dayOf(ymd.year + 1, 1, 1) : dayOf(ymd.year, ymd.month + 1, 1);
  };
  const matches = (day: number): boolean => {
    const ymd = ymdOf(day);
    const dom = monthDays.has(ymd.day);
    const dow = weekdays.has(weekdayOf(day));
    return domStar || dowStar ? dom && dow : dom || dow;
  };
  return {
    times: cartesianTimes([...hours], [...minutes]),
    firstDay: -Infinity,
    notBeforeLocal: -Infinity,
    lastDay: Infinity,
    untilUtc: Infinity,
    count: undefined,
    skipTo,
    matches,
  };
}

function compileOnce(startLocal: number): Compiled {
  const day = Math.floor(startLocal / DAY);
  return {
    times: [(startLocal - day * DAY) / MINUTE],
    firstDay: day,
    notBeforeLocal: startLocal,
    lastDay: day,
    untilUtc: Infinity,
    count: 1,
    skipTo: (d) => d,
    matches: (d) => d === day,
  };
}

/** Compiles a schedule; problems say what is wrong. */
function compile(window: MaintenanceWindow, problems: string[]): Compiled | undefined {
  if ('once' in window) {
    const start = parseLocal(window.once.start);
    if (start === undefined) {
      problems.push(`once.start: ${JSON.stringify(window.once.start)} is not a local time 'YYYY-MM-DDTHH:MM' (e.g. 2026-11-22T02:00)`);
      return undefined;
    }
    return compileOnce(start);
  }
  if ('rrule' in window) {
    let dtstart: number | undefined;
    if (window.dtstart !== undefined) {
      dtstart = parseLocal(window.dtstart);
      if (dtstart === undefined) problems.push(`dtstart: ${JSON.stringify(window.dtstart)} is not a local time 'YYYY-MM-DDTHH:MM' (e.g. 2026-01-03T02:00)`);
    }
    const rule = parseRrule(window.rrule, problems);
    if (!rule || problems.length > 0) return undefined;
    return compileRrule(rule, dtstart, window.timeZone, problems);
  }
  return compileCron(window.cron, problems);
}

const compiledCache = new WeakMap<MaintenanceWindow, Compiled>();

function compiled(window: MaintenanceWindow): Compiled {
  let c = compiledCache.get(window);
  if (!c) {
    const problems: string[] = [];
    c = compile(window, problems);
    if (!c) throw new Error(`maintenance window ${window.name} is not valid: ${problems.join('; ')}`);
    compiledCache.set(window, c);
  }
  return c;
}

/** Occurrences in start order, from the first that may still be open at `fromMs` (or from the start with COUNT). */
function* occurrences(window: MaintenanceWindow, fromMs: number): Generator<Occurrence> {
  const c = compiled(window);
  const durationMs = window.duration * MINUTE;
  const fromDay = Math.floor(toLocal(window.timeZone, fromMs - durationMs) / DAY) - 2;
  let day = c.count !== undefined ? c.firstDay : Math.max(c.firstDay, fromDay);
  const horizon = Math.max(day, fromDay) + HORIZON_DAYS;
  let produced = 0;
  let previous = -Infinity;
  while (day <= horizon && day <= c.lastDay) {
    const next = c.skipTo(day);
    if (next !== day) {
      day = next;
      continue;
    }
    if (c.matches(day)) {
      const starts = c.times
        .map((minute) => day * DAY + minute * MINUTE)
        .filter((local) => local >= c.notBeforeLocal)
        .map((local) => localToUtc(window.timeZone, local))
        .sort((a, b) => a - b);
      for (const startMs of starts) {
        if (startMs > c.untilUtc) return;
        if (startMs === previous) continue;
        if (c.count !== undefined && produced >= c.count) return;
        produced++;
        previous = startMs;
        yield { startMs, endMs: startMs + durationMs };
      }
    }
    day++;
  }
}

// --- the API ---------------------------------------------------------------------------------

/** Checks a window from outside (API body, stored record); every problem is named. */
export function validateWindow(input: unknown): WindowValidation {
  const problems: string[] = [];
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { ok: false, problems: ['a window is a JSON object'] };
  const raw = input as Record<string, unknown>;
  const known = ['name', 'timeZone', 'duration', 'once', 'rrule', 'dtstart', 'cron'];
  for (const key of Object.keys(raw)) if (!known.includes(key)) problems.push(`unknown field ${key} (a window has ${known.join(', ')})`);
  const { name, timeZone, duration } = raw;
  if (typeof name !== 'string' || !WINDOW_NAME.test(name)) problems.push('name: letters, digits, . _ and -, up to 64 characters, starting with a letter or digit');
  if (typeof timeZone !== 'string') problems.push('timeZone: an IANA time zone such as Europe/Paris is required');
  else if (!isTimeZone(timeZone)) problems.push(`timeZone: unknown time zone ${JSON.stringify(timeZone)} (use an IANA name such as Europe/Paris, America/New_York or UTC)`);
  if (typeof duration !== 'number' || !Number.isInteger(duration) || duration < 1 || duration > MAX_DURATION_MINUTES) {
    problems.push(`duration: whole minutes from 1 to ${MAX_DURATION_MINUTES} (a week), not ${JSON.stringify(duration)}`);
  }
  const kinds = (['once', 'rrule', 'cron'] as const).filter((k) => raw[k] !== undefined);
  if (kinds.length !== 1) problems.push(`give exactly one of once, rrule or cron${kinds.length > 1 ? ` (got ${kinds.join(' and ')})` : ''}`);
  if (raw.dtstart !== undefined && raw.rrule === undefined) problems.push('dtstart goes only with rrule');
  if (raw.dtstart !== undefined && typeof raw.dtstart !== 'string') problems.push("dtstart: a local time 'YYYY-MM-DDTHH:MM'");
  let schedule: WindowSchedule | undefined;
  if (kinds.length === 1) {
    const kind = kinds[0];
    if (kind === 'once') {
      const once = raw.once as Record<string, unknown> | null;
      if (typeof once !== 'object' || once === null || typeof once.start !== 'string' || Object.keys(once).length !== 1) {
        problems.push("once: {start: 'YYYY-MM-DDTHH:MM'} (local time in the window's time zone)");
      } else schedule = { once: { start: once.start } };
    } else if (kind === 'rrule') {
      if (typeof raw.rrule !== 'string' || raw.rrule.length === 0 || raw.rrule.length > 500) problems.push("rrule: a string such as 'FREQ=WEEKLY;BYDAY=SA;BYHOUR=2;BYMINUTE=0'");
      else if (raw.dtstart === undefined || typeof raw.dtstart === 'string') {
        schedule = { rrule: raw.rrule, ...(typeof raw.dtstart === 'string' ? { dtstart: raw.dtstart } : {}) };
      }
    } else if (typeof raw.cron !== 'string' || raw.cron.length === 0 || raw.cron.length > 200) {
      problems.push("cron: a string such as '0 2 * * 6' (minute hour day-of-month month day-of-week)");
    } else schedule = { cron: raw.cron };
  }
  if (!schedule) return { ok: false, problems: problems.length > 0 ? problems : ['not a window'] };
  // The schedule is checked even when other fields are wrong, so that every problem is named.
  const zone = typeof timeZone === 'string' && isTimeZone(timeZone) ? timeZone : 'UTC';
  const window = { name, timeZone: zone, duration, ...schedule } as MaintenanceWindow;
  const scheduleProblems: string[] = [];
  const c = compile(window, scheduleProblems);
  problems.push(...scheduleProblems);
  if (!c || problems.length > 0) return { ok: false, problems };
  compiledCache.set(window, c);
  // A rule that never produces an occurrence is a mistake (e.g. BYMONTHDAY=30 in February only).
  const firstFrom = Number.isFinite(c.firstDay) ? localToUtc(window.timeZone, c.firstDay * DAY) : 0;
  if (occurrences(window, firstFrom).next().done) {
    problems.push(`the schedule never opens${'once' in window ? '' : ' (no occurrence in 400 years, or none before UNTIL)'}`);
    return { ok: false, problems };
  }
  return { ok: true, window };
}

/** The occurrence open at `instantMs` (start ≤ instant < end), or undefined. */
export function windowAt(window: MaintenanceWindow, instantMs: number): Occurrence | undefined {
  const next = nextWindow(window, instantMs);
  return next && next.startMs <= instantMs ? next : undefined;
}

/** The occurrence open at `fromMs`, else the next one to open; undefined when none remain. */
export function nextWindow(window: MaintenanceWindow, fromMs: number): Occurrence | undefined {
  for (const o of occurrences(window, fromMs)) if (o.endMs > fromMs) return o;
  return undefined;
}

/** Up to `limit` occurrences, from the one open at `fromMs` (or the next). */
export function upcomingWindows(window: MaintenanceWindow, fromMs: number, limit: number): Occurrence[] {
  const out: Occurrence[] = [];
  if (limit <= 0) return out;
  for (const o of occurrences(window, fromMs)) {
    if (o.endMs <= fromMs) continue;
    out.push(o);
    if (out.length >= limit) break;
  }
  return out;
}

function durationText(minutes: number): string {
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  return [d && `${d} d`, h && `${h} h`, m && `${m} min`].filter(Boolean).join(' ');
}

const ordinalText = (n: number): string => (n === -1 ? 'last' : n < 0 ? `${['', '', 'second-to-last', 'third-to-last', 'fourth-to-last', 'fifth-to-last'][-n]}` : ['', 'first', 'second', 'third', 'fourth', 'fifth'][n] ?? `${n}th`);
const monthDayText = (n: number): string => (n === -1 ? 'the last day' : n < 0 ? `day ${n} (from the end)` : `day ${n}`);
const list = (items: string[]): string => (items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`);

function describeRrule(rule: ParsedRule, dtstart: string | undefined): string {
  const unit = { DAILY: 'day', WEEKLY: 'week', MONTHLY: 'month' }[rule.freq];
  const parts = [rule.interval === 1 ? `every ${unit}` : `every ${rule.interval} ${unit}s`];
  if (rule.byDay) {
    const days = rule.byDay.map((b) => (b.ordinal === undefined ? WEEKDAY_NAMES[b.weekday]! : `the ${ordinalText(b.ordinal)} ${WEEKDAY_NAMES[b.weekday]}`));
    parts.push(`on ${list(days)}`);
  }
  if (rule.byMonthDay) parts.push(`${rule.byDay ? 'when it is' : 'on'} ${list(rule.byMonthDay.map(monthDayText))}`);
  const dtMinute = dtstart === undefined ? undefined : (parseLocal(dtstart) ?? 0) % DAY / MINUTE;
  const hours = rule.byHour ?? (dtMinute === undefined ? [] : [Math.floor(dtMinute / 60)]);
  const minutes = rule.byMinute ?? (dtMinute === undefined ? [0] : [dtMinute % 60]);
  parts.push(`at ${list(cartesianTimes(hours, minutes).map(hhmm))}`);
  if (dtstart !== undefined) parts.push(`from ${dtstart.replace('T', ' ')}`);
  if (rule.count !== undefined) parts.push(`${rule.count} time${rule.count === 1 ? '' : 's'}`);
  if (rule.until) parts.push(`until ${'utc' in rule.until ? `${new Date(rule.until.utc).toISOString().slice(0, 16).replace('T', ' ')} UTC` : formatLocalMs(rule.until.local)}`);
  return parts.join(' ');
}

/** One line for people, e.g. "weekend: every week on Saturday and Sunday at 02:00, 4 h (Europe/Paris)". */
export function describeWindow(window: MaintenanceWindow): string {
  let schedule: string;
  if ('once' in window) schedule = `once on ${window.once.start.replace('T', ' ')}`;
  else if ('rrule' in window) {
    const rule = parseRrule(window.rrule, []);
    schedule = rule ? describeRrule(rule, window.dtstart) : `RRULE ${window.rrule}`;
  } else schedule = `cron "${window.cron.trim()}" (minute hour day-of-month month day-of-week)`;
  return `${window.name}: ${schedule}, ${durationText(window.duration)} (${window.timeZone})`;
}

/**
 * What a workflow about to activate should do at `nowMs`: go now when the open occurrence still
 * has `minimumMinutesLeft`, else wait for the next occurrence long enough (a durable timer until
 * `untilMs`), or give up when none remains.
 */
export function activationDecision(window: MaintenanceWindow, nowMs: number, minimumMinutesLeft: number): ActivationDecision {
  const needMs = Math.max(0, minimumMinutesLeft) * MINUTE;
  const at = (ms: number) => `${formatLocal(window.timeZone, ms)} ${window.timeZone} (${new Date(ms).toISOString()})`;
  if (window.duration * MINUTE < needMs) {
    return { kind: 'none-left', reason: `window ${window.name} lasts ${durationText(window.duration)}, less than the ${durationText(minimumMinutesLeft)} activation needs` };
  }
  let shortOne: Occurrence | undefined;
  for (const o of occurrences(window, nowMs)) {
    if (o.endMs <= nowMs) continue;
    if (o.startMs <= nowMs) {
      if (o.endMs - nowMs >= needMs) return { kind: 'open-now', startMs: o.startMs, endMs: o.endMs };
      shortOne ??= o;
      continue;
    }
    const reason = shortOne
      ? `window ${window.name} closes at ${at(shortOne.endMs)}, less than ${durationText(minimumMinutesLeft)} from now: waiting for the next one at ${at(o.startMs)}`
      : `window ${window.name} opens at ${at(o.startMs)}`;
    return { kind: 'wait', untilMs: o.startMs, endMs: o.endMs, reason };
  }
  return {
    kind: 'none-left',
    reason: shortOne
      ? `window ${window.name} closes at ${at(shortOne.endMs)}, less than ${durationText(minimumMinutesLeft)} from now, and has no later occurrence`
      : `window ${window.name} has no occurrence left after ${at(nowMs)}`,
  };
}
