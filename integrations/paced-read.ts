import { setTimeout as sleep } from 'node:timers/promises';
import type { FindCursor } from 'mongodb';

/**
 * The documents of a cursor over a whole collection, with a rest after every `batchSize` of them as long
 * as reading the batch took (at most `maxRestMs`). FerretDB v1 answers a scan, or a filter it cannot hand
 * to PostgreSQL ($in, ranges), by reading every row; a background job that reads that way in one go is a
 * burst that grows with the data and competes with checkout. Paced, it costs the same in total but takes
 * at most about half of one database connection's time, and checkout's index look-ups run in between.
 * The cursor is closed when the loop over it ends, early or not.
 */
export async function* pacedRead<T>(
  cursor: FindCursor<T>,
  { batchSize = 1_000, maxRestMs = 250 } = {},
): AsyncGenerator<T> {
  try {
    let inBatch = 0;
    let batchStarted = performance.now();
    for await (const doc of cursor.batchSize(batchSize)) {
      yield doc;
      if (++inBatch === batchSize) {
        await sleep(Math.min(maxRestMs, performance.now() - batchStarted));
        inBatch = 0;
        batchStarted = performance.now();
      }
    }
  } finally {
    await cursor.close();
  }
}
