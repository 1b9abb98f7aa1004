// netswim's own image service: devices fetch images over HTTP from
// GET /images/<sha256>/<file name>. Content-addressed, so a URL always means the same bytes;
// byte ranges let a device or a distribution server resume an interrupted transfer.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { isSafeFileName } from '../domain/image-name.ts';
import type { ImageStore } from '../images/image-store.ts';
import type { Logger } from '../runtime/logger.ts';

export interface ImageService {
  /** Base URL devices use, e.g. http://127.0.0.1:8081 */
  url: string;
  /** Where it listens (the bound port when configured as 0). */
  listening: { host: string; port: number };
  close(): Promise<void>;
}

export const PROBE_PATH = '/probe/netswim-probe.txt';
const PROBE_BODY = Buffer.from('netswim image service probe\n');

const IMAGE_PATH = /^\/images\/([0-9a-f]{64})\/([^/]+)$/;

function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'invalid' | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return 'invalid';
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  return start > end || start >= size ? 'invalid' : { start, end };
}

async function handle(store: ImageStore, logger: Logger, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let path: string;
  try {
    path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  } catch {
    res.writeHead(400, { 'content-type': 'text/plain' }).end('the path is not valid percent-encoding\n');
    return;
  }
  const match = IMAGE_PATH.exec(path);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  // The readiness precheck's probe: a device that can copy this can copy images.
  if (req.url === PROBE_PATH) {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': PROBE_BODY.length }).end(req.method === 'HEAD' ? undefined : PROBE_BODY);
    return;
  }
  if (!match?.[1] || !match[2] || !isSafeFileName(match[2]) || !(await store.has(match[1]))) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('no such image\n');
    return;
  }
  const sha256 = match[1];
  const size = await store.sizeOf(sha256);
  const range = parseRange(req.headers.range, size);
  if (range === 'invalid') {
    res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
    return;
  }
  const headers = {
    'content-type': 'application/octet-stream',
    'accept-ranges': 'bytes',
    etag: `"${sha256}"`,
    'content-length': String(range ? range.end - range.start + 1 : size),
  };
  if (range) {
    res.writeHead(206, { ...headers, 'content-range': `bytes ${range.start}-${range.end}/${size}` });
  } else {
    res.writeHead(200, headers);
  }
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  logger.info('image download', { sha256, file: match[2], client: req.socket.remoteAddress, range: req.headers.range });
  await pipeline(store.openRead(sha256, range), res);
}

export async function startImageService(
  store: ImageStore,
  logger: Logger,
  listen: { host: string; port: number; publicUrl?: string; tls?: { cert: Buffer; key: Buffer } },
): Promise<ImageService> {
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    handle(store, logger, req, res).catch((error: Error) => {
      // A device that hangs up mid-transfer is routine; anything else is worth a line.
      if ((error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') logger.warn('image service error', { error: error.message });
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  };
  // HTTPS when a certificate is configured: what devices should use outside a lab.
  const server: Server = listen.tls ? createHttpsServer({ cert: listen.tls.cert, key: listen.tls.key }, onRequest) : createServer(onRequest);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: listen.publicUrl ?? `${listen.tls ? 'https' : 'http'}://${listen.host}:${port}`,
    listening: { host: listen.host, port },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
