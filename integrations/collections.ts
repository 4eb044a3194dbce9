import type { Collection, Db } from 'mongodb';
import type { Money } from '../domain/money';
import type { OrderStatus } from '../domain/order-status';
import type { PricedLine } from '../domain/order-lines';

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

export interface OrderDoc {
  _id: string;
  customerId: string;
  status: OrderStatus;
  lines: PricedLine[];
  subtotal: Money;
  total: Money;
  paymentIntentId?: string;
  failureReason?: string;
  createdAt: Date;
  updatedAt: Date;
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

export interface Collections {
  users: Collection<UserDoc>;
  sellers: Collection<SellerDoc>;
  products: Collection<ProductDoc>;
  skus: Collection<SkuDoc>;
  stockLedger: Collection<StockLedgerEntry>;
  orders: Collection<OrderDoc>;
  idempotencyKeys: Collection<IdempotencyRecord>;
  stockReconciliations: Collection<StockReconciliationDoc>;
}

export function collections(db: Db): Collections {
  return {
    users: db.collection<UserDoc>('users'),
    sellers: db.collection<SellerDoc>('sellers'),
    products: db.collection<ProductDoc>('products'),
    skus: db.collection<SkuDoc>('skus'),
    stockLedger: db.collection<StockLedgerEntry>('stock_ledger'),
    orders: db.collection<OrderDoc>('orders'),
    idempotencyKeys: db.collection<IdempotencyRecord>('idempotency_keys'),
    stockReconciliations: db.collection<StockReconciliationDoc>('stock_reconciliations'),
  };
}

// Only plain and unique indexes: FerretDB v1 has no TTL, partial or text indexes.
export async function ensureIndexes(db: Db): Promise<void> {
  const c = collections(db);
  await Promise.all([
    c.users.createIndex({ email: 1 }, { unique: true }),
    c.products.createIndex({ sellerId: 1, status: 1 }),
    c.products.createIndex({ version: 1 }),
    c.stockLedger.createIndex({ sku: 1 }),
    c.orders.createIndex({ customerId: 1, createdAt: -1 }),
  ]);
}

export function isDuplicateKeyError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}
