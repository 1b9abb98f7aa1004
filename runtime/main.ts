// `npm start`: API, image service and worker in one process — the embedded default (PGlite),
// or a small production install. Needs a Temporal server at TEMPORAL_ADDRESS (default 127.0.0.1:7233).
import { runNetswimProcess } from './process.ts';

await runNetswimProcess('all');
