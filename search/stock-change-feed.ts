import type { RedisClient } from '../integrations/redis';

// Stock moves (holds, releases, adjustments) do not touch the product document, so they cannot reach the
// index through the catalog's version. Each move appends its SKUs to a Redis stream; every indexer (one
// consumer group per index prefix) reads it at least once and acknowledges only after indexing, so a
// crash redelivers. Redis is a cache: if the stream is lost, the indexer's periodic reconcile repairs it.
export const stockChangeStream = 'search:stock-changes';

/** Roughly how many moves the stream keeps for an indexer that is down; older ones fall to the reconcile. */
const streamCapacity = 200_000;

export async function publishStockChanges(redis: RedisClient, skus: string[]): Promise<void> {
  const unique = [...new Set(skus)];
  if (unique.length === 0) return;
  await redis.xadd(stockChangeStream, 'MAXLEN', '~', String(streamCapacity), '*', 'skus', unique.join(' '));
}

export interface StockChangeBatch {
  ids: string[];
  skus: string[];
}

type StreamReply = Array<[string, Array<[string, string[]]>]> | null;

export class StockChangeReader {
  private readonly group: string;
  private readonly consumer = 'indexer';
  private pendingDrained = false;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.group = `search-indexer:${prefix}`;
  }

  /** Joins at the stream's end: everything before is covered by the first full pass over the catalog. */
  async ensureGroup(): Promise<void> {
    try {
      await this.redis.xgroup('CREATE', stockChangeStream, this.group, '$', 'MKSTREAM');
    } catch (error) {
      if (!(error instanceof Error) || !error.message.includes('BUSYGROUP')) throw error;
    }
  }

  /**
   * Next batch: first whatever this consumer read but never acknowledged (it crashed mid-batch), then new
   * moves. Never blocks, so one indexer loop serves products and stock in turn.
   */
  async read(count = 1000): Promise<StockChangeBatch> {
    const from = this.pendingDrained ? '>' : '0';
    let reply: StreamReply;
    try {
      reply = (await this.redis.xreadgroup(
        'GROUP',
        this.group,
        this.consumer,
        'COUNT',
        String(count),
        'STREAMS',
        stockChangeStream,
        from,
      )) as StreamReply;
    } catch (error) {
      // Redis lost the group (restarted empty): join again; the reconcile covers what was lost.
      if (error instanceof Error && error.message.includes('NOGROUP')) {
        await this.ensureGroup();
        return { ids: [], skus: [] };
      }
      throw error;
    }
    const entries = reply?.[0]?.[1] ?? [];
    if (from === '0' && entries.length === 0) this.pendingDrained = true;
    const skus = new Set<string>();
    for (const [, fields] of entries) {
      for (let i = 0; i + 1 < fields.length; i += 2) {
        if (fields[i] === 'skus') for (const sku of (fields[i + 1] ?? '').split(' ')) if (sku) skus.add(sku);
      }
    }
    return { ids: entries.map(([id]) => id), skus: [...skus] };
  }

  async acknowledge(ids: string[]): Promise<void> {
    if (ids.length > 0) await this.redis.xack(stockChangeStream, this.group, ...ids);
  }
}
