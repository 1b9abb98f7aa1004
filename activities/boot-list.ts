// Reads the boot list for the next reload with the first of the driver's commands the device knows.
import type { PlatformDriver } from '../drivers/index.ts';
import { findCliError } from '../domain/parsers/cli-error.ts';
import { parseShowBoot, type BootVariables } from '../domain/parsers/show-boot.ts';
import type { CliSession } from './cli-session.ts';

export async function readBootList(session: CliSession, driver: PlatformDriver): Promise<BootVariables> {
  const commands = driver.bootVariablesCommands;
  for (const [index, command] of commands.entries()) {
    const output = await session.run(command);
    // Another command is tried only when the device does not know this one; any other output is read.
    const unknown = /^% ?(Invalid input|Incomplete command)/.test(findCliError(output) ?? '');
    if (unknown && index < commands.length - 1) continue;
    return parseShowBoot(output);
  }
  throw new Error(`${driver.label} driver names no boot-list command`);
}
