import type { FindCursor } from 'mongodb';

/**
 * A database read the indexer loop starts and collects later, so a slow read (FerretDB v1 answers range
 * queries by reading the whole collection) never stalls the fast paths. Only the read runs in the
 * background; indexing stays in the one serial loop, so two writes of one document never race.
 */
export class BackgroundRead<T> {
  private state: { done: false } | { done: true; value: T } | { done: true; error: unknown } = {
    done: false,
  };

  constructor(read: () => Promise<T>) {
    read().then(
      (value) => {
        this.state = { done: true, value };
      },
      (error: unknown) => {
        this.state = { done: true, error };
      },
    );
  }

  get done(): boolean {
    return this.state.done;
  }

  /** The value once done (throws the read's error); call only when `done`. */
  take(): T {
    if (!this.state.done) throw new Error('read still running');
    if ('error' in this.state) throw this.state.error;
    return this.state.value;
  }
}

/** Walks a whole collection once, one batch ahead of the caller. */
export class CollectionPass<T> {
  private next: BackgroundRead<T[]>;
  exhausted = false;

  constructor(
    private readonly cursor: FindCursor<T>,
    private readonly batchSize: number,
  ) {
    this.next = this.fetch();
  }

  private fetch(): BackgroundRead<T[]> {
    return new BackgroundRead(async () => {
      const batch: T[] = [];
      while (batch.length < this.batchSize) {
        const doc = await this.cursor.next();
        if (doc === null) break;
        batch.push(doc);
      }
      return batch;
    });
  }

  /** The next batch if it has arrived, else undefined; an empty batch means the pass is over. */
  poll(): T[] | undefined {
    if (!this.next.done) return undefined;
    const batch = this.next.take();
    if (batch.length < this.batchSize) {
      this.exhausted = true;
      void this.cursor.close();
    } else {
      this.next = this.fetch();
    }
    return batch;
  }
}
