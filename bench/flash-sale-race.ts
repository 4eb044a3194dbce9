import { spawn, type ChildProcess } from 'node:child_process';
import { unlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInventoryActivities } from '../activities/inventory';
import { ledgerBalances } from '../inventory/stock-ledger';
import { newUserId } from '../accounts/account-ids';
import { hashPassword } from '../accounts/passwords';
import { issueToken, tokenKeysOf } from '../accounts/session-tokens';
import { createProduct } from '../catalog/products';
import type { UserDoc } from '../accounts/documents';
import { FlashSaleQueue } from '../integrations/flash-sale-queue';
import type { Services } from '../integrations/services';
import type { FlashSaleBuyersPlan, FlashSaleBuyersReport } from './flash-sale-buyers';
import type { ProbeReport } from './flash-sale-probe';
import { percentile } from './load';

// Many buyers race for a few units through the real API: several API processes, buyers in several other
// processes, a probe reading a product page meanwhile. The caller runs a worker on services' task queue.

export interface FlashSaleRaceOptions {
  runId: string;
  buyers: number;
  units: number;
  buyerProcesses: number;
  apiProcesses: number;
  admitPerSecond: number;
  holdSeconds: number;
  arrivalMs: number;
}

export interface FlashSaleRaceReport {
  sku: string;
  buyers: number;
  units: number;
  joined: number;
  heldByBuyers: number;
  ordersPlaced: number;
  soldOut: number;
  expired: number;
  throttled: number;
  requests: number;
  unexpected: string[];
  /** Distinct holds and units the stock ledger records as reserved for the SKU. */
  ledgerHolds: number;
  ledgerUnitsReserved: number;
  ledgerReleases: number;
  /** From the first hold to the last, by the ledger's timestamps. */
  holdSpanSeconds: number;
  /** The machine's 1-minute load average when the race ended (the bench shares its cores). */
  loadAverage: number;
  saleHolds: number;
  redisAvailable: number;
  ledgerAvailable: number;
  ordersConfirmed: number;
  orderStatuses: Record<string, number>;
  raceSeconds: number;
  /** When the bench saw every order confirmed (polled only after every buyer was answered). */
  checkoutSeconds: number;
  /** When the last order was confirmed, by its own record (its last write), from the first arrival. */
  lastConfirmedSeconds: number;
  /** Where a winner's time goes, seconds from the sale's start: [p50, max] of each step. */
  winnerSteps: Record<'joined' | 'holdTaken' | 'heldSeen' | 'placed' | 'confirmed', [number, number]>;
  /** Losers: seconds from the sale's start until told sold out, [p50, max]; and requests each, [p50, max]. */
  soldOutSeconds: [number, number];
  soldOutRequests: [number, number];
  probeIdle: ProbeReport;
  probeDuringRace: ProbeReport;
}

const confirmedOrLater = new Set(['confirmed', 'partially_shipped', 'shipped', 'delivered']);

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

function output(child: ChildProcess): Promise<string> {
  return new Promise((done, fail) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.once('error', fail);
    child.once('exit', (code) =>
      code === 0 ? done(out) : fail(new Error(`${String(child.spawnfile)} exited with ${code}`)),
    );
  });
}

function apiProfiling(): string[] {
  const dir = process.env.FLASH_API_CPU_PROF;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

async function waitUntilUp(url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ok = await fetch(`${url}/healthz`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`API at ${url} did not come up`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Buyers are written straight to the database with one precomputed password hash and get tokens minted
 * by the auth module: registering 10,000 accounts through scrypt would measure sign-up, not the sale.
 */
async function seedBuyers(services: Services, runId: string, count: number) {
  const passwordHash = await hashPassword('flash-sale-buyer-password');
  const users: UserDoc[] = Array.from({ length: count }, (_, i) => ({
    _id: newUserId(),
    email: `${runId}-${i}@flash.example.test`,
    role: 'buyer',
    name: `Flash buyer ${i}`,
    passwordHash,
    createdAt: new Date(),
  }));
  for (let i = 0; i < users.length; i += 1000) {
    await services.collections.users.insertMany(users.slice(i, i + 1000), { ordered: false });
  }
  const keys = tokenKeysOf(services.env);
  return Promise.all(
    users.map(async (user, i) => ({
      userId: user._id,
      token: await issueToken({ userId: user._id, role: 'buyer' }, keys, 3 * 3600),
      // Each simulated person comes from an address of their own, as a real crowd does.
      ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    })),
  );
}

/**
 * Other shoppers read a product page 200 times a second (4 readers, one read each 20 ms at most). A
 * closed loop with no pause made about 20,000 reads during the race, as many requests as the 10,000
 * buyers, all on the first API process: that measured the probe's own load more than the sale's effect.
 */
const probeIntervalMs = 20;

async function probe(apiUrl: string, productId: string, run: () => Promise<void>): Promise<ProbeReport> {
  const args = [require.resolve('./flash-sale-probe'), apiUrl, productId, '4', String(probeIntervalMs)];
  const child = spawn(process.execPath, args, {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const result = output(child);
  try {
    await run();
  } finally {
    child.stdin?.end();
  }
  return JSON.parse(await result) as ProbeReport;
}

export async function runFlashSaleRace(
  services: Services,
  options: FlashSaleRaceOptions,
): Promise<FlashSaleRaceReport> {
  const { env, collections, counters } = services;
  const sku = `${options.runId}-FLASH`.toUpperCase();
  const product = await createProduct(collections, {
    _id: `prd_${options.runId}flash`,
    sellerId: `sel_${options.runId}`,
    title: 'Limited drop sneaker',
    description: 'A flash-sale product',
    category: 'shoes',
    brand: 'Dropware',
    attributes: {},
    mediaUrls: [],
    price: { amount: 1999, currency: 'USD' },
    skus: [{ sku, attributes: {} }],
    status: 'active',
    sellerPaused: false,
  });
  await createInventoryActivities({ counters, collections, now: () => new Date() }).adjustStock({
    sku,
    warehouseId: 'wh-flash',
    delta: options.units,
    adjustmentKey: `initial-${sku}`,
  });
  const buyers = await seedBuyers(services, options.runId, options.buyers);
  const childEnv = {
    ...process.env,
    NODE_ENV: env.NODE_ENV,
    MONGODB_URI: env.MONGODB_URI,
    REDIS_URL: env.REDIS_URL,
    REDIS_CLUSTER_NODES: env.REDIS_CLUSTER_NODES ?? '',
    TEMPORAL_TASK_QUEUE: env.TEMPORAL_TASK_QUEUE,
    OPENSEARCH_INDEX_PREFIX: env.OPENSEARCH_INDEX_PREFIX,
    AUTH_TOKEN_SECRET: env.AUTH_TOKEN_SECRET,
    // The buyers name their own addresses in X-Forwarded-For, as clients behind a load balancer would.
    TRUST_PROXY: env.TRUST_PROXY.join(','),
  };
  const apis: ChildProcess[] = [];
  const planFiles: string[] = [];
  try {
    const apiUrls: string[] = [];
    // One after another: each API process (re)sets the ops account at start, and two at once would race.
    for (let i = 0; i < options.apiProcesses; i += 1) {
      const port = await freePort();
      apis.push(
        // FLASH_API_CPU_PROF=<dir> writes a V8 CPU profile of each API process, to see where a join goes.
        spawn(process.execPath, [...apiProfiling(), resolve(__dirname, '../api/main.js')], {
          env: { ...childEnv, PORT: String(port) },
          stdio: ['ignore', 'ignore', 'inherit'],
        }),
      );
      apiUrls.push(`http://127.0.0.1:${port}`);
      await waitUntilUp(`http://127.0.0.1:${port}`);
    }
    const [firstApi = ''] = apiUrls;
    const ops = {
      authorization: `Bearer ${await issueToken({ userId: 'usr_flashops', role: 'ops' }, tokenKeysOf(env), 3600)}`,
    };

    const probeIdle = await probe(firstApi, product._id, () => new Promise((r) => setTimeout(r, 3000)));

    const saleStartsAt = Date.now() + 2000;
    const flagged = await fetch(`${firstApi}/ops/flash-sales/${sku}`, {
      method: 'PUT',
      headers: { ...ops, 'content-type': 'application/json' },
      body: JSON.stringify({
        startsAt: new Date(saleStartsAt).toISOString(),
        admitPerSecond: options.admitPerSecond,
        perBuyerLimit: 1,
        holdSeconds: options.holdSeconds,
      }),
    });
    if (flagged.status !== 200)
      throw new Error(`flagging the sale failed: ${flagged.status} ${await flagged.text()}`);

    const perProcess = Math.ceil(buyers.length / options.buyerProcesses);
    const reports: FlashSaleBuyersReport[] = [];
    const started = Date.now();
    const probeDuringRace = await probe(firstApi, product._id, async () => {
      const runs = Array.from({ length: options.buyerProcesses }, async (_, p) => {
        const plan: FlashSaleBuyersPlan = {
          apiUrls,
          sku,
          arrivalMs: options.arrivalMs,
          buyers: buyers.slice(p * perProcess, (p + 1) * perProcess).map(({ token, ip }) => ({ token, ip })),
        };
        const file = join(tmpdir(), `flash-sale-${options.runId}-${p}.json`);
        planFiles.push(file);
        await writeFile(file, JSON.stringify(plan));
        const child = spawn(process.execPath, [require.resolve('./flash-sale-buyers'), file], {
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        reports.push(JSON.parse(await output(child)) as FlashSaleBuyersReport);
      });
      await Promise.all(runs);
    });
    const raceSeconds = (Date.now() - started) / 1000;

    const ordered = reports.flatMap((r) => r.ordered);
    const orderIds = ordered.map((o) => o.orderId);
    const statuses = async () => {
      const docs = await collections.orders.find({ _id: { $in: orderIds } }).toArray();
      const counts: Record<string, number> = {};
      for (const doc of docs) counts[doc.status] = (counts[doc.status] ?? 0) + 1;
      return { counts, confirmed: docs.filter((d) => confirmedOrLater.has(d.status)).length };
    };
    let settled = await statuses();
    // A bound, not a target: on a busy shared machine the last orders can take minutes.
    const deadline = Date.now() + 600_000;
    while (settled.confirmed < orderIds.length && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      settled = await statuses();
    }
    const checkoutSeconds = (Date.now() - started) / 1000;

    const ledger = await collections.stockLedger.find({ sku }).toArray();
    const reserves = ledger.filter((e) => e.kind === 'reserve');
    const placedDocs = await collections.orders.find({ _id: { $in: orderIds } }).toArray();
    const confirmedAt = new Map(
      placedDocs.filter((d) => confirmedOrLater.has(d.status)).map((d) => [d._id, +d.updatedAt]),
    );
    const reservedAt = new Map(reserves.map((e) => [e.holdId, +e.at]));
    const spread = (xs: number[]): [number, number] => {
      const sorted = xs.map((x) => (x - saleStartsAt) / 1000).sort((a, b) => a - b);
      return [percentile(sorted, 0.5), sorted[sorted.length - 1] ?? Number.NaN];
    };
    const counts = (xs: number[]): [number, number] => {
      const sorted = [...xs].sort((a, b) => a - b);
      return [percentile(sorted, 0.5), sorted[sorted.length - 1] ?? Number.NaN];
    };
    const balances = await ledgerBalances(collections, [sku]);
    const sale = await new FlashSaleQueue(services.redis).sale(sku);
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    return {
      sku,
      buyers: options.buyers,
      units: options.units,
      joined: sum(reports.map((r) => r.joined)),
      heldByBuyers: sum(reports.map((r) => r.held)),
      ordersPlaced: ordered.length,
      soldOut: sum(reports.map((r) => r.soldOut)),
      expired: sum(reports.map((r) => r.expired)),
      throttled: sum(reports.map((r) => r.throttled)),
      requests: sum(reports.map((r) => r.requests)),
      unexpected: reports.flatMap((r) => r.unexpected),
      ledgerHolds: new Set(reserves.map((e) => e.holdId)).size,
      ledgerUnitsReserved: -sum(reserves.map((e) => e.delta)),
      ledgerReleases: ledger.filter((e) => e.kind === 'release').length,
      holdSpanSeconds:
        reserves.length > 0
          ? (Math.max(...reserves.map((e) => +e.at)) - Math.min(...reserves.map((e) => +e.at))) / 1000
          : 0,
      loadAverage: loadavg()[0] ?? Number.NaN,
      saleHolds: sale?.holds ?? 0,
      redisAvailable: (await counters.totalAvailable([sku])).get(sku) ?? Number.NaN,
      ledgerAvailable: sum(Object.values(balances.get(sku) ?? {})),
      ordersConfirmed: settled.confirmed,
      orderStatuses: settled.counts,
      raceSeconds,
      checkoutSeconds,
      lastConfirmedSeconds: (Math.max(...confirmedAt.values()) - started) / 1000,
      winnerSteps: {
        joined: spread(ordered.map((o) => o.joinedAt)),
        holdTaken: spread(ordered.map((o) => reservedAt.get(o.orderId) ?? Number.NaN)),
        heldSeen: spread(ordered.map((o) => o.heldSeenAt)),
        placed: spread(ordered.map((o) => o.placedAt)),
        confirmed: spread(ordered.map((o) => confirmedAt.get(o.orderId) ?? Number.NaN)),
      },
      soldOutSeconds: spread(reports.flatMap((r) => r.soldOutAt)),
      soldOutRequests: counts(reports.flatMap((r) => r.soldOutRequests)),
      probeIdle,
      probeDuringRace,
    };
  } finally {
    for (const api of apis) api.kill('SIGTERM');
    await Promise.all(planFiles.map((f) => unlink(f).catch(() => undefined)));
    await collections.users.deleteMany({ _id: { $in: buyers.map((b) => b.userId) } });
  }
}
