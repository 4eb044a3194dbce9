import type { Collections } from '../integrations/collections';
import type { ProductDoc } from '../catalog/documents';
import type { SearchClient } from '../integrations/opensearch';
import type { RedisClient } from '../integrations/redis';
import type { StockCounters } from '../integrations/stock-counters';
import { ChangeStreamReader, catalogChangeStream, stockChangeStream } from '../search/stock-change-feed';
import { BackgroundRead, CollectionPass } from './background-read';
import {
  aliasedIndices,
  ensureProductIndex,
  productAlias,
  productIndexBodyWith,
} from '../search/product-index';
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
  /** How often the catalog is scanned for writes after the cursor (the safety net behind the notices). */
  scanEveryMs?: number;
  /** Compare the whole index with the database on start (catching up after downtime); default true. */
  reconcileOnStart?: boolean;
  /** Replicas of each shard in the indices this indexer creates (OPENSEARCH_INDEX_REPLICAS); default 0. */
  replicas?: number;
}

const batchSize = 500;
const passBatchSize = 1000;
const lateWriteCheckEveryMs = 5_000;
const fetchConcurrency = 32;
/**
 * FerretDB v1 answers a range or $or filter by reading the whole collection (only equality reaches an index),
 * so the scans below cost in proportion to the catalog. Each waits, after it ends, at least this many times
 * as long as it took before the next one starts: the scans take at most a fifth of one database connection's
 * time, however large the catalog, and never crowd out checkout. Notices stay instant; only the safety nets
 * slow down as the catalog grows.
 */
const scanRestFactor = 4;
/** At most one reconcile slice (passBatchSize products) this often: a full pass is paced, never a burst. */
const reconcileSliceEveryMs = 250;

interface Cursor {
  at: number;
  id: string;
}

interface PassState {
  pass: CollectionPass<ProductDoc>;
  /** A batch taken from the pass but not yet indexed: kept until indexing succeeds. */
  pending?: ProductDoc[];
}

interface RebuildState extends PassState {
  index: string;
  waiters: Array<{ resolve: (index: string) => void; reject: (error: unknown) => void }>;
}

type BulkItem = { index?: { status: number; error?: unknown } };

/**
 * Keeps the product index in step with the database, without change streams, in one serial loop:
 *
 * - catalog writes: notices on the catalog-change stream name the product, fetched by _id at once; a scan
 *   in (updatedAt, _id) order after a cursor is the safety net, and a window behind the cursor is re-checked
 *   for writes that committed late. Every write uses the product's version as OpenSearch's external version
 *   (external_gte), so a re-read or an older copy never overwrites a newer one;
 * - stock moves: SKUs from the stock-change stream, re-indexed with the live counters read at that moment;
 * - a periodic reconcile that compares every product's version and availability with the index and
 *   repairs any difference, so nothing is lost even if Redis (cursor, streams) is;
 * - a full rebuild into a new index, kept current by the same loop, then an atomic alias swap.
 *
 * Slow database reads (scans) run in the background, but every index write happens in this one loop in one
 * process per index prefix, so two writers of one document never race.
 */
export class CatalogIndexer {
  private readonly cursorKey: string;
  private readonly stockChanges: ChangeStreamReader;
  private readonly catalogChanges: ChangeStreamReader;
  private readonly reconcileEveryMs: number;
  private readonly lateWriteWindowMs: number;
  private readonly scanEveryMs: number;
  /** Versions indexed recently, to spot a late-committed write behind the cursor. */
  private readonly recent = new Map<string, { version: number; seenAt: number }>();
  private scan: BackgroundRead<ProductDoc[]> | undefined;
  private lastScanStart = 0;
  private nextScanAt = 0;
  private lateCheck: BackgroundRead<Array<Pick<ProductDoc, '_id' | 'version'>>> | undefined;
  private lastLateWriteCheck = 0;
  private nextLateWriteCheckAt = 0;
  private lastReconcileStart = 0;
  private nextReconcileSliceAt = 0;
  private reconcile: PassState | undefined;
  private rebuildState: RebuildState | undefined;
  private readonly rebuildRequests: RebuildState['waiters'] = [];
  private started = false;
  /** Database write to indexed, for the most recent catalog write this indexer applied. */
  lastLagMs = 0;

  constructor(private readonly deps: IndexerDeps) {
    this.cursorKey = `search-indexer:${deps.prefix}:cursor`;
    this.stockChanges = new ChangeStreamReader(deps.redis, stockChangeStream, deps.prefix);
    this.catalogChanges = new ChangeStreamReader(deps.redis, catalogChangeStream, deps.prefix);
    this.reconcileEveryMs = deps.reconcileEveryMs ?? 10 * 60_000;
    this.lateWriteWindowMs = deps.lateWriteWindowMs ?? 30_000;
    this.scanEveryMs = deps.scanEveryMs ?? 1_000;
  }

  private get alias(): string {
    return productAlias(this.deps.prefix);
  }

  async cursor(): Promise<Cursor> {
    const raw = await this.deps.redis.get(this.cursorKey);
    return raw ? (JSON.parse(raw) as Cursor) : { at: 0, id: '' };
  }

  /**
   * Creates the index if needed and joins the streams. A start also begins a reconcile at once: after the
   * indexer (or OpenSearch) was down, it catches up by itself, whatever the streams kept.
   */
  async start(): Promise<void> {
    if (this.started) return;
    await ensureProductIndex(this.deps.search, this.deps.prefix, this.deps.replicas ?? 0);
    await this.stockChanges.ensureGroup();
    await this.catalogChanges.ensureGroup();
    if (this.deps.reconcileOnStart ?? true) this.reconcile = this.newPass();
    this.lastReconcileStart = Date.now();
    this.started = true;
  }

  /** One pass of every duty; returns how much it did, so the loop sleeps only when idle. */
  async tick(): Promise<number> {
    await this.start();
    let work = 0;
    work += await this.indexCatalogNotices();
    work += await this.indexStockMoves();
    work += await this.indexScannedWrites();
    work += await this.indexLateWrites();
    if (!this.rebuildState && this.rebuildRequests.length > 0) await this.beginRebuild();
    if (this.rebuildState) {
      work += await this.rebuildBatch(this.rebuildState);
    } else if (this.reconcile) {
      work += await this.reconcileBatch(this.reconcile);
    } else if (Date.now() - this.lastReconcileStart >= this.reconcileEveryMs) {
      this.reconcile = this.newPass();
      this.lastReconcileStart = Date.now();
    }
    return work;
  }

  /** Runs until the signal aborts; failures (OpenSearch or the database down) are retried, losing nothing. */
  async run(signal: AbortSignal, log: (message: string) => void): Promise<void> {
    while (!signal.aborted) {
      try {
        const work = await this.tick();
        if (work === 0) await pause(20, signal);
      } catch (error) {
        // Cursor and streams acknowledge only after a successful write, so a retry loses nothing.
        log(`search-indexer: ${error instanceof Error ? error.message : String(error)}`);
        await pause(1_000, signal);
      }
    }
    for (const waiter of this.rebuildState?.waiters ?? []) waiter.reject(new Error('indexer stopped'));
  }

  /** Change notices waiting for this indexer, per stream (what /metrics reports as the outbox backlog). */
  async backlog(): Promise<{ catalog: number; stock: number }> {
    const [catalog, stock] = await Promise.all([this.catalogChanges.backlog(), this.stockChanges.backlog()]);
    return { catalog, stock };
  }

  /** Builds a fresh index from the database while the loop keeps it current, then swaps the alias. */
  rebuild(): Promise<string> {
    return new Promise((resolve, reject) => this.rebuildRequests.push({ resolve, reject }));
  }

  private newPass(): PassState {
    return { pass: new CollectionPass(this.deps.collections.products.find({}), passBatchSize) };
  }

  /** Products by _id, one query each: FerretDB v1 answers only _id equality without reading everything. */
  private async fetchProducts(ids: string[]): Promise<ProductDoc[]> {
    const out: ProductDoc[] = [];
    for (let i = 0; i < ids.length; i += fetchConcurrency) {
      const docs = await Promise.all(
        ids.slice(i, i + fetchConcurrency).map((id) => this.deps.collections.products.findOne({ _id: id })),
      );
      for (const doc of docs) if (doc) out.push(doc);
    }
    return out;
  }

  private async indexCatalogNotices(): Promise<number> {
    const batch = await this.catalogChanges.read(batchSize);
    if (batch.ids.length === 0) return 0;
    const products = await this.fetchProducts(batch.keys);
    await this.index(products);
    const newest = products.reduce((max, p) => Math.max(max, p.updatedAt.getTime()), 0);
    if (newest > 0) this.lastLagMs = Date.now() - newest;
    await this.catalogChanges.acknowledge(batch.ids);
    return batch.ids.length;
  }

  /** The safety net: writes after the cursor that no notice brought (or brought and lost). */
  private async indexScannedWrites(): Promise<number> {
    if (!this.scan) {
      if (Date.now() < this.nextScanAt) return 0;
      this.lastScanStart = Date.now();
      const cursor = await this.cursor();
      const since = new Date(cursor.at);
      this.scan = new BackgroundRead(() =>
        this.deps.collections.products
          .find({ $or: [{ updatedAt: { $gt: since } }, { updatedAt: since, _id: { $gt: cursor.id } }] })
          .sort({ updatedAt: 1, _id: 1 })
          .limit(batchSize)
          .toArray(),
      );
      return 0;
    }
    if (!this.scan.done) return 0;
    const scan = this.scan;
    this.scan = undefined;
    const took = Date.now() - this.lastScanStart;
    this.nextScanAt = Date.now() + Math.max(this.scanEveryMs - took, took * scanRestFactor);
    const changed = scan.take();
    if (changed.length === 0) return 0;
    // A notice may have indexed these already; the index would refuse nothing, but it saves the work.
    await this.index(changed.filter((p) => (this.recent.get(p._id)?.version ?? 0) < p.version));
    const last = changed[changed.length - 1] as ProductDoc;
    await this.deps.redis.set(this.cursorKey, JSON.stringify({ at: last.updatedAt.getTime(), id: last._id }));
    // A full batch: more are waiting, so the next scan need not wait for scanEveryMs (but still rests).
    if (changed.length === batchSize) this.nextScanAt = Date.now() + took * scanRestFactor;
    return changed.length;
  }

  /** Re-reads the window behind the cursor; anything at a version this indexer has not applied goes in. */
  private async indexLateWrites(): Promise<number> {
    if (!this.lateCheck) {
      if (Date.now() < this.nextLateWriteCheckAt) return 0;
      this.lastLateWriteCheck = Date.now();
      const cursor = await this.cursor();
      if (cursor.at === 0) return 0;
      const windowStart = cursor.at - this.lateWriteWindowMs;
      for (const [id, entry] of this.recent) {
        if (entry.seenAt < Date.now() - 4 * this.lateWriteWindowMs) this.recent.delete(id);
      }
      this.lateCheck = new BackgroundRead(() =>
        this.deps.collections.products
          .find(
            { updatedAt: { $gte: new Date(windowStart), $lte: new Date(cursor.at) } },
            { projection: { _id: 1, version: 1 } },
          )
          .toArray(),
      );
      return 0;
    }
    if (!this.lateCheck.done) return 0;
    const check = this.lateCheck;
    this.lateCheck = undefined;
    const took = Date.now() - this.lastLateWriteCheck;
    this.nextLateWriteCheckAt = Date.now() + Math.max(lateWriteCheckEveryMs - took, took * scanRestFactor);
    const missed = check
      .take()
      .filter((p) => (this.recent.get(p._id)?.version ?? 0) < p.version)
      .map((p) => p._id);
    if (missed.length === 0) return 0;
    const products = await this.fetchProducts(missed);
    await this.index(products);
    return products.length;
  }

  private async indexStockMoves(): Promise<number> {
    const batch = await this.stockChanges.read();
    if (batch.ids.length === 0) return 0;
    const owners = await Promise.all(
      batch.keys.map((sku) => this.deps.collections.skus.findOne({ _id: sku })),
    );
    const productIds = [...new Set(owners.flatMap((o) => (o ? [o.productId] : [])))];
    await this.index(await this.fetchProducts(productIds));
    await this.stockChanges.acknowledge(batch.ids);
    return batch.ids.length;
  }

  /** Compares one slice of the catalog with the index: missing, older or wrongly available docs are fixed. */
  private async reconcileBatch(state: PassState): Promise<number> {
    if (!state.pending && Date.now() < this.nextReconcileSliceAt) return 0;
    state.pending ??= state.pass.poll();
    const slice = state.pending;
    if (!slice) return 0;
    if (slice.length > 0) {
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
        if (doc.found) {
          indexed.set(doc._id, { version: doc._version ?? 0, inStock: doc._source?.inStock ?? false });
        }
      }
      const stock = await this.liveStock(slice);
      const stale = slice.filter((p) => {
        const seen = indexed.get(p._id);
        return !seen || seen.version < p.version || seen.inStock !== inStockOf(p, stock);
      });
      // The slice may be seconds old: index the current copies of the stale ones.
      await this.index(await this.fetchProducts(stale.map((p) => p._id)));
    }
    state.pending = undefined;
    this.nextReconcileSliceAt = Date.now() + reconcileSliceEveryMs;
    if (state.pass.exhausted) this.reconcile = undefined;
    return slice.length + 1;
  }

  private async beginRebuild(): Promise<void> {
    const index = `${this.alias}-${Date.now()}`;
    await this.deps.search.indices.create({ index, body: productIndexBodyWith(this.deps.replicas ?? 0) });
    this.rebuildState = { index, ...this.newPass(), waiters: this.rebuildRequests.splice(0) };
  }

  private async rebuildBatch(state: RebuildState): Promise<number> {
    state.pending ??= state.pass.poll();
    const slice = state.pending;
    if (!slice) return 0;
    // Copies read seconds ago are fine here: a newer version written meanwhile reached the new index too
    // (live writes go to both), and external versioning keeps the newer one.
    await this.index(slice, [state.index]);
    state.pending = undefined;
    if (!state.pass.exhausted) return slice.length + 1;
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
