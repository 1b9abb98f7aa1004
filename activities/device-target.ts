// Resolves a device reference to what an SSH session needs. Secrets are opened here, inside the
// activity, so they never travel through workflow inputs or history.
import type { Queryable } from '../store/database.ts';
import { getDeviceConnection } from '../store/devices.ts';
import type { SecretBox } from '../store/secret-box.ts';
import { ApplicationFailure } from '@temporalio/common';
import { deviceHostKeyVerifier, HostKeyMismatchError } from './host-key.ts';
import { DeviceAuthenticationError, UnexpectedQuestionError, UnsafeCliTextError, withCliSession, type CliSession, type CliTarget } from './cli-session.ts';

export async function resolveCliTarget(db: Queryable, box: SecretBox, deviceId: string): Promise<CliTarget> {
  const device = await getDeviceConnection(db, box, deviceId);
  if (!device) throw ApplicationFailure.nonRetryable(`device ${deviceId} is not in the inventory`, 'UnknownDevice');
  const target: CliTarget = {
    host: device.address,
    port: device.port,
    username: device.username,
    password: device.password,
    // Refuses a host that is not the device before the password is sent (store/host-keys.ts).
    verifyHostKey: deviceHostKeyVerifier(db, device),
  };
  if (device.enableSecret) target.enableSecret = device.enableSecret;
  return target;
}

/**
 * Runs `work` in a CLI session on the device, turning failures that no retry can fix into
 * non-retryable activity failures.
 */
export async function onDevice<T>(target: CliTarget, work: (session: CliSession) => Promise<T>): Promise<T> {
  try {
    return await withCliSession(target, work);
  } catch (error) {
    throw asActivityFailure(error);
  }
}

export function asActivityFailure(error: unknown): unknown {
  // Another host answers at the device's address: no retry may send it credentials; an operator decides.
  if (error instanceof HostKeyMismatchError) {
    return ApplicationFailure.create({ message: error.message, type: 'HostKeyMismatch', nonRetryable: true, details: [{ hostname: error.hostname, expected: error.expected, received: error.received.fingerprint, keyType: error.received.keyType }] });
  }
  if (error instanceof DeviceAuthenticationError) return ApplicationFailure.nonRetryable(error.message, 'DeviceAuthenticationFailed');
  // A value that would run a command of its own is refused the same way on every attempt.
  if (error instanceof UnsafeCliTextError) return ApplicationFailure.nonRetryable(error.message, 'UnsafeCliText');
  // The same command meets the same question again: a retry cannot answer it either.
  if (error instanceof UnexpectedQuestionError) return ApplicationFailure.nonRetryable(error.message, 'UnexpectedQuestion');
  return error;
}
