// The device side of `scp <file> user@device:flash:/<name>`: an SSH exec request `scp -t <target>`
// answered with the SCP sink protocol (OpenSSH scp.c `sink()`; what IOS does with
// `ip scp server enable` and NX-OS with `feature scp-server`): `\0` ready, `C<mode> <size> <name>\n`
// header, `\0`, the bytes and a `\0`, `\0` once stored; `\x01<message>\n` refuses. The file goes
// through the device's flash (space check, MD5) like a `copy`.
import { PassThrough } from 'node:stream';
import type { SimDevice } from './device.ts';

/** Where a channel's bytes go and how it answers; the SSH server passes its exec channel. */
export interface ScpChannel {
  write(data: string | Buffer): void;
  on(event: 'data', listener: (data: Buffer) => void): void;
}

/** `scp -t [-d] [-p] [-v] <target>` → the target, or undefined when this is not an SCP sink request. */
export function scpSinkTarget(command: string): string | undefined {
  const words = command.trim().split(/\s+/);
  if (words[0] !== 'scp' || !words.includes('-t')) return undefined;
  const target = words.slice(1).filter((w) => !w.startsWith('-')).join(' ');
  if (!target) return undefined;
  // The client quotes the path for a shell (`'flash:/a b.bin'`).
  return target.replace(/^'(.*)'$/, '$1');
}

const HEADER = /^C([0-7]{4}) (\d+) ([^/\n]+)$/;

/** Runs the sink until the file is stored or refused; resolves with the stored file's name. */
export function runScpSink(device: SimDevice, channel: ScpChannel, target: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const refuse = (message: string): void => {
      channel.write(`\x01scp: ${message}\n`);
      reject(new Error(message));
    };
    let pending = Buffer.alloc(0);
    let body: { name: string; size: number; stream: PassThrough; left: number } | undefined;
    let done = false;
    const onData = (data: Buffer): void => {
      if (done) return;
      pending = Buffer.concat([pending, data]);
      while (pending.length > 0 && !done) {
        if (body) {
          if (body.left > 0) {
            const take = pending.subarray(0, body.left);
            pending = pending.subarray(take.length);
            body.left -= take.length;
            body.stream.write(take);
            continue;
          }
          // The `\0` after the bytes ends the file.
          pending = pending.subarray(1);
          body.stream.end();
          done = true;
          return;
        }
        const newline = pending.indexOf(0x0a);
        if (newline < 0) return;
        const line = pending.subarray(0, newline).toString('utf8');
        pending = pending.subarray(newline + 1);
        if (line.startsWith('T')) {
          channel.write('\0');
          continue;
        }
        const header = HEADER.exec(line);
        if (!header?.[2] || !header[3]) {
          done = true;
          return refuse(`protocol error: unexpected "${line}"`);
        }
        // `flash:` names a folder (the client's file name is kept); `flash:/x` or `flash:x` a file.
        const folder = new RegExp(`^${device.profile.filesystem}:/*$`, 'i').test(target);
        const name = folder ? header[3] : device.localName(target);
        if (!name) {
          done = true;
          return refuse(`${target}: No such file or directory`);
        }
        const size = Number(header[2]);
        const stream = new PassThrough();
        body = { name, size, stream, left: size };
        const storing = device.receiveFile(name, { declaredSize: size, stream, abort: () => stream.destroy() }, () => undefined);
        storing.then(
          () => {
            channel.write('\0');
            resolve(name);
          },
          (error: Error) => refuse(`${name}: ${error.message}`),
        );
        channel.write('\0');
      }
    };
    channel.on('data', onData);
    channel.write('\0');
  });
}
