// Parsers for CPU load: `show processes cpu` (IOS, IOS-XE, NX-OS; usually `| include CPU
// utilization`) and NX-OS `show system resources`.
import { DeviceOutputError } from './parse-error.ts';

export interface CpuUtilization {
  /** Busy percent over the last five seconds (NX-OS `show system resources`: right now). */
  fiveSecondsPercent: number;
  /** Part of the five-second figure spent at interrupt level (IOS `3%/0%`). */
  interruptPercent?: number;
  oneMinutePercent?: number;
  fiveMinutesPercent?: number;
}

// `CPU utilization for five seconds: 3%/0%; one minute: 4%; five minutes: 4%`
const IOS_CPU =
  /CPU utilization for five seconds:\s*(\d+(?:\.\d+)?)%(?:\s*\/\s*(\d+(?:\.\d+)?)%)?;\s*one minute:\s*(\d+(?:\.\d+)?)%;\s*five minutes:\s*(\d+(?:\.\d+)?)%/i;
// NX-OS `show system resources`: `CPU states  :   5.00% user,   0.50% kernel,   94.50% idle`
// (the first such line is the whole system; `CPU0 states` lines follow per core).
const NXOS_STATES = /^\s*CPU states\s*:\s*(\d+(?:\.\d+)?)%\s*user,\s*(\d+(?:\.\d+)?)%\s*kernel,\s*(\d+(?:\.\d+)?)%\s*idle/im;
// NX-OS `show system resources` also prints `Load average:   1 minute: 0.29   5 minutes: 0.36 …`;
// load averages are run-queue lengths, not percents, so they are not used.

const round2 = (n: number): number => Math.round(n * 100) / 100;

export function parseProcessesCpu(output: string): CpuUtilization {
  const ios = IOS_CPU.exec(output);
  if (ios?.[1] && ios[3] && ios[4]) {
    return {
      fiveSecondsPercent: Number(ios[1]),
      ...(ios[2] ? { interruptPercent: Number(ios[2]) } : {}),
      oneMinutePercent: Number(ios[3]),
      fiveMinutesPercent: Number(ios[4]),
    };
  }
  const nx = NXOS_STATES.exec(output);
  if (nx?.[3]) {
    return { fiveSecondsPercent: round2(100 - Number(nx[3])) };
  }
  // A utilization line in a shape this parser does not know: refused with the line, never guessed.
  const line = /^.*(?:CPU utilization|CPU states).*$/im.exec(output)?.[0];
  if (line) throw new DeviceOutputError('show processes cpu', `cannot read line ${JSON.stringify(line.trim())}`, output);
  throw new DeviceOutputError('show processes cpu', 'no "CPU utilization" or "CPU states" line', output);
}
