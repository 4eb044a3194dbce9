import type { Money } from '../domain/money';
import type { Promotion } from '../domain/promotions';

// Stored shapes of this capability's collections (wired in integrations/collections.ts). Only domain
// rules and other stored shapes are imported here, so the database wiring can name them without a loop.

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

/** A promo code as stored: its terms (domain/promotions.ts), keyed by the code itself, and who created it. */
export interface PromotionDoc extends Omit<Promotion, 'code'> {
  /** The code buyers type, upper case. */
  _id: string;
  createdBy: string;
  createdAt: Date;
}

/** "Bought together" for one product, rewritten whole by the bought-together job (its only writer). */
export interface ProductRecommendationDoc {
  _id: string;
  boughtTogether: Array<{ productId: string; orders: number }>;
  computedAt: Date;
}
