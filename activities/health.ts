// Health snapshots around activation (CPU, routes, interfaces) and custom checks: the same
// commands before and after, so the postcheck diff (domain/postchecks.ts) compares like with like.
import { findCliError } from '../domain/parsers/cli-error.ts';
import { POSTCHECK_COMMANDS, buildSnapshot, type CustomOutput, type HealthSnapshot } from '../domain/postchecks.ts';
import { customChecksFor, type CustomCheck, type CustomCheckContext } from '../domain/prechecks/custom.ts';
import type { CheckResult } from '../domain/upgrade.ts';
import type { Queryable } from '../store/database.ts';
import { listCustomChecks } from '../store/custom-checks.ts';
import { getDevice } from '../store/devices.ts';
import type { CliSession } from './cli-session.ts';

export interface HealthRequest {
  deviceId: string;
  phase: CustomCheckContext['phase'];
  stage: CustomCheckContext['stage'];
}

export interface HealthCapture {
  /** Only around activation: CPU, routes, interfaces and the custom outputs. */
  snapshot?: HealthSnapshot;
  /** Every custom check that applied, with its commands and output. */
  custom: CheckResult[];
}

/** The custom checks that apply to the device at this point. */
export async function applicableCustomChecks(db: Queryable, request: HealthRequest): Promise<CustomCheck[]> {
  const device = await getDevice(db, request.deviceId);
  // Checks name families or series (cat9300); a device not inventoried yet has its platform.
  const series = device?.family ?? device?.platform;
  return customChecksFor(await listCustomChecks(db), { phase: request.phase, stage: request.stage, ...(series ? { series } : {}) });
}

/** Whether this point needs a session on the device at all (a snapshot, or custom checks to run). */
export function needsDevice(request: HealthRequest, checks: readonly CustomCheck[]): boolean {
  return request.stage === 'activation' || checks.length > 0;
}

async function runCustomChecks(session: CliSession, applicable: readonly CustomCheck[], request: HealthRequest): Promise<{ results: CheckResult[]; outputs: CustomOutput[] }> {
  const results: CheckResult[] = [];
  const outputs: CustomOutput[] = [];
  for (const check of applicable) {
    const parts: string[] = [];
    const errors: string[] = [];
    for (const command of check.commands) {
      const output = await session.run(command, { timeoutMs: 60_000 });
      const error = findCliError(output);
      if (error) errors.push(`${command}: ${error}`);
      parts.push(check.commands.length > 1 ? `> ${command}\n${output.trimEnd()}` : output);
    }
    const output = parts.join('\n');
    outputs.push({ name: check.name, output });
    results.push({
      name: `custom:${check.name}`,
      status: errors.length > 0 ? 'warn' : 'pass',
      reason: errors.length > 0 ? `the device refused ${errors.join('; ')}` : `${check.commands.length} command(s) run ${request.phase}-${request.stage}; output kept`,
      commands: check.commands,
      output,
    });
  }
  return { results, outputs };
}

export async function captureHealth(session: CliSession, checks: readonly CustomCheck[], request: HealthRequest): Promise<HealthCapture> {
  const custom = await runCustomChecks(session, checks, request);
  if (request.stage !== 'activation') return { custom: custom.results };
  // NX-OS answers `show processes cpu` with the same utilization line as IOS.
  const snapshot = buildSnapshot({
    cpu: await session.run(POSTCHECK_COMMANDS.cpu.ios),
    routeSummary: await session.run(POSTCHECK_COMMANDS.routes),
    interfaceBrief: await session.run(POSTCHECK_COMMANDS.interfaces),
    custom: custom.outputs,
  });
  return { snapshot, custom: custom.results };
}
