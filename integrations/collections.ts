import type { Collection, Db } from 'mongodb';
import type { UserDoc } from '../accounts/documents';
import type { ProductDoc, ProductRecommendationDoc, PromotionDoc, SkuDoc } from '../catalog/documents';
import type { DisputeDoc } from '../disputes/documents';
import type { IdempotencyRecord, WebhookEventDoc } from './request-records';
import type {
  StockDiscrepancyDoc,
  StockHoldOutcomeDoc,
  StockLedgerEntry,
  StockReconciliationDoc,
} from '../inventory/documents';
import type { NotificationDoc, OutboxDoc } from '../notifications/documents';
import type { CarrierEventDoc, OrderDoc, ShipmentDoc, SubOrderDoc } from '../orders/documents';
import type { CommissionRuleDoc, PayoutDoc, PayoutScheduleDoc, SellerLedgerDoc } from '../payouts/documents';
import type { ReturnDoc } from '../returns/documents';
import type { ReviewDoc } from '../reviews/documents';
import type { SellerDoc } from '../sellers/documents';

// The documents each collection holds. Orders are projections written only by their own workflow; ledgers
// are append-only with a unique _id per entry, so a retried activity inserts nothing twice.

export interface Collections {
  users: Collection<UserDoc>;
  sellers: Collection<SellerDoc>;
  products: Collection<ProductDoc>;
  skus: Collection<SkuDoc>;
  stockLedger: Collection<StockLedgerEntry>;
  stockHoldOutcomes: Collection<StockHoldOutcomeDoc>;
  stockDiscrepancies: Collection<StockDiscrepancyDoc>;
  orders: Collection<OrderDoc>;
  subOrders: Collection<SubOrderDoc>;
  shipments: Collection<ShipmentDoc>;
  carrierEvents: Collection<CarrierEventDoc>;
  idempotencyKeys: Collection<IdempotencyRecord>;
  stockReconciliations: Collection<StockReconciliationDoc>;
  outbox: Collection<OutboxDoc>;
  notifications: Collection<NotificationDoc>;
  webhookEvents: Collection<WebhookEventDoc>;
  promotions: Collection<PromotionDoc>;
  productRecommendations: Collection<ProductRecommendationDoc>;
  returns: Collection<ReturnDoc>;
  sellerLedger: Collection<SellerLedgerDoc>;
  commissionRules: Collection<CommissionRuleDoc>;
  payouts: Collection<PayoutDoc>;
  payoutSchedules: Collection<PayoutScheduleDoc>;
  reviews: Collection<ReviewDoc>;
  disputes: Collection<DisputeDoc>;
}

export function collections(db: Db): Collections {
  return {
    users: db.collection<UserDoc>('users'),
    sellers: db.collection<SellerDoc>('sellers'),
    products: db.collection<ProductDoc>('products'),
    skus: db.collection<SkuDoc>('skus'),
    stockLedger: db.collection<StockLedgerEntry>('stock_ledger'),
    stockHoldOutcomes: db.collection<StockHoldOutcomeDoc>('stock_hold_outcomes'),
    stockDiscrepancies: db.collection<StockDiscrepancyDoc>('stock_discrepancies'),
    orders: db.collection<OrderDoc>('orders'),
    subOrders: db.collection<SubOrderDoc>('sub_orders'),
    shipments: db.collection<ShipmentDoc>('shipments'),
    carrierEvents: db.collection<CarrierEventDoc>('carrier_events'),
    idempotencyKeys: db.collection<IdempotencyRecord>('idempotency_keys'),
    stockReconciliations: db.collection<StockReconciliationDoc>('stock_reconciliations'),
    outbox: db.collection<OutboxDoc>('outbox'),
    notifications: db.collection<NotificationDoc>('notifications'),
    webhookEvents: db.collection<WebhookEventDoc>('webhook_events'),
    promotions: db.collection<PromotionDoc>('promotions'),
    productRecommendations: db.collection<ProductRecommendationDoc>('product_recommendations'),
    returns: db.collection<ReturnDoc>('returns'),
    sellerLedger: db.collection<SellerLedgerDoc>('seller_ledger'),
    commissionRules: db.collection<CommissionRuleDoc>('commission_rules'),
    payouts: db.collection<PayoutDoc>('payouts'),
    payoutSchedules: db.collection<PayoutScheduleDoc>('payout_schedules'),
    reviews: db.collection<ReviewDoc>('reviews'),
    disputes: db.collection<DisputeDoc>('disputes'),
  };
}

// Only plain and unique indexes: FerretDB v1 has no TTL, partial or text indexes. On the stack's PostgreSQL
// each index's leading field also gets a GIN twin (scripts/stack/postgres/index-twins.sql), which is what
// answers FerretDB's pushed-down equality filters: every look-up on the order path names an indexed field
// (or _id) by equality.
export async function ensureIndexes(db: Db): Promise<void> {
  const c = collections(db);
  await Promise.all([
    c.users.createIndex({ email: 1 }, { unique: true }),
    c.products.createIndex({ sellerId: 1, status: 1 }),
    c.products.createIndex({ version: 1 }),
    c.products.createIndex({ updatedAt: 1, _id: 1 }),
    c.stockLedger.createIndex({ sku: 1 }),
    // A hold's entries (release, commit, a return's restock), without reading the SKU's whole history.
    c.stockLedger.createIndex({ holdId: 1 }),
    c.orders.createIndex({ customerId: 1, createdAt: -1 }),
    c.outbox.createIndex({ to: 1, createdAt: -1 }),
    c.outbox.createIndex({ template: 1, createdAt: -1 }),
    c.sellers.createIndex({ stripeAccountId: 1 }),
    c.subOrders.createIndex({ sellerId: 1, createdAt: -1 }),
    c.subOrders.createIndex({ orderId: 1 }),
    c.returns.createIndex({ orderId: 1 }),
    c.returns.createIndex({ sellerId: 1, createdAt: -1 }),
    c.sellerLedger.createIndex({ sellerId: 1, createdAt: 1 }),
    c.sellerLedger.createIndex({ returnId: 1 }),
    // A seller's own user (notifications, the dashboard's ops view).
    c.users.createIndex({ sellerId: 1 }),
    c.payouts.createIndex({ sellerId: 1, createdAt: -1 }),
    c.reviews.createIndex({ productId: 1, hidden: 1, createdAt: -1 }),
    c.subOrders.createIndex({ paymentIntentId: 1 }),
    c.disputes.createIndex({ sellerId: 1, createdAt: -1 }),
    c.disputes.createIndex({ subOrderId: 1 }),
    c.disputes.createIndex({ status: 1 }),
  ]);
}

export function isDuplicateKeyError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}

/**
 * Runs an upsert once more when a concurrent upsert of the same key inserted first. MongoDB retries that
 * race itself for equality filters on a unique key; FerretDB on PostgreSQL reports E11000 instead, and the
 * second try then finds the document and updates it.
 */
export async function upsertAfterRace<T>(upsert: () => Promise<T>): Promise<T> {
  try {
    return await upsert();
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    return upsert();
  }
}
