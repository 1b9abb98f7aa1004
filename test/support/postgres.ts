// A real PostgreSQL server for tests of the DATABASE_URL path: initdb into a temp folder and run
// `postgres` on a free loopback port. The server refuses to run as root, so under root (CI) it
// runs as the `postgres` system user.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from '../../scripts/temporal-dev-server.ts';

const run = promisify(execFile);

export interface TestPostgres {
  url: string;
  stop(): Promise<void>;
}

/** The folder holding initdb and postgres, or undefined when no server is installed. */
export async function findPostgresBinDir(): Promise<string | undefined> {
  const candidates: string[] = [];
  try {
    candidates.push((await run('pg_config', ['--bindir'])).stdout.trim());
  } catch {
    // pg_config is optional; look in Debian's versioned folders too.
  }
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    for (const version of (await readdir(debian)).sort((a, b) => Number(b) - Number(a))) candidates.push(join(debian, version, 'bin'));
  }
  return candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'postgres')));
}

export async function startTestPostgres(binDir: string): Promise<TestPostgres> {
  const dataDir = await mkdtemp(join(tmpdir(), 'netswim-pg-'));
  const asRoot = userInfo().uid === 0;
  let uid: number | undefined;
  let gid: number | undefined;
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    uid = Number(stdout.trim());
    gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
    await chown(dataDir, uid, gid);
  }
  const as = asRoot ? { uid: uid!, gid: gid! } : {};
  await run(join(binDir, 'initdb'), ['-D', dataDir, '-U', 'netswim', '-A', 'trust', '--no-sync', '-E', 'UTF8'], as);
  const port = await freePort();
  const server: ChildProcess = spawn(
    join(binDir, 'postgres'),
    ['-D', dataDir, '-p', String(port), '-h', '127.0.0.1', '-k', dataDir, '-c', 'fsync=off', '-c', 'max_connections=50'],
    { ...as, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  server.stderr?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-2000)));
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  const url = `postgres://netswim@127.0.0.1:${port}/postgres`;
  const stop = async () => {
    if (server.exitCode === null) {
      server.kill('SIGINT'); // fast shutdown
      await exited;
    }
    await rm(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      return { url, stop };
    } catch {
      await client.end().catch(() => undefined);
      if (server.exitCode !== null || Date.now() > deadline) {
        await stop();
        throw new Error(`PostgreSQL did not start: ${log}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
