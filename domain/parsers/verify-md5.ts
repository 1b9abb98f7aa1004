// Parser for `verify /md5 <fs>:<file>`.
import { DeviceOutputError } from './parse-error.ts';

export function parseVerifyMd5(output: string): string {
  const match = /verify \/md5 \([^)]*\)\s*=\s*([0-9a-fA-F]{32})/.exec(output);
  if (!match?.[1]) throw new DeviceOutputError('verify /md5', 'no "verify /md5 (...) = <md5>" line', output);
  return match[1].toLowerCase();
}
