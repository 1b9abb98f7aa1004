// docker-compose.yml stays valid and consistent with the code, checked by compose-go (the loader
// Docker Compose uses) since no Docker engine runs here.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { ALL_SEARCH_ATTRIBUTES } from '../domain/search-attributes.ts';
import { loadConfig } from '../runtime/config.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const checker = join(root, 'scripts', 'compose-check');
const secrets = {
  TEMPORAL_DB_PASSWORD: 'temporal-db-pw',
  NETSWIM_DB_PASSWORD: 'netswim-db-pw',
  NETSWIM_SECRET_KEY: 'a'.repeat(64),
  NETSWIM_API_TOKENS: 'admin:0123456789abcdef0123',
  NETSWIM_IMAGE_SERVICE_URL: 'http://10.0.0.5:8081',
};

interface Service {
  image: string;
  build: boolean;
  environment: Record<string, string>;
  dependsOn: string[];
  command: string[] | null;
}

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'netswim-compose-'));
});
after(() => rm(dir, { recursive: true, force: true }));

async function load(file: string, env: Record<string, string>): Promise<Record<string, Service>> {
  const { stdout } = await run('go', ['run', '.', file], { cwd: checker, env: { ...process.env, ...env }, timeout: 300_000 });
  return JSON.parse(stdout) as Record<string, Service>;
}

describe('docker-compose.yml', () => {
  it('is a valid Compose project with the production stack', async () => {
    const services = await load(join(root, 'docker-compose.yml'), secrets);
    assert.deepEqual(Object.keys(services).sort(), ['netswim-api', 'netswim-db', 'netswim-worker', 'temporal', 'temporal-db', 'temporal-search-attributes', 'temporal-ui']);

    for (const [name, entry] of [['netswim-api', 'api/main.ts'], ['netswim-worker', 'workers/main.ts']] as const) {
      const service = services[name]!;
      assert.ok(service.build, `${name} is built from this repository`);
      assert.ok(service.command?.includes(entry) && existsSync(join(root, entry)), `${name} runs ${entry}, which exists`);
      // The resolved environment must satisfy netswim's own configuration loader.
      const config = loadConfig(service.environment);
      assert.equal(config.databaseUrl, `postgres://netswim:${secrets.NETSWIM_DB_PASSWORD}@netswim-db:5432/netswim`);
      assert.equal(config.temporalAddress, 'temporal:7233');
      assert.equal(config.imageService.publicUrl, secrets.NETSWIM_IMAGE_SERVICE_URL);
    }
    assert.ok(services['netswim-api']!.dependsOn.includes('netswim-db'));

    const registration = (services['temporal-search-attributes']!.command ?? []).join(' ');
    for (const key of ALL_SEARCH_ATTRIBUTES) assert.ok(registration.includes(key.name), `production registers ${key.name}`);
  });

  it('names the secret that is missing', async () => {
    const { NETSWIM_SECRET_KEY: _omitted, ...rest } = secrets;
    await assert.rejects(load(join(root, 'docker-compose.yml'), { ...rest, NETSWIM_SECRET_KEY: '' }), /NETSWIM_SECRET_KEY/);
  });

  it('the checker really validates: a misspelt key is refused', async () => {
    const broken = join(dir, 'broken.yml');
    await writeFile(broken, (await readFile(join(root, 'docker-compose.yml'), 'utf8')).replace('    depends_on:\n      netswim-db:', '    depends_onn:\n      netswim-db:'));
    await assert.rejects(load(broken, secrets), /depends_onn/);
  });
});
