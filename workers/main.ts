// `npm run worker`: the Temporal worker (workflows and device activities) on NETSWIM_TASK_QUEUE.
// Scale by running more of these; Temporal spreads the work.
import { runNetswimProcess } from '../runtime/process.ts';

await runNetswimProcess('worker');
