// What a long-running netswim process (API, worker) needs around the composition root:
// structured logs for netswim and the Temporal SDK, and a clean stop on SIGINT / SIGTERM.
import { Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { loadConfig, type NetswimConfig } from './config.ts';
import { createLogger, type Logger } from './logger.ts';
import { startNetswim, type Netswim } from './netswim.ts';

function installTemporalLogging(logger: Logger): void {
  const at = (level: 'debug' | 'info' | 'warn' | 'error') => (message: string, meta?: Record<string, unknown>) => logger[level](message, { source: 'temporal', ...meta });
  Runtime.install({
    logger: { log: (level, message, meta) => at(level === 'TRACE' ? 'debug' : (level.toLowerCase() as 'debug' | 'info' | 'warn' | 'error'))(message, meta), trace: at('debug'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') },
    // This process stops the worker itself, after the API, on a signal.
    shutdownSignals: [],
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), console: {} } },
  });
}

export type ProcessRole = 'all' | 'api' | 'worker';

export async function runNetswimProcess(role: ProcessRole): Promise<void> {
  let config: NetswimConfig;
  try {
    config = loadConfig();
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
  if (role !== 'all' && !config.databaseUrl) {
    // PGlite is one process's database: an API and a worker would each open their own copy.
    process.stderr.write(`netswim ${role}: running the API and the worker as separate processes needs PostgreSQL (set DATABASE_URL); without it use \`npm start\`, which runs both in one process on PGlite\n`);
    process.exit(2);
  }
  const logger = createLogger({ level: config.logLevel, fields: { process: role } });
  installTemporalLogging(logger);
  const temporalAddress = config.temporalAddress ?? '127.0.0.1:7233';
  let netswim: Netswim;
  try {
    netswim = await startNetswim({ config, temporalAddress, logger, runApi: role !== 'worker', runWorker: role !== 'api' });
  } catch (error) {
    logger.error('start failed', { error: (error as Error).message });
    process.exit(1);
  }
  logger.info('started', { temporalAddress, api: netswim.apiUrl, imageService: netswim.imageServiceUrl, database: netswim.db.kind, taskQueue: config.taskQueue });
  if (netswim.generatedAdminToken) logger.warn('no NETSWIM_API_TOKENS: generated an admin token (embedded mode only)', { tokenFile: config.api.tokenFile });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { signal });
    netswim.stop().then(
      () => process.exit(0),
      (error: Error) => {
        logger.error('stop failed', { error: error.message });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
