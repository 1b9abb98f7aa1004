// Finds or builds the Temporal CLI (which carries the dev server) in this order:
//   1. TEMPORAL_CLI (an explicit path)       2. `temporal` on PATH
//   3. netswim's per-machine cache           4. `go install` from the Go module proxy into that cache
//   5. the archive the Temporal SDK itself downloads (machines with internet access)
// Run directly (`npm run temporal:cli`) it prints the path it settled on.
import { execFile, spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdir, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** v1.5.1's go.mod has no `replace` directive, so `go install …@v1.5.1` works unmodified. */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
const GO_PACKAGE = 'github.com/temporalio/cli/cmd/temporal';
const SDK_DOWNLOAD_URL = 'https://temporal.download/cli/archive/latest';

export type CliSource = 'TEMPORAL_CLI' | 'PATH' | 'cache' | 'go install' | 'download';

export interface FoundCli {
  path: string;
  source: CliSource;
}

export interface FindOptions {
  env?: NodeJS.ProcessEnv;
  /** Reports slow steps (the Go build takes minutes the first time). */
  onProgress?: (message: string) => void;
}

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.NETSWIM_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'netswim');
  return join(base, 'temporal-cli', TEMPORAL_CLI_VERSION);
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function answersVersion(path: string): Promise<boolean> {
  try {
    const { stdout } = await run(path, ['--version'], { timeout: 30_000 });
    return /temporal version/i.test(stdout);
  } catch {
    return false;
  }
}

async function onPath(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'temporal');
    if ((await isExecutable(candidate)) && (await answersVersion(candidate))) return candidate;
  }
  return undefined;
}

async function hasGo(env: NodeJS.ProcessEnv): Promise<boolean> {
  try {
    await run('go', ['version'], { env, timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

/** Builds into a temporary folder and renames, so an interrupted build never leaves a broken binary. */
async function goInstall(targetDir: string, env: NodeJS.ProcessEnv, onProgress: (m: string) => void): Promise<string> {
  const staging = `${targetDir}.building-${process.pid}`;
  await mkdir(staging, { recursive: true });
  onProgress(`building the Temporal CLI ${TEMPORAL_CLI_VERSION} with go install (once per machine; a few minutes)`);
  const started = Date.now();
  const ticker = setInterval(() => onProgress(`still building the Temporal CLI (${Math.round((Date.now() - started) / 1000)} s)`), 30_000);
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn('go', ['install', `${GO_PACKAGE}@${TEMPORAL_CLI_VERSION}`], {
        env: { ...env, GOBIN: staging },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`go install failed (exit ${code}): ${stderr.trim()}`))));
    });
    await rm(targetDir, { recursive: true, force: true });
    await rename(staging, targetDir);
    onProgress(`built the Temporal CLI in ${Math.round((Date.now() - started) / 1000)} s`);
    return join(targetDir, 'temporal');
  } finally {
    clearInterval(ticker);
    await rm(staging, { recursive: true, force: true });
  }
}

/** The archive the SDK's `cached-download` mode fetches; only reachable with internet access. */
async function download(targetDir: string, onProgress: (m: string) => void): Promise<string> {
  const platform = process.platform === 'darwin' ? 'darwin' : process.platform === 'win32' ? 'windows' : 'linux';
  const arch = process.arch === 'arm64' ? 'arm64' : 'amd64';
  const url = `${SDK_DOWNLOAD_URL}?platform=${platform}&arch=${arch}&sdk-name=sdk-typescript`;
  onProgress(`downloading the Temporal CLI from ${url}`);
  const response = await fetch(url, { signal: AbortSignal.timeout(120_000) });
  if (!response.ok || !response.body) throw new Error(`download failed: HTTP ${response.status}`);
  await mkdir(targetDir, { recursive: true });
  const tar = spawn('tar', ['-xzf', '-', '-C', targetDir, 'temporal'], { stdio: ['pipe', 'ignore', 'inherit'] });
  const done = new Promise<void>((resolve, reject) => tar.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`tar exited ${code}`)))));
  for await (const chunk of response.body) tar.stdin.write(chunk);
  tar.stdin.end();
  await done;
  return join(targetDir, 'temporal');
}

export async function findTemporalCli(options: FindOptions = {}): Promise<FoundCli> {
  const env = options.env ?? process.env;
  const onProgress = options.onProgress ?? (() => undefined);

  if (env.TEMPORAL_CLI) {
    if (!(await isExecutable(env.TEMPORAL_CLI))) throw new Error(`TEMPORAL_CLI=${env.TEMPORAL_CLI} is not an executable file`);
    return { path: env.TEMPORAL_CLI, source: 'TEMPORAL_CLI' };
  }
  const fromPath = await onPath(env);
  if (fromPath) return { path: fromPath, source: 'PATH' };

  const dir = cacheDir(env);
  const cached = join(dir, 'temporal');
  if ((await isExecutable(cached)) && (await answersVersion(cached))) return { path: cached, source: 'cache' };

  const failures: string[] = [];
  if (await hasGo(env)) {
    try {
      return { path: await goInstall(dir, env, onProgress), source: 'go install' };
    } catch (error) {
      failures.push((error as Error).message);
    }
  } else {
    failures.push('go is not installed');
  }
  if (env.NETSWIM_TEMPORAL_DOWNLOAD === '0') {
    failures.push('download disabled by NETSWIM_TEMPORAL_DOWNLOAD=0');
  } else {
    try {
      return { path: await download(dir, onProgress), source: 'download' };
    } catch (error) {
      failures.push(`download: ${(error as Error).message}`);
    }
  }
  throw new Error(
    `no Temporal CLI: set TEMPORAL_CLI, put \`temporal\` on PATH, or install Go so netswim can build it. Tried: ${failures.join('; ')}`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quiet = process.argv.includes('--quiet');
  findTemporalCli({ onProgress: (m) => console.error(`[temporal-cli] ${m}`) })
    .then((found) => {
      if (!quiet) console.log(found.path);
      else console.error(`[temporal-cli] using ${found.path} (${found.source})`);
    })
    .catch((error: Error) => {
      console.error(`[temporal-cli] ${error.message}`);
      process.exit(1);
    });
}
