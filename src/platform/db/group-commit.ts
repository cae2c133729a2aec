/**
 * Group commit: the writes that arrive while one batch is being written wait and go together as the next batch, in
 * one transaction of the caller's `write`. An idle writer writes at once (a batch of one), so a lone request never
 * waits for a timer; under load, batches grow by themselves to what arrives during one write. Round trips, statement
 * overheads and commits are then paid once per batch instead of once per request.
 *
 * Per process: with several processes, each writes its own batches, so `write` must stay correct when batches of
 * other processes run beside it (lock rows in a fixed order, keep unique constraints as the backstop).
 *
 * `write` answers each item of a batch, in order. When it throws, the whole batch fails: every item's promise is
 * rejected with that error, and the caller decides what to retry (typically each item on its own, so one bad item
 * does not fail the others).
 */
export class GroupCommit<Item, Result> {
  private readonly waiting: { item: Item; resolve: (result: Result) => void; reject: (error: unknown) => void }[] = [];
  private writing = false;

  constructor(
    private readonly write: (batch: Item[]) => Promise<Result[]>,
    private readonly options: {
      /** The most items in one batch; more wait for the next one. */
      maxBatch: number;
      /**
       * Items that must not share a batch (e.g. two submissions of one draft): the later one waits for the next
       * batch. Items with the same key go in arrival order.
       */
      keyOf?: (item: Item) => string;
    },
  ) {
    if (!(options.maxBatch >= 1)) throw new RangeError('maxBatch must be at least 1');
  }

  /** Queues the item; resolves with its result once its batch has been written (committed). */
  add(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  /** Items waiting for a batch (not counting the batch being written). */
  get pending(): number {
    return this.waiting.length;
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.waiting.length > 0) {
        const batch = this.take();
        let results: Result[];
        try {
          results = await this.write(batch.map((w) => w.item));
          if (results.length !== batch.length) throw new Error(`group commit: ${results.length} results for ${batch.length} items`);
        } catch (error) {
          for (const w of batch) w.reject(error);
          continue;
        }
        batch.forEach((w, i) => w.resolve(results[i]!));
      }
    } finally {
      this.writing = false;
    }
  }

  /** The next batch: the oldest items, at most `maxBatch`, no two with the same key. */
  private take() {
    const { maxBatch, keyOf } = this.options;
    if (!keyOf) return this.waiting.splice(0, maxBatch);
    const batch: typeof this.waiting = [];
    const keys = new Set<string>();
    for (let i = 0; i < this.waiting.length && batch.length < maxBatch; ) {
      const key = keyOf(this.waiting[i]!.item);
      if (keys.has(key)) {
        i++;
        continue;
      }
      keys.add(key);
      batch.push(...this.waiting.splice(i, 1));
    }
    return batch;
  }
}
