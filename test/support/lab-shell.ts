// Helpers to drive lab devices the way netswim drives real ones: an interactive SSH shell that
// waits for prompts, one-shot exec requests, and an HTTP file server for transfers.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import ssh2, { type ClientChannel } from 'ssh2';
import type { LabDevice } from '../../lab/types.ts';

export const PROMPT = /\n([A-Za-z0-9][\w.-]*)(\(config\))?[>#]$/;

/** A prompt-driven interactive shell on a lab device. */
export class Shell {
  private buffer = '';
  private waiter: (() => void) | undefined;
  closed = false;

  private constructor(
    private readonly client: ssh2.Client,
    private readonly channel: ClientChannel,
  ) {
    channel.on('data', (data: Buffer) => {
      this.buffer += data.toString('utf8').replace(/\r/g, '');
      this.waiter?.();
    });
    channel.on('close', () => {
      this.closed = true;
      this.waiter?.();
    });
    client.on('close', () => {
      this.closed = true;
      this.waiter?.();
    });
  }

  static async open(device: LabDevice, password = device.spec.password): Promise<Shell> {
    const client = await connect(device, password);
    const channel = await new Promise<ClientChannel>((resolve, reject) =>
      client.shell({ term: 'vt100', rows: 24, cols: 132 }, (error, stream) => (error ? reject(error) : resolve(stream))),
    );
    const shell = new Shell(client, channel);
    await shell.expect(/[>#]$/);
    return shell;
  }

  /** Waits until the unread output matches; returns and consumes it. */
  async expect(pattern: RegExp, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = pattern.exec(this.buffer);
      if (m) {
        const end = m.index + m[0].length;
        const text = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end);
        return text;
      }
      if (this.closed) throw new Error(`session closed while waiting for ${pattern}; output: ${JSON.stringify(this.buffer)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${pattern}; output: ${JSON.stringify(this.buffer)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          this.waiter = undefined;
          resolve();
        };
      });
    }
  }

  /** Waits for the session to be closed by the device. */
  async expectClosed(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('the device did not close the session');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  send(text: string): void {
    this.channel.write(text);
  }

  /** Types a command, returns its output (without the echo and the next prompt). */
  async run(command: string, timeoutMs?: number): Promise<string> {
    this.send(`${command}\r`);
    const text = await this.expect(PROMPT, timeoutMs);
    return stripEchoAndPrompt(text, command);
  }

  close(): void {
    this.client.end();
  }
}

function stripEchoAndPrompt(text: string, command: string): string {
  const withoutPrompt = text.replace(PROMPT, '\n');
  const lines = withoutPrompt.split('\n');
  if (lines[0] === command) lines.shift();
  return lines.join('\n');
}

export function connect(device: LabDevice, password = device.spec.password, onHostKey?: (key: Buffer) => void): Promise<ssh2.Client> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    client.once('ready', () => resolve(client));
    client.once('error', reject);
    client.connect({
      host: device.address,
      port: device.port,
      username: device.spec.username,
      password,
      readyTimeout: 5000,
      hostVerifier: (key: Buffer) => {
        onHostKey?.(key);
        return true;
      },
    });
  });
}

export async function exec(device: LabDevice, command: string): Promise<string> {
  const client = await connect(device);
  try {
    return await new Promise<string>((resolve, reject) => {
      client.exec(command, (error, stream) => {
        if (error) return reject(error);
        let out = '';
        stream.on('data', (d: Buffer) => (out += d.toString('utf8')));
        stream.on('close', () => resolve(out.replace(/\r/g, '')));
      });
    });
  } finally {
    client.end();
  }
}

/** HTTP file server for the transfers: fixed files, optional chunked (no Content-Length) path. */
export async function startFileServer(files: Record<string, Buffer>): Promise<{ url: (path: string) => string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '').replace(/^\/chunked/, '');
    const body = files[path];
    if (!body) {
      res.writeHead(404).end('not found');
      return;
    }
    if (req.url?.startsWith('/chunked')) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      for (let i = 0; i < body.length; i += 32 * 1024) res.write(body.subarray(i, i + 32 * 1024));
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
