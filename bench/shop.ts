import { randomBytes } from 'node:crypto';
import { issueToken, tokenKeysOf } from '../accounts/session-tokens';
import type { ProductDoc } from '../catalog/documents';
import { createProduct } from '../catalog/products';
import type { BenchContext } from './context';
import { freePort, startProcess, waitForHttp, type BenchProcess } from './processes';

// A shop of our own processes (API, worker, search-indexer, each a node process on a task queue of its
// own) that the order measurements place orders in, as storefronts would.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Shop {
  apiUrl: string;
  processes: BenchProcess[];
  taskQueue: string;
  skus: [string, string];
  sellerIds: [string, string];
  /** The environment the shop's processes share, for another worker on the same task queue. */
  env: Record<string, string>;
}

async function seedTwoSellers(ctx: BenchContext, shopName: string): Promise<ProductDoc[]> {
  const products: ProductDoc[] = [];
  for (const seller of ['a', 'b']) {
    const sku = `${ctx.runId}-${shopName}-${seller}`.toUpperCase();
    products.push(
      await createProduct(ctx.services.collections, {
        _id: `prd_${ctx.runId}_${shopName}_${seller}`,
        sellerId: `sel_${ctx.runId}_${shopName}_${seller}`,
        title: `Bench teapot ${seller}`,
        description: 'Ordered by the bench',
        category: 'bench-orders',
        brand: 'Benchware',
        attributes: {},
        mediaUrls: [],
        price: { amount: 1500, currency: 'USD' },
        skus: [{ sku, attributes: {} }],
        status: 'active',
        sellerPaused: false,
      }),
    );
    await ctx.services.counters.adjust(sku, 'wh-bench', 10_000_000, `bench-${sku}`);
  }
  ctx.onCleanup(async () => {
    await ctx.services.collections.products.deleteMany({ _id: { $in: products.map((p) => p._id) } });
    await ctx.services.collections.skus.deleteMany({
      _id: { $in: products.map((p) => p.skus[0]?.sku ?? '') },
    });
  });
  return products;
}

/**
 * `name` keeps shops of one bench run apart (their task queue, sellers and products), since each shop's
 * processes run until the whole bench ends.
 */
export async function openShop(ctx: BenchContext, name: string): Promise<Shop> {
  const { env } = ctx.services;
  const taskQueue = `bench-${name}-${ctx.runId}`;
  const port = await freePort();
  const shared = {
    MONGODB_URI: env.MONGODB_URI,
    REDIS_URL: env.REDIS_URL,
    REDIS_CLUSTER_NODES: env.REDIS_CLUSTER_NODES ?? '',
    OPENSEARCH_INDEX_PREFIX: env.OPENSEARCH_INDEX_PREFIX,
    TEMPORAL_TASK_QUEUE: taskQueue,
    AUTH_TOKEN_SECRET: env.AUTH_TOKEN_SECRET,
    // The buyers name their own addresses in X-Forwarded-For, as clients behind a load balancer would.
    TRUST_PROXY: env.TRUST_PROXY.join(','),
  };
  const processes = [
    startProcess('worker', 'bench/bench-worker.js', shared),
    startProcess('API', 'api/main.js', { ...shared, PORT: String(port) }),
    startProcess('search-indexer', 'search-indexer/main.js', shared),
  ];
  ctx.onCleanup(async () => {
    // Orders the bench left waiting (for payment, for a seller) are ended, so nothing lingers on the server.
    const running = ctx.services.temporal.workflow.list({
      query: `TaskQueue = "${taskQueue}" AND ExecutionStatus = "Running"`,
    });
    const batch: Promise<unknown>[] = [];
    for await (const execution of running) {
      batch.push(
        ctx.services.temporal.workflow
          .getHandle(execution.workflowId, execution.runId)
          .terminate('bench finished')
          .catch(() => undefined),
      );
      if (batch.length >= 20) await Promise.all(batch.splice(0));
    }
    await Promise.all(batch);
    await Promise.all(processes.map((p) => p.stop()));
  });
  const apiUrl = `http://127.0.0.1:${port}`;
  await waitForHttp(`${apiUrl}/healthz`);
  const [a, b] = await seedTwoSellers(ctx, name);
  return {
    apiUrl,
    processes,
    taskQueue,
    skus: [a?.skus[0]?.sku ?? '', b?.skus[0]?.sku ?? ''],
    sellerIds: [a?.sellerId ?? '', b?.sellerId ?? ''],
    env: shared,
  };
}

export function buyerToken(ctx: BenchContext): Promise<string> {
  // A buyer per order: the fraud screen counts orders per buyer, and a bench buyer must not look like fraud.
  const userId = `usr_${ctx.runId}${randomBytes(6).toString('hex')}`;
  return issueToken({ userId, role: 'buyer' }, tokenKeysOf(ctx.services.env), 3600);
}

export const shipTo = {
  name: 'Bench Buyer',
  line1: '1 Bench St',
  city: 'Springfield',
  postalCode: '12345',
  country: 'US',
};

/** POST /orders with a card, then GET it until it is confirmed; resolves with its order id. */
export async function orderToConfirmed(
  ctx: BenchContext,
  shop: Shop,
  card: boolean,
  pollMs = 200,
): Promise<string> {
  const headers = { authorization: `Bearer ${await buyerToken(ctx)}`, 'content-type': 'application/json' };
  const placed = await fetch(`${shop.apiUrl}/orders`, {
    method: 'POST',
    headers: { ...headers, 'idempotency-key': `bench-${randomBytes(12).toString('hex')}` },
    body: JSON.stringify({
      lines: shop.skus.map((sku) => ({ sku, quantity: 1 })),
      shipTo,
      ...(card ? { paymentMethodId: 'pm_card_visa' } : {}),
    }),
  });
  if (placed.status !== 202) throw new Error(`POST /orders answered ${placed.status}`);
  const { orderId } = (await placed.json()) as { orderId: string };
  const deadline = Date.now() + 120_000;
  for (;;) {
    // As a storefront would poll; faster polling would itself load the API and the database being measured
    // (only the at-rest measurement, one order at a time, polls faster, to see the latency itself).
    await sleep(pollMs);
    const read = await fetch(`${shop.apiUrl}/orders/${orderId}`, { headers });
    const { status } = (await read.json()) as { status?: string };
    if (status === 'confirmed') return orderId;
    if (status === 'failed' || status === 'cancelled' || status === 'fraud_review' || Date.now() > deadline) {
      throw new Error(`order ${orderId} ended ${status ?? read.status}`);
    }
  }
}
