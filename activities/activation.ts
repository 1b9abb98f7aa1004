// Runs an activation command that reloads the device by itself (the driver's: IOS-XE INSTALL
// mode's `install add file … activate commit`, NX-OS's `install all nxos …`). Bundle mode
// activates with the boot variable and a separate `reload` (device-upgrade.ts).
import { ApplicationFailure } from '@temporalio/common';
import type { ActivationMethod, PlatformDriver } from '../drivers/index.ts';
import type { CliSession } from './cli-session.ts';

/**
 * Runs the activation; the device reloads into the new image and closes the session. A refusal
 * (not a valid bundle, unsaved configuration, image verification failed) is final: nothing was
 * activated and retrying the same command cannot help.
 */
export async function runActivation(session: CliSession, driver: PlatformDriver, method: Exclude<ActivationMethod, 'boot-variable'>, filesystem: string, fileName: string, kickstart?: string): Promise<string> {
  const install = driver.installCommand(method, filesystem, fileName, kickstart);
  if (!install) throw ApplicationFailure.nonRetryable(`${driver.label} has no ${method} activation${kickstart ? ' with a kickstart image' : ''}`, 'ActivationRefused');
  const { command, answers, failure } = install;
  const output = await session.run(command, { expectClose: true, timeoutMs: 45 * 60_000, answers });
  const failed = failure.exec(output);
  if (failed) throw ApplicationFailure.nonRetryable(`"${command}" failed: ${(failed[1] ?? failed[0]).trim()}`, 'ActivationRefused');
  return output;
}
