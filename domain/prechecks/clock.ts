// NTP clock precheck: the device clock against netswim's, and the device's NTP state.
import { DeviceOutputError } from '../parsers/parse-error.ts';
import { rejectedCommand, result, type CommandOutput, type PrecheckResult } from './types.ts';

/**
 * Skew thresholds. netswim reads `show clock` over SSH, so a healthy device still looks off by
 * the command's round trip (typically well under a second, a few seconds on a slow, busy box):
 * below 5 s is noise. Above 5 s NTP is not doing its job and device logs no longer line up with
 * netswim's events — worth a warning, not a stop. At 5 minutes things break: it is the usual
 * tolerance of time-based authentication (Kerberos' default, TOTP windows, TACACS+/RADIUS
 * servers that reject stale requests), and a clock that far off is likely hours or days off,
 * which makes TLS reject certificates as not yet valid or expired — the HTTPS image copy fails.
 */
export const CLOCK_SKEW_WARN_SECONDS = 5;
export const CLOCK_SKEW_FAIL_SECONDS = 300;

/** Offsets of the zone names devices commonly print (`clock timezone PST -8`); others: unknown. */
export const TIMEZONE_OFFSET_MINUTES: Readonly<Record<string, number>> = {
  UTC: 0,
  GMT: 0,
  Z: 0,
  WET: 0,
  BST: 60,
  WEST: 60,
  CET: 60,
  CEST: 120,
  MET: 60,
  MEST: 120,
  EET: 120,
  EEST: 180,
  MSK: 180,
  IST: 330,
  SGT: 480,
  HKT: 480,
  JST: 540,
  KST: 540,
  AEST: 600,
  AEDT: 660,
  NZST: 720,
  NZDT: 780,
  EST: -300,
  EDT: -240,
  CST: -360,
  CDT: -300,
  MST: -420,
  MDT: -360,
  PST: -480,
  PDT: -420,
  AKST: -540,
  AKDT: -480,
  HST: -600,
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export interface DeviceClock {
  /** The instant the device printed; undefined when its zone's offset is unknown. */
  time?: Date;
  /** Wall-clock fields as printed, read as if they were UTC (useful with a known offset). */
  wallClockMs: number;
  timezone: string;
  /**
   * IOS marks the time: `*` not authoritative (never set or set by hand without NTP), `.` was
   * authoritative but NTP lost synchronization, nothing: authoritative.
   */
  flag: '*' | '.' | '';
  /** NX-OS (and `show clock detail`) print `Time source is NTP` / `... is none`. */
  timeSource?: string;
}

/**
 * `show clock` on IOS/IOS-XE (`*10:15:02.123 UTC Sat Nov 21 2026`, also `.` or no flag) and
 * NX-OS (`10:15:02.123 UTC Sat Nov 21 2026` + `Time source is NTP`). Undefined when no line
 * matches. `utcOffsetMinutes` overrides the zone table (for zone names it does not know).
 */
export function parseShowClock(output: string, utcOffsetMinutes?: number): DeviceClock | undefined {
  const m =
    /^\s*([*.]?)\s*(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?\s+([A-Za-z][\w+-]*)\s+(?:[A-Z][a-z]{2}\s+)?([A-Z][a-z]{2})\s+(\d{1,2})\s+(\d{4})\s*$/m.exec(
      output,
    );
  if (!m) return undefined;
  const [, flag = '', hh, mm, ss, frac = '0', timezone = 'UTC', monthName = '', dd, yyyy] = m;
  const month = MONTHS.indexOf(monthName);
  if (month < 0) return undefined;
  const ms = Math.round(Number(`0.${frac}`) * 1000);
  const wallClockMs = Date.UTC(Number(yyyy), month, Number(dd), Number(hh), Number(mm), Number(ss), ms);
  const offset = utcOffsetMinutes ?? TIMEZONE_OFFSET_MINUTES[timezone.toUpperCase()];
  const clock: DeviceClock = { wallClockMs, timezone, flag: flag === '*' || flag === '.' ? flag : '' };
  if (offset !== undefined) clock.time = new Date(wallClockMs - offset * 60_000);
  const source = /Time source is\s+([^,\r\n]+)/i.exec(output)?.[1]?.trim();
  if (source) clock.timeSource = source;
  return clock;
}

export interface NtpStatus {
  /** undefined: the output says neither (e.g. NX-OS without a sync line). */
  synchronized?: boolean;
  stratum?: number;
  reference?: string;
  offsetMs?: number;
}

/**
 * `show ntp status` (IOS, IOS-XE: `Clock is synchronized, stratum 3, reference is 10.0.0.1`;
 * NX-OS variants in lower case) and `show ntp peer-status` (a `*` peer means synchronized).
 * Throws DeviceOutputError naming a `Clock is …` line it cannot read.
 */
export function parseNtpStatus(output: string): NtpStatus {
  const status: NtpStatus = {};
  const sync = /clock is (synchronized|unsynchronized)(?:,\s*stratum\s+(\d+))?(?:,\s*reference is\s+(\S+))?/i.exec(output);
  if (sync) {
    status.synchronized = sync[1]?.toLowerCase() === 'synchronized';
    if (sync[2]) status.stratum = Number(sync[2]);
    if (sync[3]) status.reference = sync[3];
  } else if (/^\s*\*\s*\d+\.\d+\.\d+\.\d+/m.test(output)) {
    status.synchronized = true;
  } else {
    // A `Clock is …` line in a shape this parser does not know: refused, never taken as "unknown".
    const line = /^\s*clock is\b.*$/im.exec(output)?.[0];
    if (line) throw new DeviceOutputError('show ntp status', `cannot read line ${JSON.stringify(line.trim())}`, output);
  }
  const offset = /(?:clock )?offset(?: is)?\s+(-?\d+(?:\.\d+)?)\s*(msec|ms)/i.exec(output);
  if (offset?.[1]) status.offsetMs = Number(offset[1]);
  return status;
}

export interface NtpClockInput {
  /** Output of `show clock`. */
  clock: CommandOutput;
  /** Output of `show ntp status` (omit when the platform has none). */
  ntp?: CommandOutput;
  /** netswim's clock when the activity read `show clock`. */
  netswimTime: Date;
  /** Offset of the device's zone when its name is not in TIMEZONE_OFFSET_MINUTES. */
  utcOffsetMinutes?: number;
}

const seconds = (s: number): string => (Math.abs(s) >= 10 ? `${Math.round(s)} s` : `${s.toFixed(1)} s`);

export function checkNtpClock(input: NtpClockInput): PrecheckResult {
  const parts = input.ntp ? [input.clock, input.ntp] : [input.clock];
  const rejected = rejectedCommand('ntp-clock', parts);
  if (rejected) return rejected;
  const clock = parseShowClock(input.clock.output, input.utcOffsetMinutes);
  if (!clock) return result('ntp-clock', 'fail', `cannot read the time in the "${input.clock.command}" output`, parts);
  let ntp: NtpStatus = {};
  try {
    if (input.ntp) ntp = parseNtpStatus(input.ntp.output);
  } catch (error) {
    if (!(error instanceof DeviceOutputError)) throw error;
    return result('ntp-clock', 'fail', `cannot read the "${input.ntp?.command ?? ''}" output: ${error.message}`, parts);
  }
  const ntpText =
    ntp.synchronized === true
      ? `NTP synchronized${ntp.reference ? ` to ${ntp.reference}` : ''}${ntp.stratum !== undefined ? ` (stratum ${ntp.stratum})` : ''}`
      : ntp.synchronized === false
        ? 'NTP unsynchronized'
        : clock.flag === '*'
          ? 'clock not set by NTP (`*`)'
          : clock.flag === '.'
            ? 'NTP lost synchronization (`.`)'
            : 'NTP state unknown';
  if (!clock.time) {
    return result(
      'ntp-clock',
      'warn',
      `cannot compare clocks: the device prints time zone "${clock.timezone}", whose UTC offset netswim does not know; ${ntpText}`,
      parts,
    );
  }
  const skew = (clock.time.getTime() - input.netswimTime.getTime()) / 1000;
  const direction = skew >= 0 ? 'ahead of' : 'behind';
  const skewText = `device clock ${seconds(Math.abs(skew))} ${direction} netswim`;
  if (Math.abs(skew) > CLOCK_SKEW_FAIL_SECONDS) {
    return result(
      'ntp-clock',
      'fail',
      `${skewText} (more than ${CLOCK_SKEW_FAIL_SECONDS} s: certificates and time-based authentication fail); ${ntpText}`,
      parts,
    );
  }
  const unsynced = ntp.synchronized === false || (ntp.synchronized === undefined && clock.flag !== '');
  if (Math.abs(skew) > CLOCK_SKEW_WARN_SECONDS || unsynced) {
    return result('ntp-clock', 'warn', `${skewText}; ${ntpText}`, parts);
  }
  return result('ntp-clock', 'pass', `${skewText}; ${ntpText}`, parts);
}
