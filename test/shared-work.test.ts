// Shared work (one staging of an image per site server): every waiter gets the one result, a
// waiter that gives up leaves the work running for the others, the last one to give up stops it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SharedWork } from '../distribution/shared-work.ts';

/** Work that finishes when told to, and records whether it was aborted. */
function controllable() {
  const runs: { signal: AbortSignal; finish: (value: string) => void }[] = [];
  const start = (signal: AbortSignal, state: { bytes: number }) =>
    new Promise<string>((resolve, reject) => {
      state.bytes = 1;
      runs.push({ signal, finish: resolve });
      signal.addEventListener('abort', () => reject(new Error('upload aborted')), { once: true });
    });
  return { runs, start };
}

describe('shared work', () => {
  it('starts once for everyone waiting on the same key, and shares its state', async () => {
    const work = new SharedWork<string, { bytes: number }>(() => ({ bytes: 0 }));
    const { runs, start } = controllable();
    const a = work.join('srv/img', start, new AbortController().signal);
    const b = work.join('srv/img', start, new AbortController().signal);
    assert.equal(runs.length, 1);
    assert.equal(a.state, b.state);
    assert.equal(a.state.bytes, 1);
    runs[0]!.finish('staged');
    assert.deepEqual(await Promise.all([a.done, b.done]), ['staged', 'staged']);
    assert.equal(work.size, 0, 'settled work is forgotten');
    work.join('srv/img', start, new AbortController().signal);
    assert.equal(runs.length, 2, 'a later caller starts it again');
  });

  it("one waiter giving up leaves the work running for the others", async () => {
    const work = new SharedWork<string, { bytes: number }>(() => ({ bytes: 0 }));
    const { runs, start } = controllable();
    const cancelled = new AbortController();
    const a = work.join('k', start, cancelled.signal);
    const b = work.join('k', start, new AbortController().signal);
    cancelled.abort(new Error('upgrade of sw1 cancelled'));
    await assert.rejects(a.done, /upgrade of sw1 cancelled/);
    assert.equal(runs[0]!.signal.aborted, false, 'the work goes on');
    runs[0]!.finish('staged');
    assert.equal(await b.done, 'staged');
  });

  it('the last waiter giving up stops the work; a newcomer then starts afresh', async () => {
    const work = new SharedWork<string, { bytes: number }>(() => ({ bytes: 0 }));
    const { runs, start } = controllable();
    const first = new AbortController();
    const second = new AbortController();
    const a = work.join('k', start, first.signal);
    const b = work.join('k', start, second.signal);
    first.abort(new Error('first cancelled'));
    await assert.rejects(a.done);
    second.abort(new Error('second cancelled'));
    await assert.rejects(b.done, /second cancelled/);
    assert.equal(runs[0]!.signal.aborted, true, 'nobody waits: the work is stopped');
    const c = work.join('k', start, new AbortController().signal);
    assert.equal(runs.length, 2, 'stopped work is not joined');
    runs[1]!.finish('staged again');
    assert.equal(await c.done, 'staged again');
  });

  it('a waiter whose signal is already aborted is refused at once, without starting anything else', async () => {
    const work = new SharedWork<string, { bytes: number }>(() => ({ bytes: 0 }));
    const { runs, start } = controllable();
    const b = work.join('k', start, new AbortController().signal);
    const gone = new AbortController();
    gone.abort(new Error('already cancelled'));
    await assert.rejects(work.join('k', start, gone.signal).done, /already cancelled/);
    assert.equal(runs.length, 1);
    assert.equal(runs[0]!.signal.aborted, false, 'the other waiter still needs it');
    runs[0]!.finish('ok');
    assert.equal(await b.done, 'ok');
  });
});
