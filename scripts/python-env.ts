// Finds or builds the Python virtualenv the interoperability tests use (netmiko against the
// lab): one venv per requirements file content, kept in netswim's per-machine cache at
// `<cache>/python-venv-<hash of requirements>`, built once with `python3 -m venv` + `pip install`.
// Run directly (`npm run python:env`) it prints the venv's python path.
//   NETSWIM_CACHE_DIR  cache root (default $XDG_CACHE_HOME/netswim or ~/.cache/netswim)
//   NETSWIM_PYTHON     the interpreter that creates the venv (default python3)
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const DEFAULT_REQUIREMENTS = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'netmiko', 'requirements.txt');

export interface PythonEnv {
  /** The venv folder. */
  dir: string;
  /** Its interpreter. */
  python: string;
  /** 'cache' when it already existed, 'built' when this call created it. */
  source: 'cache' | 'built';
}

export interface PythonEnvOptions {
  requirements?: string;
  env?: NodeJS.ProcessEnv;
  onProgress?: (message: string) => void;
}

export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.NETSWIM_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'netswim');
}

/** Venv folder for a requirements text: the hash changes whenever a pin changes. */
export function venvDir(requirementsText: string, env: NodeJS.ProcessEnv = process.env): string {
  const hash = createHash('sha256').update(requirementsText).digest('hex').slice(0, 16);
  return join(cacheRoot(env), `python-venv-${hash}`);
}

function pythonIn(dir: string): string {
  return process.platform === 'win32' ? join(dir, 'Scripts', 'python.exe') : join(dir, 'bin', 'python');
}

async function works(python: string): Promise<boolean> {
  try {
    await access(python, constants.X_OK);
    // A venv whose base interpreter was removed still has the symlink; check it really runs.
    await run(python, ['-c', 'import sys; sys.exit(0)'], { timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

function spawnChecked(command: string, args: string[], env: NodeJS.ProcessEnv, what: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolvePromise() : reject(new Error(`${what} failed (exit ${code}): ${stderr.trim()}`))));
  });
}

export async function ensurePythonEnv(options: PythonEnvOptions = {}): Promise<PythonEnv> {
  const env = options.env ?? process.env;
  const onProgress = options.onProgress ?? (() => undefined);
  const requirements = options.requirements ?? DEFAULT_REQUIREMENTS;
  const text = await readFile(requirements, 'utf8');
  const dir = venvDir(text, env);
  // A marker written last: a venv without it was never completed.
  const marker = join(dir, '.netswim-complete');
  const python = pythonIn(dir);
  if ((await works(python)) && (await access(marker).then(() => true, () => false))) return { dir, python, source: 'cache' };

  // Built in a staging folder and renamed when complete, so an interrupted build leaves nothing
  // behind and two builders never share a half-made venv. Only `python -m …` is used from it (the
  // shebangs of console scripts would name the staging folder).
  const staging = `${dir}.building-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(dirname(dir), { recursive: true });
  const base = env.NETSWIM_PYTHON ?? 'python3';
  const started = Date.now();
  onProgress(`creating a Python venv for ${requirements} in ${dir} (once per machine)`);
  try {
    await spawnChecked(base, ['-m', 'venv', staging], env, `${base} -m venv`);
    await spawnChecked(
      pythonIn(staging),
      ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--quiet', '-r', requirements],
      { ...env, PIP_NO_INPUT: '1' },
      'pip install',
    );
    await writeFile(join(staging, '.netswim-complete'), `${new Date().toISOString()}\n`);
    await rm(dir, { recursive: true, force: true });
    await rename(staging, dir);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    // Another process may have finished the same venv meanwhile.
    if ((await works(python)) && (await access(marker).then(() => true, () => false))) return { dir, python, source: 'cache' };
    throw error;
  }
  onProgress(`built the venv in ${Math.round((Date.now() - started) / 1000)} s`);
  return { dir, python, source: 'built' };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const requirements = process.argv[2];
  ensurePythonEnv({ ...(requirements ? { requirements: resolve(requirements) } : {}), onProgress: (m) => console.error(`[python-env] ${m}`) })
    .then((found) => console.log(found.python))
    .catch((error: Error) => {
      console.error(`[python-env] ${error.message}`);
      process.exit(1);
    });
}
