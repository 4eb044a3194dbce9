import type { Collections, ProductDoc } from '../integrations/collections';
import type { SearchClient } from '../integrations/opensearch';
import type { RedisClient } from '../integrations/redis';
import type { StockCounters } from '../integrations/stock-counters';
import { StockChangeReader } from '../search/stock-change-feed';
import { aliasedIndices, ensureProductIndex, productAlias, productIndexBody } from './product-index';
import { searchDocument } from './search-document';

export interface IndexerDeps {
  collections: Collections;
  search: SearchClient;
  redis: RedisClient;
  counters: StockCounters;
  prefix: string;
  /** How often the whole index is compared with the database (and the stock counters). */
  reconcileEveryMs?: number;
  /** Writes are re-checked this far behind the cursor, for a write committed after a later one was read. */
  lateWriteWindowMs?: number;
  /** Compare the whole index with the database on start (catching up after downtime); default true. */
  reconcileOnStart?: boolean;
}

const batchSize = 500;
const reconcileBatchSize = 1000;
const lateWriteCheckEveryMs = 5_000;

interface Cursor {
  at: number;
  id: string;
}

interface RebuildState {
  index: string;
  after: string | null;
  waiters: Array<{ resolve: (index: string) => void; reject: (error: unknown) => void }>;
}

type BulkItem = { index?: { status: number; error?: unknown } };

/**
 * Keeps the product index in step with the database, without change streams, in one serial loop:
 *
 * - catalog writes: read in (updatedAt, _id) order after a cursor, indexed with the product's version as
 *   OpenSearch's external version (external_gte), so a re-read or an older copy never overwrites a newer
 *   one; a window behind the cursor is re-checked for writes that committed late;
 * - stock moves: SKUs from the stock-change stream, re-indexed with the live counters read at that moment;
 * - a periodic reconcile that compares every product's version and availability with the index and
 *   repairs any difference, so nothing is lost even if Redis (cursor, stream) is;
 * - a full rebuild into a new index, kept current by the same loop, then an atomic alias swap.
 *
 * All of it is one loop in one process per index prefix: two writers of one document never race.
 */
export class CatalogIndexer {
  private readonly cursorKey: string;
  private readonly stockChanges: StockChangeReader;
  private readonly reconcileEveryMs: number;
  private readonly lateWriteWindowMs: number;
  /** Versions indexed recently, to spot a late-committed write behind the cursor. */
  private readonly recent = new Map<string, { version: number; seenAt: number }>();
  private lastLateWriteCheck = 0;
  private lastReconcileStart = 0;
  private reconcile: { after: string | null } | undefined;
  private rebuildState: RebuildState | undefined;
  private readonly rebuildRequests: RebuildState['waiters'] = [];
  private started = false;
  /** Database write to indexed, for the most recent catalog write this indexer applied. */
  lastLagMs = 0;

  constructor(private readonly deps: IndexerDeps) {
    this.cursorKey = `search-indexer:${deps.prefix}:cursor`;
    this.stockChanges = new StockChangeReader(deps.redis, deps.prefix);
    this.reconcileEveryMs = deps.reconcileEveryMs ?? 10 * 60_000;
    this.lateWriteWindowMs = deps.lateWriteWindowMs ?? 30_000;
  }

  private get alias(): string {
    return productAlias(this.deps.prefix);
  }

  async cursor(): Promise<Cursor> {
    const raw = await this.deps.redis.get(this.cursorKey);
    return raw ? (JSON.parse(raw) as Cursor) : { at: 0, id: '' };
  }

  /**
   * Creates the index if needed and joins the stock stream. A start also begins a reconcile at once: after
   * the indexer (or OpenSearch) was down, it catches up by itself, whatever the stream kept.
   */
  async start(): Promise<void> {
    if (this.started) return;
    await ensureProductIndex(this.deps.search, this.deps.prefix);
    await this.stockChanges.ensureGroup();
    if (this.deps.reconcileOnStart ?? true) this.reconcile = { after: null };
    this.lastReconcileStart = Date.now();
    this.started = true;
  }

  /** One pass of every duty; returns how much it did, so the loop sleeps only when idle. */
  async tick(): Promise<number> {
    await this.start();
    let work = 0;
    work += await this.indexCatalogWrites();
    work += await this.indexStockMoves();
    if (Date.now() - this.lastLateWriteCheck >= lateWriteCheckEveryMs) work += await this.indexLateWrites();
    if (!this.rebuildState && this.rebuildRequests.length > 0) await this.beginRebuild();
    if (this.rebuildState) {
      work += await this.rebuildBatch(this.rebuildState);
    } else if (this.reconcile) {
      work += await this.reconcileBatch(this.reconcile);
    } else if (Date.now() - this.lastReconcileStart >= this.reconcileEveryMs) {
      this.reconcile = { after: null };
      this.lastReconcileStart = Date.now();
    }
    return work;
  }

  /** Runs until the signal aborts; failures (OpenSearch or the database down) are retried, losing nothing. */
  async run(signal: AbortSignal, log: (message: string) => void = console.error): Promise<void> {
    while (!signal.aborted) {
      try {
        const work = await this.tick();
        if (work === 0) await pause(100, signal);
      } catch (error) {
        // The cursor and the stream acknowledge only after a successful write, so a retry loses nothing.
        log(`search-indexer: ${error instanceof Error ? error.message : String(error)}`);
        await pause(1_000, signal);
      }
    }
    for (const waiter of this.rebuildState?.waiters ?? []) waiter.reject(new Error('indexer stopped'));
  }

  /** Builds a fresh index from the database while the loop keeps it current, then swaps the alias. */
  rebuild(): Promise<string> {
    return new Promise((resolve, reject) => this.rebuildRequests.push({ resolve, reject }));
  }

  /** True while nothing is waiting: no reconcile or rebuild in progress. */
  get settled(): boolean {
    return !this.reconcile && !this.rebuildState && this.rebuildRequests.length === 0;
  }

  private async indexCatalogWrites(): Promise<number> {
    const cursor = await this.cursor();
    const since = new Date(cursor.at);
    const changed = await this.deps.collections.products
      .find({ $or: [{ updatedAt: { $gt: since } }, { updatedAt: since, _id: { $gt: cursor.id } }] })
      .sort({ updatedAt: 1, _id: 1 })
      .limit(batchSize)
      .toArray();
    if (changed.length === 0) return 0;
    await this.index(changed, this.liveTargets());
    const last = changed[changed.length - 1] as ProductDoc;
    await this.deps.redis.set(this.cursorKey, JSON.stringify({ at: last.updatedAt.getTime(), id: last._id }));
    this.lastLagMs = Date.now() - last.updatedAt.getTime();
    return changed.length;
  }

  /** Re-reads the window behind the cursor; anything at a version this indexer has not applied goes in. */
  private async indexLateWrites(): Promise<number> {
    this.lastLateWriteCheck = Date.now();
    const cursor = await this.cursor();
    if (cursor.at === 0) return 0;
    const windowStart = cursor.at - this.lateWriteWindowMs;
    for (const [id, entry] of this.recent) {
      if (entry.seenAt < windowStart - this.lateWriteWindowMs) this.recent.delete(id);
    }
    const inWindow = await this.deps.collections.products
      .find(
        { updatedAt: { $gte: new Date(windowStart), $lte: new Date(cursor.at) } },
        { projection: { _id: 1, version: 1 } },
      )
      .toArray();
    const missed = inWindow
      .filter((p) => (this.recent.get(p._id)?.version ?? 0) < p.version)
      .map((p) => p._id);
    if (missed.length === 0) return 0;
    const products = await this.deps.collections.products.find({ _id: { $in: missed } }).toArray();
    await this.index(products, this.liveTargets());
    return products.length;
  }

  private async indexStockMoves(): Promise<number> {
    const batch = await this.stockChanges.read();
    if (batch.ids.length === 0) return 0;
    if (batch.skus.length > 0) {
      const owners = await this.deps.collections.skus.find({ _id: { $in: batch.skus } }).toArray();
      const productIds = [...new Set(owners.map((o) => o.productId))];
      if (productIds.length > 0) {
        const products = await this.deps.collections.products.find({ _id: { $in: productIds } }).toArray();
        await this.index(products, this.liveTargets());
      }
    }
    await this.stockChanges.acknowledge(batch.ids);
    return batch.ids.length;
  }

  /** Compares one slice of the catalog with the index: missing, older or wrongly available docs are fixed. */
  private async reconcileBatch(state: { after: string | null }): Promise<number> {
    const slice = await this.deps.collections.products
      .find(state.after === null ? {} : { _id: { $gt: state.after } })
      .sort({ _id: 1 })
      .limit(reconcileBatchSize)
      .toArray();
    if (slice.length < reconcileBatchSize) this.reconcile = undefined;
    const last = slice[slice.length - 1];
    if (!last) return 0;
    state.after = last._id;
    const response = await this.deps.search.mget({
      index: this.alias,
      body: { ids: slice.map((p) => p._id) },
      _source_includes: ['inStock'],
    });
    const indexed = new Map<string, { version: number; inStock: boolean }>();
    for (const doc of response.body.docs as Array<{
      _id: string;
      found?: boolean;
      _version?: number;
      _source?: { inStock?: boolean };
    }>) {
      if (doc.found)
        indexed.set(doc._id, { version: doc._version ?? 0, inStock: doc._source?.inStock ?? false });
    }
    const stock = await this.liveStock(slice);
    const stale = slice.filter((p) => {
      const seen = indexed.get(p._id);
      return !seen || seen.version < p.version || seen.inStock !== inStockOf(p, stock);
    });
    if (stale.length > 0) await this.index(stale, this.liveTargets());
    return slice.length;
  }

  private async beginRebuild(): Promise<void> {
    const index = `${this.alias}-${Date.now()}`;
    await this.deps.search.indices.create({ index, body: productIndexBody });
    this.rebuildState = { index, after: null, waiters: this.rebuildRequests.splice(0) };
  }

  private async rebuildBatch(state: RebuildState): Promise<number> {
    const slice = await this.deps.collections.products
      .find(state.after === null ? {} : { _id: { $gt: state.after } })
      .sort({ _id: 1 })
      .limit(batchSize)
      .toArray();
    const last = slice[slice.length - 1];
    if (last) {
      await this.index(slice, [state.index]);
      state.after = last._id;
    }
    if (slice.length === batchSize) return slice.length;
    await this.swapAlias(state.index);
    this.rebuildState = undefined;
    for (const waiter of state.waiters) waiter.resolve(state.index);
    return slice.length + 1;
  }

  /** One atomic alias update: searches see the old index until the instant they see the new one. */
  private async swapAlias(index: string): Promise<void> {
    await this.deps.search.indices.refresh({ index });
    const previous = (await aliasedIndices(this.deps.search, this.deps.prefix)).filter((i) => i !== index);
    await this.deps.search.indices.updateAliases({
      body: {
        actions: [
          ...previous.map((old) => ({ remove: { index: old, alias: this.alias } })),
          { add: { index, alias: this.alias } },
        ],
      },
    });
    if (previous.length > 0) await this.deps.search.indices.delete({ index: previous }, { ignore: [404] });
  }

  /** Live writes go to the alias and, during a rebuild, to the new index too, so it misses nothing. */
  private liveTargets(): string[] {
    return this.rebuildState ? [this.alias, this.rebuildState.index] : [this.alias];
  }

  private async liveStock(products: ProductDoc[]): Promise<Map<string, number>> {
    return this.deps.counters.totalAvailable(products.flatMap((p) => p.skus.map((s) => s.sku)));
  }

  /** Indexes these copies; one older than what the index holds is refused there (external versioning). */
  async index(products: ProductDoc[], targets: string[] = this.liveTargets()): Promise<void> {
    if (products.length === 0) return;
    const stock = await this.liveStock(products);
    const body = targets.flatMap((target) =>
      products.flatMap((product) => [
        {
          index: {
            _index: target,
            _id: product._id,
            version: product.version,
            version_type: 'external_gte' as const,
          },
        },
        searchDocument(product, inStockOf(product, stock)),
      ]),
    );
    const response = await this.deps.search.bulk({ body });
    const failures = (response.body.items as BulkItem[]).filter(
      (item) => item.index && item.index.status >= 300 && item.index.status !== 409,
    );
    if (failures.length > 0) {
      throw new Error(`indexing failed for ${failures.length} products: ${JSON.stringify(failures[0])}`);
    }
    const now = Date.now();
    for (const product of products) this.recent.set(product._id, { version: product.version, seenAt: now });
  }
}

function inStockOf(product: ProductDoc, stock: Map<string, number>): boolean {
  return product.skus.some((s) => (stock.get(s.sku) ?? 0) > 0);
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
