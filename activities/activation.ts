// Activation commands that reload the device by themselves: IOS-XE INSTALL mode
// (`install add file … activate commit`) and NX-OS (`install all nxos …`). Bundle mode activates
// with the boot variable and a separate `reload` (device-upgrade.ts).
import { ApplicationFailure } from '@temporalio/common';
import type { ActivationMethod } from '../domain/upgrade.ts';
import type { CliSession } from './cli-session.ts';

interface ActivationCommand {
  command: string;
  answers: { prompt: RegExp; reply: string }[];
  /** A line that says the command failed; the device stays as it was. */
  failure: RegExp;
}

function activationCommand(method: Exclude<ActivationMethod, 'boot-variable'>, filesystem: string, fileName: string): ActivationCommand {
  if (method === 'install-all') {
    return {
      command: `install all nxos ${filesystem}:${fileName}`,
      answers: [{ prompt: /Do you want to continue with the installation \(y\/n\)\?\s*\[n\]\s*$/, reply: 'y' }],
      failure: /-- FAIL|Return code 0x[0-9a-f]+ \((.*)\)|Install is aborted/i,
    };
  }
  return {
    command: `install add file ${filesystem}:${fileName} activate commit`,
    answers: [{ prompt: /Do you want to proceed\? \[y\/n\]\s*$/, reply: 'y' }],
    failure: /^FAILED: .*$/m,
  };
}

/**
 * Runs the activation; the device reloads into the new image and closes the session. A refusal
 * (not a valid bundle, unsaved configuration, image verification failed) is final: nothing was
 * activated and retrying the same command cannot help.
 */
export async function runActivation(session: CliSession, method: Exclude<ActivationMethod, 'boot-variable'>, filesystem: string, fileName: string): Promise<string> {
  const { command, answers, failure } = activationCommand(method, filesystem, fileName);
  const output = await session.run(command, { expectClose: true, timeoutMs: 45 * 60_000, answers });
  const failed = failure.exec(output);
  if (failed) throw ApplicationFailure.nonRetryable(`"${command}" failed: ${(failed[1] ?? failed[0]).trim()}`, 'ActivationRefused');
  return output;
}
