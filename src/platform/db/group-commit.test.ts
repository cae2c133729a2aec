import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GroupCommit } from './group-commit.js';

/** A writer whose batches finish when the test says so. */
function controlledWriter() {
  const batches: number[][] = [];
  const finish: (() => void)[] = [];
  const write = (items: number[]) => {
    batches.push(items);
    return new Promise<string[]>((resolve) => finish.push(() => resolve(items.map((i) => `done ${i}`))));
  };
  return { batches, finish, write };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommit', () => {
  test('does write a lone item at once, and what arrives meanwhile as the next batch', async () => {
    const w = controlledWriter();
    const group = new GroupCommit(w.write, { maxBatch: 10 });
    const first = group.add(1);
    await tick();
    assert.deepEqual(w.batches, [[1]], 'an idle writer does not wait');
    const rest = [group.add(2), group.add(3), group.add(4)];
    await tick();
    assert.equal(group.pending, 3);
    w.finish.shift()!();
    assert.equal(await first, 'done 1');
    await tick();
    assert.deepEqual(w.batches, [[1], [2, 3, 4]]);
    w.finish.shift()!();
    assert.deepEqual(await Promise.all(rest), ['done 2', 'done 3', 'done 4']);
  });

  test('does cap a batch at maxBatch', async () => {
    const w = controlledWriter();
    const group = new GroupCommit(w.write, { maxBatch: 2 });
    const all = [1, 2, 3, 4, 5].map((i) => group.add(i));
    for (let round = 0; round < 3; round++) {
      await tick();
      w.finish.shift()!();
    }
    assert.deepEqual(await Promise.all(all), ['done 1', 'done 2', 'done 3', 'done 4', 'done 5']);
    assert.deepEqual(w.batches, [[1], [2, 3], [4, 5]]);
  });

  test('does keep two items with the same key out of one batch, in arrival order', async () => {
    const w = controlledWriter();
    const group = new GroupCommit(w.write, { maxBatch: 10, keyOf: (i) => String(i % 10) });
    const all = [1, 2, 11, 3, 21].map((i) => group.add(i));
    for (let round = 0; round < 4; round++) {
      await tick();
      w.finish.shift()?.();
    }
    await Promise.all(all);
    assert.deepEqual(w.batches, [[1], [2, 11, 3], [21]]);
  });

  test('does reject every item of a failed batch with its error, and go on with the next batch', async () => {
    let calls = 0;
    const group = new GroupCommit(
      async (items: number[]) => {
        calls++;
        if (items.includes(2)) throw new Error('boom');
        return items.map((i) => i * 10);
      },
      { maxBatch: 10 },
    );
    const one = group.add(1);
    const failed = [group.add(2), group.add(3)];
    const results = await Promise.allSettled([one, ...failed]);
    assert.deepEqual(
      results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message)),
      [10, 'boom', 'boom'],
    );
    assert.equal(await group.add(4), 40, 'the writer is usable after a failure');
    assert.equal(calls, 3);
  });

  test('does refuse a writer that answers a batch with the wrong number of results', async () => {
    const group = new GroupCommit(async () => [], { maxBatch: 10 });
    await assert.rejects(group.add(1), /0 results for 1 items/);
  });
});
