// The bench's site distribution server, as its own process: a plain HTTP file server that takes
// uploads the way nginx with WebDAV PUT/MOVE does (test/support/transfer-servers.ts), on 127.0.0.1.
// Prints `{"port":N,"root":"…"}` once listening; stops on SIGTERM or when the bench goes away.
import { startHttpUploadServer } from '../../test/support/transfer-servers.ts';

const server = await startHttpUploadServer();
process.stdout.write(`${JSON.stringify({ port: server.port, root: server.root })}\n`);
let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  void server.close().finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', () => undefined);
process.on('disconnect', stop);
