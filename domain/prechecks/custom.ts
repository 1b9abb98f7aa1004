// Custom checks an operator manages through the API: read-only show commands netswim runs
// before and/or after a stage and records. The validator keeps anything that could change the
// device out: only `show …` commands, only filtering pipes.
import { isPrecheckName } from './types.ts';

export type CustomCheckWhen = 'pre' | 'post' | 'both';
export type CustomCheckStage = 'distribution' | 'activation' | 'both';

export interface CustomCheck {
  name: string;
  commands: string[];
  when: CustomCheckWhen;
  stage: CustomCheckStage;
  /** Platform series it applies to (e.g. `cat9300`); absent or empty: every device. */
  series?: string[];
}

export type CustomCheckValidation = { ok: true; check: CustomCheck } | { ok: false; problems: string[] };

export const CUSTOM_CHECK_LIMITS = { nameLength: 64, commands: 20, commandLength: 256, series: 50 } as const;

const WHEN: readonly CustomCheckWhen[] = ['pre', 'post', 'both'];
const STAGES: readonly CustomCheckStage[] = ['distribution', 'activation', 'both'];

/** Pipe filters that only narrow what a show command prints (IOS, IOS-XE, NX-OS). */
const ALLOWED_PIPES = new Set([
  'include', 'inc', 'incl', 'i',
  'exclude', 'exc', 'excl', 'ex', 'e',
  'begin', 'beg', 'b',
  'section', 'sec', 's',
  'count',
  'grep', 'egrep', 'head', 'tail', 'last', 'wc', 'sort', 'uniq', 'no-more',
  'json', 'json-pretty', 'xml',
]);

/** First words that change the device, with what they do (for the refusal reason). */
const CHANGING: Readonly<Record<string, string>> = {
  configure: 'enters configuration mode',
  conf: 'enters configuration mode',
  config: 'enters configuration mode',
  reload: 'reloads the device',
  write: 'writes or erases the configuration',
  wr: 'writes or erases the configuration',
  copy: 'copies files onto the device',
  delete: 'deletes files',
  del: 'deletes files',
  erase: 'erases a file system',
  format: 'formats a file system',
  squeeze: 'rewrites a file system',
  rename: 'renames files',
  mkdir: 'creates directories',
  rmdir: 'removes directories',
  install: 'installs or removes software',
  request: 'changes software or the platform',
  clear: 'clears counters, sessions or state',
  debug: 'turns on debugging, which can overload the device',
  undebug: 'changes debugging',
  boot: 'changes the boot settings',
  crypto: 'changes keys or certificates',
  license: 'changes licensing',
  terminal: 'changes the session settings netswim relies on',
  tclsh: 'runs scripts',
  run: 'runs a shell',
  guestshell: 'runs a shell',
  bash: 'runs a shell',
  send: 'sends messages to users',
  test: 'runs platform tests',
  ping: 'sends traffic',
  traceroute: 'sends traffic',
};

/** Why a custom check command is refused, or undefined when it is an allowed read-only show command. */
export function refuseCommand(command: string): string | undefined {
  if (command.trim() === '') return 'empty command';
  if (command.length > CUSTOM_CHECK_LIMITS.commandLength) return `longer than ${CUSTOM_CHECK_LIMITS.commandLength} characters`;
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(command)) return 'contains a line break or control character (one command per entry)';
  if (command.includes(';')) return 'contains ";" (one command per entry)';
  const text = command.trim();
  const first = (text.split(/\s+/)[0] ?? '').toLowerCase();
  if (first !== 'show') {
    if (CHANGING[first]) return `"${first}" ${CHANGING[first]}; custom checks may only run read-only "show ..." commands`;
    if (/^sh(o|ow?)?$/.test(first)) return `write "show" in full (got "${first}")`;
    return `only read-only "show ..." commands are allowed (got "${first}")`;
  }
  if (/^show\s*(\||$)/i.test(text)) return '"show" needs something to show';
  if (/>/.test(text)) return 'contains ">" (output redirection writes files)';
  const pipes = text.split('|').slice(1);
  for (const pipe of pipes) {
    const modifier = (pipe.trim().split(/\s+/)[0] ?? '').toLowerCase();
    if (!ALLOWED_PIPES.has(modifier)) {
      return modifier === ''
        ? 'empty pipe "|"'
        : `pipe "| ${modifier}" is not allowed (only filters: include, exclude, begin, section, count, grep, head, tail, json, …)`;
    }
  }
  return undefined;
}

const isString = (v: unknown): v is string => typeof v === 'string';

/** Checks a custom check as it arrives from the API (any JSON) and returns it trimmed, or the problems. */
export function validateCustomCheck(input: unknown): CustomCheckValidation {
  const problems: string[] = [];
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { ok: false, problems: ['a custom check must be an object'] };
  const raw = input as Record<string, unknown>;

  const name = isString(raw.name) ? raw.name.trim() : '';
  if (!isString(raw.name) || name === '') problems.push('name: required');
  else if (name.length > CUSTOM_CHECK_LIMITS.nameLength) problems.push(`name: at most ${CUSTOM_CHECK_LIMITS.nameLength} characters`);
  else if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) problems.push('name: letters, digits, ".", "_" and "-" only, starting with a letter or digit');
  else if (isPrecheckName(name.toLowerCase())) problems.push(`name: "${name}" is a built-in precheck`);

  const commands: string[] = [];
  if (!Array.isArray(raw.commands) || raw.commands.length === 0) problems.push('commands: at least one command');
  else if (raw.commands.length > CUSTOM_CHECK_LIMITS.commands) problems.push(`commands: at most ${CUSTOM_CHECK_LIMITS.commands}`);
  else {
    raw.commands.forEach((c: unknown, i) => {
      if (!isString(c)) {
        problems.push(`commands[${i}]: must be a string`);
        return;
      }
      const refusal = refuseCommand(c);
      if (refusal) problems.push(`commands[${i}] "${c.trim()}": ${refusal}`);
      else commands.push(c.trim().replace(/\s+/g, ' '));
    });
  }

  const when = raw.when;
  if (!isString(when) || !(WHEN as readonly string[]).includes(when)) problems.push('when: one of pre, post, both');
  const stage = raw.stage;
  if (!isString(stage) || !(STAGES as readonly string[]).includes(stage)) problems.push('stage: one of distribution, activation, both');

  let series: string[] | undefined;
  if (raw.series !== undefined) {
    if (!Array.isArray(raw.series) || !raw.series.every(isString) || raw.series.some((s) => s.trim() === '')) {
      problems.push('series: a list of non-empty names');
    } else if (raw.series.length > CUSTOM_CHECK_LIMITS.series) {
      problems.push(`series: at most ${CUSTOM_CHECK_LIMITS.series}`);
    } else {
      series = [...new Set(raw.series.map((s) => s.trim()))];
    }
  }

  if (problems.length > 0) return { ok: false, problems };
  const check: CustomCheck = { name, commands, when: when as CustomCheckWhen, stage: stage as CustomCheckStage };
  if (series && series.length > 0) check.series = series;
  return { ok: true, check };
}

export interface CustomCheckContext {
  phase: 'pre' | 'post';
  stage: 'distribution' | 'activation';
  /** The device's platform series; checks limited to series never apply when it is unknown. */
  series?: string;
}

/** The custom checks to run at this point, in the order given. Series compare case-insensitively. */
export function customChecksFor(checks: readonly CustomCheck[], context: CustomCheckContext): CustomCheck[] {
  const series = context.series?.toLowerCase();
  return checks.filter((c) => {
    if (c.when !== 'both' && c.when !== context.phase) return false;
    if (c.stage !== 'both' && c.stage !== context.stage) return false;
    if (!c.series || c.series.length === 0) return true;
    return series !== undefined && c.series.some((s) => s.toLowerCase() === series);
  });
}
