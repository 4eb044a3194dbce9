import { readProduct } from '../catalog/products';
import type { ProductCache } from '../catalog/product-cache';
import { cartTotals } from '../domain/cart-totals';
import type { Money } from '../domain/money';
import { type SubOrderTotals, checkoutTotals } from '../domain/order-totals';
import type { Destination } from '../domain/tax';
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
  /** Where the totals ship to; without one, shipping and tax are unknown (null) and total is the goods. */
  destination: Destination | null;
  shipping: Money | null;
  tax: Money | null;
  /** Each seller's part as checkout will authorize it (empty without a destination). */
  bySeller: SubOrderTotals[];
  total: Money | null;
  currency: string | null;
  expiresAt: string | null;
}

export function emptyCartView(cartId: string | null, destination: Destination | null = null): CartView {
  return {
    cartId,
    lines: [],
    subtotal: null,
    promo: null,
    destination,
    shipping: null,
    tax: null,
    bySeller: [],
    total: null,
    currency: null,
    expiresAt: null,
  };
}

function sameMoney(a: Money, b: Money): boolean {
  return a.amount === b.amount && a.currency === b.currency;
}

/** Each line priced now, against the price it was added at, with live stock and whether it is still for sale. */
async function lineViews(
  services: Services,
  cache: ProductCache,
  cart: StoredCart,
  currency: string | null,
): Promise<CartLineView[]> {
  const { collections, counters } = services;
  const productIds = [...new Set(cart.lines.map((line) => line.productId))];
  const [products, stock] = await Promise.all([
    Promise.all(productIds.map((id) => readProduct(collections, cache, id))),
    counters.totalAvailable(cart.lines.map((line) => line.sku)),
  ]);
  const byId = new Map(products.flatMap((product) => (product ? [[product._id, product] as const] : [])));
  return cart.lines.map((line): CartLineView => {
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
}

/** The cart's promo code judged against today's subtotal; the discount counts only while it is valid. */
async function promoView(
  services: Services,
  code: string | undefined,
  subtotal: Money,
  now: Date,
): Promise<{ promo: CartPromoView | null; discount?: Money }> {
  if (!code) return { promo: null };
  const promotion = await findPromotion(services.collections, code);
  if (!promotion) return { promo: { code, discount: null, valid: false, reason: 'unknown-code' } };
  const outcome = promotionDiscount(promotion, subtotal, now);
  return outcome.valid
    ? { promo: { code, discount: outcome.discount, valid: true }, discount: outcome.discount }
    : { promo: { code, discount: outcome.discount, valid: false, reason: outcome.reason } };
}

export async function cartView(
  services: Services,
  cache: ProductCache,
  cart: StoredCart,
  destination: Destination | null = null,
  now = new Date(),
): Promise<CartView> {
  const currency = cart.currency ?? cart.lines[0]?.priceAtAdd.currency ?? null;
  const lines = await lineViews(services, cache, cart, currency);
  const expiresAt = new Date(now.getTime() + cart.ttlMs).toISOString();
  if (!currency) return { ...emptyCartView(cart.cartId, destination), lines, expiresAt };

  const counted = lines.map((line) => ({
    unitPrice: line.currentPrice,
    quantity: line.quantity,
    counted: line.forSale,
  }));
  const { subtotal } = cartTotals(counted, currency);
  const { promo, discount } = await promoView(services, cart.promoCode, subtotal, now);
  const { total } = cartTotals(counted, currency, discount);
  const view = {
    cartId: cart.cartId,
    lines,
    subtotal,
    promo,
    destination,
    shipping: null,
    tax: null,
    bySeller: [],
    total,
    currency,
    expiresAt,
  };
  const buyable = lines.filter((line) => line.forSale);
  if (!destination || buyable.length === 0) return view;
  // Checkout's own rule (domain/order-totals.ts): per-seller shipping, tax on the discounted goods, the
  // discount shared in proportion, so the total shown is the amount checkout will authorize.
  const atCheckout = checkoutTotals(
    buyable.map((line) => ({ ...line, unitPrice: line.currentPrice })),
    destination,
    discount?.amount ?? 0,
  );
  return {
    ...view,
    shipping: atCheckout.shipping,
    tax: atCheckout.tax,
    bySeller: atCheckout.bySeller,
    total: atCheckout.total,
  };
}
