// The command-line client run as a user runs it: a subprocess (asynchronous, so that an API
// under test in this process keeps answering), with its exit code, stdout and stderr.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `env` is added to this process's environment (NO_COLOR set); `entry` is cli/main.ts or the package bin. */
export function runCli(args: string[], env: Record<string, string | undefined>, entry = 'cli/main.ts'): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const nodeArgs = entry.endsWith('.ts') ? ['--import', 'tsx', entry] : [entry];
    const child = spawn(process.execPath, [...nodeArgs, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
