// RemoteFiles over HTTP, the way web servers take uploads (nginx `dav_methods PUT DELETE MOVE`,
// Apache mod_dav): HEAD for sizes, GET and PUT for files, DELETE, and MOVE with `Destination` and
// `Overwrite: T` for renames. Writes carry Basic credentials when the server has a username; devices
// download with plain GET. A dropped PUT restarts (HTTP has no portable append).
import http from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DistributionError, IDLE_TIMEOUT_MS, rootSegments, type RemoteFiles } from './remote-files.ts';

export interface HttpTarget {
  host: string;
  port: number;
  rootLocation: string;
  username?: string;
  password?: string;
}

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export function openHttpFiles(target: HttpTarget): Promise<RemoteFiles> {
  const prefix = rootSegments(target.rootLocation).map(encodeURIComponent).join('/');
  const pathOf = (name: string): string => `/${prefix ? `${prefix}/` : ''}${encodeURIComponent(name)}`;
  const authorization =
    target.username !== undefined ? `Basic ${Buffer.from(`${target.username}:${target.password ?? ''}`).toString('base64')}` : undefined;
  const open = new Set<http.ClientRequest>();

  /** One request; the reply's body is kept up to `maxBody` bytes (the rest is drained). */
  const request = (method: string, name: string, options: { body?: Readable | Buffer; length?: number; headers?: http.OutgoingHttpHeaders; maxBody?: number } = {}): Promise<Reply> =>
    new Promise<Reply>((resolve, reject) => {
      const headers: http.OutgoingHttpHeaders = { ...options.headers };
      if (authorization) headers.authorization = authorization;
      if (options.body !== undefined) {
        headers['content-type'] = 'application/octet-stream';
        headers['content-length'] = options.length ?? (Buffer.isBuffer(options.body) ? options.body.length : undefined);
      }
      const req = http.request({ host: target.host, port: target.port, method, path: pathOf(name), headers, timeout: IDLE_TIMEOUT_MS }, (res) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        res.on('data', (chunk: Buffer) => {
          if (kept + chunk.length <= (options.maxBody ?? 4096)) {
            chunks.push(chunk);
            kept += chunk.length;
          }
        });
        res.on('end', () => {
          open.delete(req);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
        });
        res.on('error', (error) => reject(error));
      });
      open.add(req);
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', (error) => {
        open.delete(req);
        reject(new DistributionError(`HTTP ${method} ${pathOf(name)} on ${target.host}:${target.port}: ${error.message}`, { cause: error }));
      });
      const body = options.body;
      if (body === undefined) req.end();
      else if (Buffer.isBuffer(body)) req.end(body);
      else pipeline(body, req).catch((error: Error) => req.destroy(error));
    });

  const expect = (reply: Reply, what: string, ok: (status: number) => boolean): void => {
    if (!ok(reply.status)) {
      throw new DistributionError(`HTTP ${what} on ${target.host}:${target.port}: ${reply.status} ${reply.body.toString('utf8').slice(0, 200).trim()}`);
    }
  };
  const success = (status: number): boolean => status >= 200 && status < 300;

  const files: RemoteFiles = {
    canResume: false,
    async size(name) {
      const reply = await request('HEAD', name);
      if (reply.status === 404) return undefined;
      expect(reply, `HEAD ${pathOf(name)}`, success);
      const length = reply.headers['content-length'];
      if (length === undefined || !/^\d+$/.test(length)) throw new DistributionError(`HTTP HEAD ${pathOf(name)}: no Content-Length`);
      return Number(length);
    },
    async readText(name, maxBytes) {
      const reply = await request('GET', name, { maxBody: maxBytes + 1 });
      if (reply.status === 404) return undefined;
      expect(reply, `GET ${pathOf(name)}`, success);
      return reply.body.length > maxBytes ? undefined : reply.body.toString('utf8');
    },
    async writeText(name, text) {
      expect(await request('PUT', name, { body: Buffer.from(text, 'utf8') }), `PUT ${pathOf(name)}`, success);
    },
    async remove(name) {
      expect(await request('DELETE', name), `DELETE ${pathOf(name)}`, (status) => success(status) || status === 404);
    },
    async rename(from, to) {
      const destination = `http://${target.host}:${target.port}${pathOf(to)}`;
      expect(await request('MOVE', from, { headers: { destination, overwrite: 'T' } }), `MOVE ${pathOf(from)}`, success);
    },
    async upload(name, source, offset, length) {
      if (offset > 0) throw new DistributionError('HTTP uploads cannot resume');
      expect(await request('PUT', name, { body: source, length }), `PUT ${pathOf(name)}`, success);
    },
    close() {
      for (const req of open) req.destroy();
      open.clear();
    },
  };
  return Promise.resolve(files);
}
