// A real Temporal dev server for a test file: the same CLI and launcher the demo uses,
// headless and in memory so each test file starts from a clean history.
import { Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { findTemporalCli } from '../../scripts/temporal-cli.ts';
import { startTemporalDevServer, type DevServer } from '../../scripts/temporal-dev-server.ts';

let runtimeInstalled = false;

/** Keeps SDK and workflow logs out of test output unless they are errors (failing upgrades are expected here). */
function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({
    logger: { log: noopLog, trace: noopLog, debug: noopLog, info: noopLog, warn: noopLog, error: consoleLog },
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), console: {} } },
  });
}
function noopLog(): void {}
function consoleLog(message: string, meta?: Record<string, unknown>): void {
  console.error(`[temporal] ${message}`, meta ?? '');
}

/** `dbFile` and `port`: a server that can be stopped and started again with its workflows, at the same address. */
export async function startTestTemporal(options: { dbFile?: string; port?: number } = {}): Promise<DevServer> {
  installQuietRuntime();
  const cli = await findTemporalCli();
  return startTemporalDevServer({ cliPath: cli.path, uiPort: false, ...options });
}
