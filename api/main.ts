// `npm run api`: the HTTP API and the image service, against the Temporal server at
// TEMPORAL_ADDRESS and the database at DATABASE_URL (PGlite in NETSWIM_DATA_DIR without it).
import { runNetswimProcess } from '../runtime/process.ts';

await runNetswimProcess('api');
