// The Temporal CLI finder honours its order: explicit path, PATH, cache (the build is proven by
// the test suite itself: every workflow test runs on the binary this finder produced), and the
// binary also serves the SDK's own test environment for contributors who prefer it.
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ALL_SEARCH_ATTRIBUTES } from '../domain/search-attributes.ts';
import { cacheDir, findTemporalCli } from '../scripts/temporal-cli.ts';

let dir: string;
let realCli: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'netswim-cli-'));
  realCli = (await findTemporalCli()).path;
});
after(() => rm(dir, { recursive: true, force: true }));

describe('findTemporalCli', () => {
  it('uses TEMPORAL_CLI first, and refuses one that is not executable', async () => {
    const found = await findTemporalCli({ env: { TEMPORAL_CLI: realCli, PATH: '' } });
    assert.deepEqual(found, { path: realCli, source: 'TEMPORAL_CLI' });
    await assert.rejects(findTemporalCli({ env: { TEMPORAL_CLI: join(dir, 'missing') } }), /not an executable/);
  });

  it('then a temporal on PATH that answers --version, skipping impostors', async () => {
    const fake = join(dir, 'fake-bin');
    const good = join(dir, 'good-bin');
    await mkdir(fake);
    await mkdir(good);
    await writeFile(join(fake, 'temporal'), '#!/bin/sh\necho not-temporal\n');
    await chmod(join(fake, 'temporal'), 0o755);
    await symlink(realCli, join(good, 'temporal'));
    const found = await findTemporalCli({ env: { PATH: `${fake}:${good}`, NETSWIM_CACHE_DIR: join(dir, 'empty-cache') } });
    assert.deepEqual(found, { path: join(good, 'temporal'), source: 'PATH' });
  });

  it('then the per-machine cache', async () => {
    const env = { PATH: '', NETSWIM_CACHE_DIR: join(dir, 'cache') };
    await mkdir(cacheDir(env), { recursive: true });
    await symlink(realCli, join(cacheDir(env), 'temporal'));
    assert.deepEqual(await findTemporalCli({ env }), { path: join(cacheDir(env), 'temporal'), source: 'cache' });
  });

  it('says what it tried when nothing works', async () => {
    await assert.rejects(findTemporalCli({ env: { PATH: '', NETSWIM_CACHE_DIR: join(dir, 'nothing'), NETSWIM_TEMPORAL_DOWNLOAD: '0' } }),
      /no Temporal CLI: set TEMPORAL_CLI.*go is not installed; download disabled/);
  });
});

describe('the found CLI', () => {
  it("runs as @temporalio/testing's existing-path dev server, with netswim's search attributes", async () => {
    const env = await TestWorkflowEnvironment.createLocal({
      server: { executable: { type: 'existing-path', path: realCli }, searchAttributes: ALL_SEARCH_ATTRIBUTES },
    });
    try {
      const { keys } = await env.connection.operatorService.listSearchAttributes({ namespace: 'default' }).then((r) => ({ keys: Object.keys(r.customAttributes ?? {}) }));
      for (const key of ALL_SEARCH_ATTRIBUTES) assert.ok(keys.includes(key.name), `${key.name} registered`);
    } finally {
      await env.teardown();
    }
  });
});
