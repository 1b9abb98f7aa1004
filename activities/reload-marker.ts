// The reload marker: an `alias exec` line put into the running configuration, never saved, just
// before netswim sends `reload`. Only a reload drops unsaved configuration, so a marker that is
// gone proves the reload happened, however short it was and however coarse the device's uptime
// (IOS prints minutes). A retried reload step checks it before sending anything.
import { ApplicationFailure } from '@temporalio/common';
import { findCliError } from '../domain/parsers/cli-error.ts';
import type { CliSession } from './cli-session.ts';

/** Marker names: `netswim-reload-` and 8 to 32 lower-case hex digits (the workflow makes them). */
export const RELOAD_MARKER = /^netswim-reload-[0-9a-f]{8,32}$/;

function checkName(marker: string): void {
  if (!RELOAD_MARKER.test(marker)) throw ApplicationFailure.nonRetryable(`not a reload marker name: ${JSON.stringify(marker)}`, 'BadReloadMarker');
}

async function configure(session: CliSession, commands: string[]): Promise<void> {
  for (const command of ['configure terminal', ...commands, 'end']) {
    const error = findCliError(await session.run(command));
    if (error) throw ApplicationFailure.nonRetryable(`"${command}" was refused: ${error}`, 'ConfigRejected');
  }
}

/**
 * The netswim markers in the running configuration. `alias`: the driver's alias command
 * (`alias exec` on Cisco, `alias` on EOS).
 */
export async function markersPresent(session: CliSession, alias = 'alias exec'): Promise<string[]> {
  const output = await session.run(`show running-config | include ^${alias} netswim-reload-`);
  const line = new RegExp(`^${alias} (netswim-reload-[0-9a-f]{8,32})\\b`, 'gm');
  return [...output.matchAll(line)].map((m) => m[1]!);
}

/** Puts the marker into the running configuration (not saved) and reads it back. Idempotent. */
export async function armReloadMarker(session: CliSession, marker: string, alias = 'alias exec'): Promise<void> {
  checkName(marker);
  if ((await markersPresent(session, alias)).includes(marker)) return;
  await configure(session, [`${alias} ${marker} show version`]);
  if (!(await markersPresent(session, alias)).includes(marker)) {
    throw ApplicationFailure.nonRetryable(`the reload marker ${marker} is not in the running configuration after configuring it`, 'ConfigRejected');
  }
}

/** Removes every netswim marker, so that a `write memory` never saves one into the startup configuration. */
export async function removeReloadMarkers(session: CliSession, alias = 'alias exec'): Promise<void> {
  const markers = await markersPresent(session, alias);
  if (markers.length > 0) await configure(session, markers.map((m) => `no ${alias} ${m}`));
}
