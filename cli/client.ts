// The HTTP API client: JSON requests, streamed uploads, and errors a person can act on.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Connection } from './connection.ts';

/** The API refused (4xx) or failed (5xx): `message` is its own `error` text. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The API could not be reached at all. */
export class ConnectionError extends Error {}

export interface UploadOptions {
  contentType: string;
  onProgress?: (sent: number, total: number) => void;
}

export class ApiClient {
  constructor(private readonly connection: Connection) {}

  get apiUrl(): string {
    return this.connection.apiUrl;
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...(this.connection.token ? { authorization: `Bearer ${this.connection.token}` } : {}), ...extra };
  }

  async get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  /** `body`: a value sent as JSON, or a string sent as it is (a file's JSON text). */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const init: RequestInit = { method, headers: this.headers(body === undefined ? {} : { 'content-type': 'application/json' }) };
    if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
    let response: Response;
    try {
      response = await fetch(this.connection.apiUrl + path, init);
    } catch (error) {
      throw this.unreachable(error);
    }
    return this.answer<T>(response.status, await response.text());
  }

  /**
   * Streams a file from disk as the raw request body (never whole in memory), with its
   * Content-Length so the API can refuse an oversized image before any byte is sent.
   */
  async upload<T>(path: string, file: string, options: UploadOptions): Promise<T> {
    const { size } = await stat(file);
    const url = new URL(this.connection.apiUrl + path);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = send(url, { method: 'POST', headers: this.headers({ 'content-type': options.contentType, 'content-length': String(size) }) });
      let answered = false;
      req.on('response', (res: IncomingMessage) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      // An early answer (413, 401) may cut the upload short: the answer is what counts.
      req.on('error', (error) => {
        if (!answered) reject(this.unreachable(error));
      });
      const stream = createReadStream(file);
      let sent = 0;
      stream.on('data', (chunk) => {
        sent += chunk.length;
        options.onProgress?.(sent, size);
      });
      stream.on('error', (error) => {
        req.destroy();
        reject(error);
      });
      stream.pipe(req);
    });
    return this.answer<T>(status, text);
  }

  private answer<T>(status: number, text: string): T {
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (status >= 200 && status < 300) return body as T;
    const message = body && typeof body === 'object' && 'error' in body && typeof body.error === 'string' ? body.error : `HTTP ${status}${text ? `: ${text.slice(0, 200)}` : ''}`;
    if (status === 401) throw new ApiError(status, `${message}; token from ${this.connection.tokenSource}`);
    throw new ApiError(status, status >= 500 ? `the API failed (HTTP ${status}): ${message}` : message);
  }

  private unreachable(error: unknown): ConnectionError {
    let cause = error;
    while (cause instanceof Error && cause.cause instanceof Error) cause = cause.cause;
    const code = cause && typeof cause === 'object' && 'code' in cause ? String(cause.code) : undefined;
    const why = code === 'ECONNREFUSED' ? 'connection refused' : code === 'ENOTFOUND' ? 'unknown host' : cause instanceof Error ? cause.message : String(cause);
    return new ConnectionError(`cannot reach the netswim API at ${this.connection.apiUrl} (${why}): is netswim running there? Set NETSWIM_API_URL or --api-url`);
  }
}
