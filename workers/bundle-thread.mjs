// Runs in a worker thread: bundles the workflow code with webpack and posts the bundle back.
// Webpack grows the heap by over 100 MiB that V8 keeps once grown; in a thread of its own that
// memory goes when the thread ends instead of staying in the worker process for its whole life.
// Plain JavaScript: Node 20 does not apply the tsx loader to a worker thread's entry file.
import { parentPort, workerData } from 'node:worker_threads';
import { bundleWorkflowCode } from '@temporalio/worker';

/** What webpack reported as errors: they go with the failure to the main thread. */
const errors = [];
const noop = () => undefined;
const logger = { trace: noop, debug: noop, info: noop, warn: noop, error: (message) => errors.push(message), log: noop };
try {
  const bundle = await bundleWorkflowCode({ workflowsPath: workerData.workflowsPath, logger });
  parentPort.postMessage({ code: bundle.code, sourceMap: bundle.sourceMap });
} catch (error) {
  throw new Error([error instanceof Error ? error.message : String(error), ...errors].join('\n'), { cause: error });
}
