// The contract every command implements, and what a running command gets.
import type { ApiClient } from './client.ts';
import type { Style } from './format.ts';

export interface OptionSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
  /** Checked by the parser: missing → usage error. */
  required?: boolean;
  /** Placeholder in usage, e.g. `a,b` for --families a,b. */
  value?: string;
  help: string;
}

export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface CommandContext {
  client: ApiClient;
  args: string[];
  options: OptionValues;
  /** --json: print the API's JSON answer as it is, for scripts. */
  json: boolean;
  /** Writes one line (or block) to stdout. */
  print(text: string): void;
  /** Writes one line to stderr. */
  note(text: string): void;
  style: Style;
}

export interface Command {
  /** e.g. ['images', 'upload']. */
  path: string[];
  /** Positional arguments for usage: `<file>` required, `[x]` optional. */
  args?: string[];
  options?: Record<string, OptionSpec>;
  summary: string;
  /** Resolves to the exit code (0 when omitted). */
  run(ctx: CommandContext): Promise<number | void>;
}

/** A bad command line: usage (of `topic`'s group when known) and exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly topic?: string,
  ) {
    super(message);
  }
}

/** Something the user asked for cannot be done: printed as `netswim: <message>`, exit code 1. */
export class CliError extends Error {}

export function stringOption(options: OptionValues, name: string): string | undefined {
  const value = options[name];
  return typeof value === 'string' ? value : undefined;
}

export function listOption(options: OptionValues, name: string): string[] {
  const value = options[name];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? [value] : [];
}

/** `path?name=value&…` of the string options given (those not given are left out). */
export function withQuery(path: string, options: OptionValues, names: readonly string[]): string {
  const query = new URLSearchParams();
  for (const name of names) {
    const value = stringOption(options, name);
    if (value !== undefined) query.set(name, value);
  }
  return query.size > 0 ? `${path}?${query.toString()}` : path;
}

/** `a,b, c` → ['a', 'b', 'c']; an empty string → []. */
export const commaList = (value: string): string[] => value.split(',').map((v) => v.trim()).filter(Boolean);

export const flag = (options: OptionValues, name: string): boolean => options[name] === true;

/** --json output: the API's answer, indented. */
export const printJson = (ctx: CommandContext, value: unknown): void => ctx.print(JSON.stringify(value, null, 2));
