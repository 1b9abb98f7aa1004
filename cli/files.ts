// Reading a small JSON document from disk (KGV, inventory) with an error a person can act on.
import { readFile } from 'node:fs/promises';
import { CliError } from './command.ts';

export async function readTextFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
  }
}
