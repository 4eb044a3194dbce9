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

/**
 * Catalog writes (create, edit, pause) name their product here, so the indexer fetches it by _id at once
 * instead of waiting for its scan, which on FerretDB v1 reads the whole collection. The scan stays as the
 * safety net for a write whose notice was lost.
 */
export const catalogChangeStream = 'search:catalog-changes';

export async function publishCatalogChanges(redis: RedisClient, productIds: string[]): Promise<void> {
  const unique = [...new Set(productIds)];
  if (unique.length === 0) return;
  await redis.xadd(catalogChangeStream, 'MAXLEN', '~', String(streamCapacity), '*', 'ids', unique.join(' '));
}

export interface ChangeBatch {
  /** Stream entry ids, to acknowledge. */
  ids: string[];
  /** The SKUs or product ids the entries name. */
  keys: string[];
}

type StreamReply = Array<[string, Array<[string, string[]]>]> | null;

export class ChangeStreamReader {
  private readonly group: string;
  private readonly consumer = 'indexer';
  private pendingDrained = false;

  constructor(
    private readonly redis: RedisClient,
    private readonly stream: string,
    prefix: string,
  ) {
    this.group = `search-indexer:${prefix}`;
  }

  /** Joins at the stream's end: everything before is covered by the first full pass over the catalog. */
  async ensureGroup(): Promise<void> {
    try {
      await this.redis.xgroup('CREATE', this.stream, this.group, '$', 'MKSTREAM');
    } catch (error) {
      if (!(error instanceof Error) || !error.message.includes('BUSYGROUP')) throw error;
    }
  }

  /**
   * Next batch: first whatever this consumer read but never acknowledged (it crashed mid-batch), then new
   * moves. Never blocks, so one indexer loop serves products and stock in turn.
   */
  async read(count = 1000): Promise<ChangeBatch> {
    const batch = await this.readFrom(this.pendingDrained ? '>' : '0', count);
    // A batch read and never acknowledged (its index write failed, e.g. OpenSearch was down) stays pending
    // for this consumer: read pending first again until it is written, or the notice would be lost until
    // the next full reconcile.
    if (batch.ids.length > 0) this.pendingDrained = false;
    return batch;
  }

  private async readFrom(from: '>' | '0', count: number): Promise<ChangeBatch> {
    let reply: StreamReply;
    try {
      reply = (await this.redis.xreadgroup(
        'GROUP',
        this.group,
        this.consumer,
        'COUNT',
        String(count),
        'STREAMS',
        this.stream,
        from,
      )) as StreamReply;
    } catch (error) {
      // Redis lost the group (restarted empty): join again; the reconcile covers what was lost.
      if (error instanceof Error && error.message.includes('NOGROUP')) {
        await this.ensureGroup();
        return { ids: [], keys: [] };
      }
      throw error;
    }
    const entries = reply?.[0]?.[1] ?? [];
    if (from === '0' && entries.length === 0) this.pendingDrained = true;
    const keys = new Set<string>();
    for (const [, fields] of entries) {
      for (let i = 1; i < fields.length; i += 2) {
        for (const key of (fields[i] ?? '').split(' ')) if (key) keys.add(key);
      }
    }
    return { ids: entries.map(([id]) => id), keys: [...keys] };
  }

  /** Notices written but not yet acknowledged by this indexer: never read (lag) plus read and unfinished. */
  async backlog(): Promise<number> {
    const groups = (await this.redis.xinfo('GROUPS', this.stream)) as unknown[][];
    for (const fields of groups) {
      const info = new Map<string, unknown>();
      for (let i = 0; i + 1 < fields.length; i += 2) info.set(String(fields[i]), fields[i + 1]);
      if (info.get('name') !== this.group) continue;
      return Number(info.get('lag') ?? 0) + Number(info.get('pending') ?? 0);
    }
    return 0;
  }

  async acknowledge(ids: string[]): Promise<void> {
    if (ids.length > 0) await this.redis.xack(this.stream, this.group, ...ids);
  }
}
