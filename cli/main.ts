// netswim's command-line client: a thin, scriptable layer over the HTTP API.
//   npm run cli -- images list        node --import tsx cli/main.ts images list        netswim images list
// Exit codes: 0 done, 1 refused / failed / unreachable (reason on stderr), 2 bad command line.
import { parseCommandLine, usage } from './args.ts';
import { ApiClient, ApiError, ConnectionError } from './client.ts';
import { CliError, stringOption, UsageError, type CommandContext } from './command.ts';
import { COMMANDS } from './commands.ts';
import { resolveConnection } from './connection.ts';
import { styleFor } from './format.ts';

export async function main(argv: string[]): Promise<number> {
  const fail = (message: string) => process.stderr.write(`netswim: ${message}\n`);
  try {
    const parsed = parseCommandLine(argv, COMMANDS);
    if (parsed.kind === 'help') {
      const text = usage(COMMANDS, parsed.topic, parsed.requested);
      if (parsed.requested) {
        process.stdout.write(`${text}\n`);
        return 0;
      }
      process.stderr.write(`${text}\n`);
      return 2;
    }
    const connection = resolveConnection({ apiUrl: stringOption(parsed.options, 'api-url'), token: stringOption(parsed.options, 'token') });
    const ctx: CommandContext = {
      client: new ApiClient(connection),
      args: parsed.args,
      options: parsed.options,
      json: parsed.options.json === true,
      print: (text) => {
        process.stdout.write(`${text}\n`);
      },
      note: (text) => {
        process.stderr.write(`${text}\n`);
      },
      style: styleFor(process.stdout),
    };
    const code = await parsed.command.run(ctx);
    return typeof code === 'number' ? code : 0;
  } catch (error) {
    if (error instanceof UsageError) {
      fail(error.message);
      process.stderr.write(`${usage(COMMANDS, error.topic, false)}\n`);
      return 2;
    }
    if (error instanceof ApiError || error instanceof ConnectionError || error instanceof CliError) {
      fail(error.message);
      return 1;
    }
    fail(`unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  }
}

// Set the exit code and let stdout drain (a pipe to `head` or `jq` gets everything).
process.exitCode = await main(process.argv.slice(2));
