import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MongoClient, type Db, type Document } from 'mongodb';
import { collections, ensureIndexes, type Collections } from '../integrations/collections';

// Every look-up on the order path must be answered by an index, or checkout slows down as the data grows.
// On the stack's FerretDB-on-PostgreSQL, `explain` answers with PostgreSQL's own plan, so this asserts the
// plan of each hot-path query shape over collections large enough that PostgreSQL would rather scan than
// use a useless index. Against another backend (SQLite, a real MongoDB) the plans are not PostgreSQL's and
// the file skips itself.

const filler = 3_000;

interface PlanNode {
  'Node Type'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

function postgresPlan(explained: Document): PlanNode | undefined {
  const plan = (explained as { queryPlanner?: { Plan?: PlanNode } }).queryPlanner?.Plan;
  return plan?.['Node Type'] ? plan : undefined;
}

function assertIndexed(explained: Document, what: string): void {
  const plan = postgresPlan(explained);
  assert.ok(plan, `${what}: no PostgreSQL plan in ${JSON.stringify(explained)}`);
  const all = nodes(plan);
  const scans = all.filter((n) => n['Node Type'] === 'Seq Scan');
  assert.equal(scans.length, 0, `${what} reads the whole table: ${JSON.stringify(plan)}`);
  assert.ok(
    all.some((n) => n['Index Name']),
    `${what} uses no index: ${JSON.stringify(plan)}`,
  );
}

describe('hot-path look-ups are served by an index (FerretDB on PostgreSQL)', () => {
  let client: MongoClient;
  let db: Db;
  let c: Collections;
  let onPostgres = false;

  before(async () => {
    const base = new URL(process.env.TEST_MONGODB_URI ?? 'mongodb://127.0.0.1:27017/marketplace_test');
    base.pathname = `${base.pathname.slice(1) || 'marketplace_test'}_plans`;
    client = new MongoClient(base.toString(), { serverSelectionTimeoutMS: 5_000 });
    await client.connect();
    db = client.db();
    await db.dropDatabase();
    await ensureIndexes(db);
    c = collections(db);
    onPostgres = Boolean(postgresPlan(await c.orders.find({ _id: 'probe' }).explain()));
    if (!onPostgres) return;
    const at = new Date();
    const seq = Array.from({ length: filler }, (_, i) => i);
    const money = { amount: 1000, currency: 'USD' };
    for (let i = 0; i < filler; i += 1_000) {
      const part = seq.slice(i, i + 1_000);
      await Promise.all([
        c.orders.insertMany(
          part.map((n) => ({
            _id: `ord_${n}`,
            customerId: `usr_${n % 300}`,
            status: 'confirmed' as const,
            lines: [],
            subtotal: money,
            total: money,
            createdAt: at,
            updatedAt: at,
          })),
        ),
        c.subOrders.insertMany(
          part.map((n) => ({
            _id: `ord_${n}:sel_${n % 7}`,
            orderId: `ord_${n}`,
            sellerId: `sel_${n % 7}`,
            customerId: `usr_${n % 300}`,
            status: 'accepted' as const,
            lines: [],
            total: money,
            paymentIntentId: `pi_${n}`,
            createdAt: at,
            updatedAt: at,
          })),
        ),
        c.stockLedger.insertMany(
          part.map((n) => ({
            _id: `reserve:hold_${n}:SKU-${n % 40}:wh-1`,
            sku: `SKU-${n % 40}`,
            warehouseId: 'wh-1',
            kind: 'reserve' as const,
            delta: -1,
            holdId: `hold_${n}`,
            at,
          })),
        ),
        c.sellerLedger.insertMany(
          // Many sellers, as in life: one seller's share is small enough that no planner prefers a scan.
          part.map((n) => ({ _id: `sale:${n}`, sellerId: `sel_${n % 300}`, createdAt: at }) as never),
        ),
        c.idempotencyKeys.insertMany(
          part.map((n) => ({ _id: `key_${n}`, fingerprint: 'f', resourceId: `ord_${n}`, createdAt: at })),
        ),
        c.skus.insertMany(
          part.map((n) => ({ _id: `SKU-${n}`, productId: `prd_${n}`, sellerId: `sel_${n % 7}` })),
        ),
        c.users.insertMany(
          part.map((n) => ({
            _id: `usr_${n}`,
            email: `u${n}@example.test`,
            role: n % 10 === 0 ? ('seller' as const) : ('buyer' as const),
            name: 'Filler',
            passwordHash: 'x',
            ...(n % 10 === 0 ? { sellerId: `sel_${n}` } : {}),
            createdAt: at,
          })),
        ),
        c.returns.insertMany(
          part.map(
            (n) =>
              ({
                _id: `ret_${n}`,
                orderId: `ord_${n}`,
                sellerId: `sel_${n % 7}`,
                customerId: `usr_${n % 300}`,
                status: 'requested',
                lines: [],
                reason: { code: 'damaged' },
                photos: [],
                createdAt: at,
                updatedAt: at,
              }) as never,
          ),
        ),
        c.notifications.insertMany(
          part.map((n) => ({
            _id: `ntf_${n}`,
            channel: 'email' as const,
            to: `u${n}@example.test`,
            template: 'order-confirmed',
            provider: 'outbox' as const,
            sentAt: at,
          })),
        ),
      ]);
    }
  });

  after(async () => {
    await db.dropDatabase().catch(() => undefined);
    await client.close();
  });

  const shapes: Array<[string, () => Promise<Document>]> = [
    ['order by _id (status writes, GET /orders/:id)', () => c.orders.find({ _id: 'ord_17' }).explain()],
    ["a buyer's orders", () => c.orders.find({ customerId: 'usr_17' }).explain()],
    [
      // What countDocuments sends for checkout's bound on open unpaid orders (orders/unpaid-order-limits.ts).
      "a buyer's open unpaid orders, counted at checkout",
      () =>
        c.orders
          .aggregate([
            { $match: { customerId: 'usr_17', status: { $in: ['received', 'awaiting_payment'] } } },
            { $limit: 3 },
            { $group: { _id: 1, n: { $sum: 1 } } },
          ])
          .explain(),
    ],
    ['sub-order by _id', () => c.subOrders.find({ _id: 'ord_17:sel_3' }).explain()],
    ["an order's sub-orders", () => c.subOrders.find({ orderId: 'ord_17' }).explain()],
    [
      "a hold's stock entries on one SKU",
      () => c.stockLedger.find({ holdId: 'hold_17', sku: 'SKU-17' }).explain(),
    ],
    [
      'stock entry by _id (ledger upsert)',
      () => c.stockLedger.find({ _id: 'reserve:hold_1:SKU-1:wh-1' }).explain(),
    ],
    [
      "one SKU's balance",
      () =>
        c.stockLedger
          .aggregate([
            { $match: { sku: 'SKU-17' } },
            { $group: { _id: '$warehouseId', n: { $sum: '$delta' } } },
          ])
          .explain(),
    ],
    ['seller-ledger entry by _id', () => c.sellerLedger.find({ _id: 'sale:17' }).explain()],
    ["a seller's ledger", () => c.sellerLedger.find({ sellerId: 'sel_3' }).explain()],
    ['idempotency key', () => c.idempotencyKeys.find({ _id: 'key_17' }).explain()],
    ['SKU owner (pricing)', () => c.skus.find({ _id: 'SKU-17' }).explain()],
    ['user by e-mail (sign-in)', () => c.users.find({ email: 'u17@example.test' }).explain()],
    ["a seller's user", () => c.users.find({ sellerId: 'sel_10', role: 'seller' }).explain()],
    ["an order's returns", () => c.returns.find({ orderId: 'ord_17' }).explain()],
    ['notification by idempotency key', () => c.notifications.find({ _id: 'ntf_17' }).explain()],
  ];

  for (const [what, explain] of shapes) {
    test(what, async (t) => {
      if (!onPostgres) {
        t.skip('not FerretDB on PostgreSQL: no PostgreSQL plan to check');
        return;
      }
      assertIndexed(await explain(), what);
    });
  }
});
