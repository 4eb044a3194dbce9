import type { ReviewDoc } from '../reviews/documents';
import type { Collection, Db } from 'mongodb';
import type { Money } from '../domain/money';
import type { OrderStatus } from '../domain/order-status';
import type { SubOrderStatus } from '../domain/sub-order-status';
import type { PricedLine } from '../domain/order-lines';
import type { CommissionRule } from '../domain/commission';
import type { SellerLedgerEntry } from '../domain/seller-ledger';
import type { ReturnStatus } from '../domain/return-status';
import type { DisputeOutcome, DisputeStatus } from '../domain/dispute-status';

// The documents each collection holds. Orders are projections written only by their own workflow; ledgers
// are append-only with a unique _id per entry, so a retried activity inserts nothing twice.

export interface UserDoc {
  _id: string;
  email: string;
  role: 'buyer' | 'seller' | 'ops';
  name: string;
  passwordHash: string;
  sellerId?: string;
  createdAt: Date;
}

export interface SellerDoc {
  _id: string;
  userId?: string;
  name: string;
  email: string;
  /** Stripe's view of the connected account, driven by account.updated events. */
  status: 'pending_verification' | 'active' | 'restricted' | 'rejected';
  /** Ops' decision, made in the onboarding workflow. */
  approval: 'pending' | 'approved' | 'rejected';
  stripeAccountId?: string;
  country?: string;
  /** Why onboarding ended without a live seller: abandoned (never finished), rejected by ops or Stripe. */
  closedReason?: 'abandoned' | 'rejected_by_ops' | 'rejected_by_stripe';
  decisionReason?: string;
  createdAt: Date;
  updatedAt?: Date;
}

export interface SkuVariant {
  sku: string;
  attributes: Record<string, string>;
  price?: Money;
}

export interface ProductDoc {
  _id: string;
  sellerId: string;
  title: string;
  description: string;
  category: string;
  brand?: string;
  attributes: Record<string, string>;
  mediaUrls: string[];
  price: Money;
  skus: SkuVariant[];
  status: 'draft' | 'active' | 'archived';
  /** Set while the seller may not sell (restricted by Stripe, or not approved): hidden from buyers. */
  sellerPaused: boolean;
  /** Bumped on every write; the search indexer uses it as the external version. */
  version: number;
  /** Filled by reviews and order history later; search facets and relevance read them, defaulting to 0. */
  ratingAverage?: number;
  ratingCount?: number;
  salesCount?: number;
  createdAt: Date;
  updatedAt: Date;
}

/** Which product a SKU belongs to: a unique _id per SKU, since a multikey unique index is not portable. */
export interface SkuDoc {
  _id: string;
  productId: string;
  sellerId: string;
}

export type StockEntryKind = 'adjust' | 'reserve' | 'release' | 'commit';

export interface StockLedgerEntry {
  _id: string;
  sku: string;
  warehouseId: string;
  kind: StockEntryKind;
  /** Change to available units; a commit turns a hold into a sale and changes nothing available. */
  delta: number;
  holdId?: string;
  at: Date;
}

/**
 * How one hold on one SKU ended. Its _id is `<holdId>:<sku>`, so the first insert decides the outcome and
 * every later caller (a retry, a racing compensation) reads it instead of deciding again.
 */
export interface StockHoldOutcomeDoc {
  _id: string;
  holdId: string;
  sku: string;
  outcome: 'released' | 'committed';
  at: Date;
}

/** A SKU whose Redis counters and ledger disagree in a way reconciliation must not repair on its own. */
export interface StockDiscrepancyDoc {
  _id: string;
  sku: string;
  reason: 'negative-ledger' | 'open-holds-disagree';
  redis: { available: Record<string, number>; heldUnits: Record<string, number> };
  ledger: { available: Record<string, number>; heldUnits: Record<string, number> };
  firstSeenAt: Date;
  lastSeenAt: Date;
  sightings: number;
  /** Set when a later run finds the two agreeing again (repaired by a person or by the repair command). */
  resolvedAt?: Date;
}

export interface ShippingAddress {
  name: string;
  line1: string;
  line2?: string;
  city: string;
  region?: string;
  postalCode: string;
  country: string;
  phone?: string;
}

export interface OrderDoc {
  _id: string;
  customerId: string;
  status: OrderStatus;
  lines: PricedLine[];
  subtotal: Money;
  discount?: Money;
  shipping?: Money;
  tax?: Money;
  total: Money;
  promoCode?: string;
  shipTo?: ShippingAddress;
  sellerIds?: string[];
  paymentIntentId?: string;
  /** One authorization per seller's sub-order, so each is captured when (and only if) it ships. */
  paymentIntentIds?: Record<string, string>;
  fraud?: { score: number; reasons: string[] };
  failureReason?: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface SubOrderDoc {
  /** `<orderId>:<sellerId>` */
  _id: string;
  orderId: string;
  sellerId: string;
  customerId: string;
  status: SubOrderStatus;
  lines: PricedLine[];
  total: Money;
  paymentIntentId: string;
  captured?: Money;
  commission?: Money;
  trackingNumber?: string;
  carrier?: string;
  labelUrl?: string;
  cancelReason?: string;
  acceptBy?: Date;
  shippedAt?: Date;
  deliveredAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

export interface ShipmentDoc {
  /** `<carrier>:<trackingNumber>`: how a carrier's tracking event finds its sub-order. */
  _id: string;
  orderId: string;
  sellerId: string;
  kind: 'outbound' | 'return';
  returnId?: string;
  createdAt: Date;
}

export interface CarrierEventDoc {
  _id: string;
  receivedAt: Date;
}

export interface IdempotencyRecord {
  _id: string;
  fingerprint: string;
  resourceId: string;
  createdAt: Date;
}

export interface StockReconciliationDoc {
  _id: string;
  at: string;
  skusChecked: number;
  drifts: Array<{
    sku: string;
    redis: Record<string, number>;
    ledger: Record<string, number>;
    repaired: boolean;
    reason: string;
  }>;
}

export interface PromotionDoc {
  /** The code buyers type, upper case. */
  _id: string;
  kind: 'percent' | 'fixed';
  percentBps?: number;
  amount?: Money;
  validFrom: Date;
  validUntil: Date;
  minSubtotal: Money;
  createdBy: string;
  createdAt: Date;
}

/** "Bought together" for one product, rewritten whole by the bought-together job (its only writer). */
export interface ProductRecommendationDoc {
  _id: string;
  boughtTogether: Array<{ productId: string; orders: number }>;
  computedAt: Date;
}

/** A message kept locally instead of sent, when no provider is configured; _id is the idempotency key. */
export interface OutboxDoc {
  _id: string;
  channel: 'email' | 'sms';
  to: string;
  from: string;
  template: string;
  subject?: string;
  body: string;
  createdAt: Date;
}

/**
 * One record per message handed to a provider (or the outbox), or given up on; _id is the idempotency key.
 * A message given up on (`status: 'failed'`: the provider refused it, or its attempts ran out) is kept with
 * the reason, so ops can see what a buyer never received; a later successful send replaces it.
 */
export interface NotificationDoc {
  _id: string;
  channel: 'email' | 'sms';
  to: string;
  template: string;
  provider: 'sendgrid' | 'twilio' | 'outbox';
  providerMessageId?: string;
  /** Absent on records written before failures were kept: those are all sent. */
  status?: 'sent' | 'failed';
  sentAt?: Date;
  failedAt?: Date;
  failureReason?: string;
}

/** A webhook event already taken in; _id `<source>:<event id>` drops a provider's redelivery. */
export interface WebhookEventDoc {
  _id: string;
  type: string;
  receivedAt: Date;
}

export type { ReturnStatus } from '../domain/return-status';
/** Settled returns; any other status is "open" and holds back the seller's payout for that sub-order. */
export { closedReturnStatuses } from '../domain/return-status';

export interface ReturnLine {
  sku: string;
  quantity: number;
  /** Units the seller accepted at inspection; set once inspected. */
  acceptedQuantity?: number;
}

/** A buyer's return of items from one delivered sub-order, written only by its `return-<id>` workflow. */
export interface ReturnDoc {
  _id: string;
  orderId: string;
  sellerId: string;
  customerId: string;
  status: ReturnStatus;
  lines: ReturnLine[];
  reason: { code: string; text?: string };
  photos: string[];
  refund?: Money;
  refundId?: string;
  trackingNumber?: string;
  carrier?: string;
  labelUrl?: string;
  decidedBy?: 'seller' | 'ops';
  decisionNote?: string;
  /** Why a return ended without a refund (not sent back, nothing accepted). */
  closeReason?: string;
  /** When the current human step (decision or inspection) is due before ops takes over. */
  dueBy?: Date;
  createdAt: Date;
  updatedAt: Date;
}

/** A card dispute on one sub-order's charge, written only by its `dispute-<disputeId>` workflow. */
export interface DisputeDoc {
  /** Stripe's dispute id (`dp_...`). */
  _id: string;
  chargeId: string;
  paymentIntentId?: string;
  /** Unset when the charge matched no sub-order (status `unmatched`). */
  orderId?: string;
  sellerId?: string;
  subOrderId?: string;
  status: DisputeStatus;
  /** Stripe's own status, as its latest event said. */
  stripeStatus: string;
  reason: string;
  amount: Money;
  /** What the seller's ledger keeps back while the dispute is open (negative). */
  hold?: Money;
  dueBy?: Date;
  evidenceSubmittedAt?: Date;
  evidenceSubmittedBy?: 'ops' | 'marketplace';
  outcome?: DisputeOutcome;
  /** What a lost dispute took from the seller (negative), fee included when the seller bears it. */
  sellerDebit?: Money;
  settledAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

/** An entry of the append-only seller ledger (domain/seller-ledger.ts); _id is its business key. */
export type SellerLedgerDoc = SellerLedgerEntry;

/** A commission rule ops set; _id `<sellerId|*>:<category|*>`, so one rule per scope. */
export interface CommissionRuleDoc extends CommissionRule {
  _id: string;
  setBy: string;
  updatedAt: Date;
}

/** One payout run's outcome, written only by its `payout-<sellerId>-<period>` workflow. */
export interface PayoutDoc {
  /** The payout id, `payout-<sellerId>-<period>`. */
  _id: string;
  sellerId: string;
  period: string;
  /** failed: Stripe refused the transfer for good; `reason` says why, and the money stays available. */
  status: 'paid' | 'skipped' | 'failed';
  amount: Money;
  reason?: string;
  transferId?: string;
  subOrderIds: string[];
  asOf: Date;
  createdAt: Date;
}

/** A seller's payout cadence; the Temporal schedule `payout-schedule-<sellerId>` follows it. */
export interface PayoutScheduleDoc {
  _id: string;
  frequency: 'daily' | 'weekly';
  updatedAt: Date;
}

/** A buyer's review of one product of one delivered order; _id derives from (order, product), so one each. */
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
