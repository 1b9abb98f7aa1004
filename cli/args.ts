// The command line: which command, its positional arguments and options (node:util parseArgs),
// and the usage text generated from the command table.
import { parseArgs } from 'node:util';
import { UsageError, type Command, type OptionSpec, type OptionValues } from './command.ts';

export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  'api-url': { type: 'string', value: 'URL', help: `API base URL (env NETSWIM_API_URL, default http://127.0.0.1:8080)` },
  token: { type: 'string', value: 'TOKEN', help: 'API bearer token (env NETSWIM_API_TOKEN, default the file $NETSWIM_DATA_DIR/api-token, data/api-token)' },
  json: { type: 'boolean', help: "print the API's JSON answer instead of a table" },
  help: { type: 'boolean', help: 'show usage' },
};

export type Parsed =
  | { kind: 'help'; topic: string | undefined; requested: boolean }
  | { kind: 'run'; command: Command; args: string[]; options: OptionValues };

type ParseArgsOptions = Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>;

function toParseArgs(specs: Record<string, OptionSpec>): ParseArgsOptions {
  const out: ParseArgsOptions = {};
  for (const [name, spec] of Object.entries(specs)) out[name] = { type: spec.type, ...(spec.multiple ? { multiple: true } : {}), ...(name === 'help' ? { short: 'h' } : {}) };
  return out;
}

function strictParse(argv: string[], specs: Record<string, OptionSpec>, context: string): { values: OptionValues; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: toParseArgs(specs), strict: true, allowPositionals: true });
    return { values, positionals };
  } catch (error) {
    const message = (error as Error).message;
    const unknown = /Unknown option '([^']+)'/.exec(message);
    if (unknown) throw new UsageError(`unknown option ${unknown[1]}${context}`);
    const missing = /Option '([^']+?)(?: <value>)?' argument missing/.exec(message);
    if (missing) throw new UsageError(`option ${missing[1]} needs a value`);
    throw new UsageError(message.split('. ')[0] ?? message);
  }
}

export function parseCommandLine(argv: string[], commands: readonly Command[]): Parsed {
  // First pass: every option any command knows, to tell option values from the command words.
  const all: Record<string, OptionSpec> = { ...GLOBAL_OPTIONS };
  for (const command of commands) Object.assign(all, command.options);
  const first = strictParse(argv, all, '');
  const words = first.positionals;
  if (words[0] === 'help') return { kind: 'help', topic: words[1], requested: true };
  if (words.length === 0) return { kind: 'help', topic: undefined, requested: first.values.help === true };

  const matches = commands.filter((c) => c.path.every((part, i) => words[i] === part)).sort((a, b) => b.path.length - a.path.length);
  const command = matches[0];
  if (!command) {
    const group = commands.some((c) => c.path[0] === words[0]);
    if (first.values.help === true && group) return { kind: 'help', topic: words[0], requested: true };
    throw new UsageError(group ? `unknown command: ${words.slice(0, 2).join(' ')}` : `unknown command: ${words[0]}`, group ? words[0] : undefined);
  }
  if (first.values.help === true) return { kind: 'help', topic: command.path[0], requested: true };

  // Second pass: only the global options and this command's own.
  const name = command.path.join(' ');
  const { values, positionals } = strictParse(argv, { ...GLOBAL_OPTIONS, ...command.options }, ` for ${name}`);
  const args = positionals.slice(command.path.length);
  const declared = command.args ?? [];
  const required = declared.filter((a) => a.startsWith('<')).length;
  const variadic = declared.some((a) => a.endsWith('...]') || a.endsWith('...>'));
  if (args.length < required) throw new UsageError(`${name}: missing ${declared.slice(args.length, required).join(' ')}`, command.path[0]);
  if (!variadic && args.length > declared.length) throw new UsageError(`${name}: unexpected argument ${args[declared.length]}`, command.path[0]);
  for (const [option, spec] of Object.entries(command.options ?? {})) {
    if (spec.required && values[option] === undefined) throw new UsageError(`${name}: --${option} is required`, command.path[0]);
  }
  return { kind: 'run', command, args, options: values };
}

function synopsis(command: Command): string {
  const options = Object.entries(command.options ?? {}).map(([name, spec]) => {
    const text = `--${name}${spec.type === 'string' ? ` ${spec.value ?? 'X'}` : ''}`;
    return spec.required ? text : `[${text}]${spec.multiple ? '...' : ''}`;
  });
  return ['netswim', ...command.path, ...(command.args ?? []), ...options].join(' ');
}

/**
 * Usage for every command, or for one group (`images`, `sites`, …): in full for `help`, as the
 * bare synopses after a command-line error.
 */
export function usage(commands: readonly Command[], topic?: string, full = true): string {
  const group = topic !== undefined && commands.some((c) => c.path[0] === topic);
  const shown = group ? commands.filter((c) => c.path[0] === topic) : commands;
  if (!full) {
    return ['usage:', ...shown.map((c) => `  ${synopsis(c)}`), `\`netswim help${group ? ` ${topic}` : ''}\` explains each command and option.`].join('\n');
  }
  const lines = ['usage: netswim <command> [options]', '', 'commands:'];
  for (const command of shown) {
    lines.push(`  ${synopsis(command)}`, `      ${command.summary}`);
    if (group) {
      for (const [name, spec] of Object.entries(command.options ?? {})) lines.push(`        --${name}${spec.type === 'string' ? ` ${spec.value ?? 'X'}` : ''}: ${spec.help}`);
    }
  }
  lines.push('', 'global options:');
  for (const [name, spec] of Object.entries(GLOBAL_OPTIONS)) lines.push(`  --${name}${spec.type === 'string' ? ` ${spec.value ?? 'X'}` : ''}${name === 'help' ? ', -h' : ''}: ${spec.help}`);
  lines.push(
    '',
    'Image ids: the full id or its first characters as `images list` shows them.',
    'Exit codes: 0 done; 1 the API refused or failed (its reason on stderr), or could not be reached; 2 bad command line.',
  );
  if (!group) lines.push('`netswim help <group>` shows each option of a group (images, kgv, sites, devices, inventory, compliance, upgrades, campaigns).');
  return lines.join('\n');
}
