import { readProduct } from '../catalog/products';
import type { ProductCache } from '../catalog/product-cache';
import { cartTotals } from '../domain/cart-totals';
import type { Money } from '../domain/money';
import { type PromoRejection, promotionDiscount } from '../domain/promotions';
import type { Services } from '../integrations/services';
import { isForSale, priceOf } from './cart-offer';
import { findPromotion } from './cart-promotion';
import type { StoredCart } from './cart-store';

// The cart as the buyer sees it: each line priced now and compared with the price it was added at, live
// stock, and the promo code judged against today's subtotal.

export interface CartLineView {
  sku: string;
  productId: string;
  sellerId: string;
  title: string;
  quantity: number;
  priceAtAdd: Money;
  currentPrice: Money;
  priceChanged: boolean;
  /** Units in stock now, over all warehouses. */
  available: number;
  outOfStock: boolean;
  /** Fewer units in stock than the line asks for (also true when out of stock). */
  insufficientStock: boolean;
  /** False once the product is archived, its seller paused, or its price moved to another currency. */
  forSale: boolean;
}

export interface CartPromoView {
  code: string;
  discount: Money | null;
  valid: boolean;
  reason?: PromoRejection | 'unknown-code';
}

export interface CartView {
  cartId: string | null;
  lines: CartLineView[];
  subtotal: Money | null;
  promo: CartPromoView | null;
  total: Money | null;
  currency: string | null;
  expiresAt: string | null;
}

export function emptyCartView(cartId: string | null): CartView {
  return { cartId, lines: [], subtotal: null, promo: null, total: null, currency: null, expiresAt: null };
}

function sameMoney(a: Money, b: Money): boolean {
  return a.amount === b.amount && a.currency === b.currency;
}

export async function cartView(
  services: Services,
  cache: ProductCache,
  cart: StoredCart,
  now = new Date(),
): Promise<CartView> {
  const { collections, counters } = services;
  const productIds = [...new Set(cart.lines.map((line) => line.productId))];
  const [products, stock] = await Promise.all([
    Promise.all(productIds.map((id) => readProduct(collections, cache, id))),
    counters.totalAvailable(cart.lines.map((line) => line.sku)),
  ]);
  const byId = new Map(products.flatMap((product) => (product ? [[product._id, product] as const] : [])));
  const currency = cart.currency ?? cart.lines[0]?.priceAtAdd.currency ?? null;

  const lines = cart.lines.map((line): CartLineView => {
    const product = byId.get(line.productId);
    const currentPrice = product ? priceOf(product, line.sku) : line.priceAtAdd;
    const available = Math.max(0, stock.get(line.sku) ?? 0);
    return {
      sku: line.sku,
      productId: line.productId,
      sellerId: line.sellerId,
      title: product?.title ?? line.title,
      quantity: line.quantity,
      priceAtAdd: line.priceAtAdd,
      currentPrice,
      priceChanged: !sameMoney(currentPrice, line.priceAtAdd),
      available,
      outOfStock: available === 0,
      insufficientStock: available < line.quantity,
      forSale: isForSale(product) && currentPrice.currency === currency,
    };
  });

  const expiresAt = new Date(now.getTime() + cart.ttlMs).toISOString();
  if (!currency) return { ...emptyCartView(cart.cartId), lines, expiresAt };

  const counted = lines.map((line) => ({
    unitPrice: line.currentPrice,
    quantity: line.quantity,
    counted: line.forSale,
  }));
  const { subtotal } = cartTotals(counted, currency);
  let promo: CartPromoView | null = null;
  let discount: Money | undefined;
  if (cart.promoCode) {
    const promotion = await findPromotion(collections, cart.promoCode);
    if (!promotion) {
      promo = { code: cart.promoCode, discount: null, valid: false, reason: 'unknown-code' };
    } else {
      const outcome = promotionDiscount(promotion, subtotal, now);
      promo = outcome.valid
        ? { code: cart.promoCode, discount: outcome.discount, valid: true }
        : { code: cart.promoCode, discount: outcome.discount, valid: false, reason: outcome.reason };
      if (outcome.valid) discount = outcome.discount;
    }
  }
  const { total } = cartTotals(counted, currency, discount);
  return { cartId: cart.cartId, lines, subtotal, promo, total, currency, expiresAt };
}
