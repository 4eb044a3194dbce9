import { buyerCartId } from '../cart/cart-ids';
import { findPromotion } from '../cart/cart-promotion';
import type { CartStore, StoredCart } from '../cart/cart-store';
import type { Money } from '../domain/money';
import type { RequestedLine } from '../domain/order-lines';
import { type PromotionTerms, promotionTerms } from '../domain/promotions';
import type { Collections } from '../integrations/collections';

// What a checkout turns into an order: the lines the buyer sent (or a flash-sale hold's), else the buyer's
// cart with the prices it showed and its promo code.

/** Nothing to order: no lines were sent and the cart is empty. */
export class EmptyCartError extends Error {
  constructor() {
    super('The cart is empty; add items or send lines');
  }
}

export interface CheckoutLines {
  lines: RequestedLine[];
  /** The cart the lines came from; absent when the buyer sent lines. */
  cart?: StoredCart;
}

/** The lines to order: the given ones, else the buyer's cart's (read without extending its expiry). */
export async function checkoutLines(
  carts: CartStore,
  customerId: string,
  given: RequestedLine[] | undefined,
): Promise<CheckoutLines> {
  const cart = given ? undefined : await carts.read(buyerCartId(customerId), { touch: false });
  const lines = given ?? cart?.lines.map(({ sku, quantity }) => ({ sku, quantity }));
  if (!lines || lines.length === 0) throw new EmptyCartError();
  return { lines, ...(cart ? { cart } : {}) };
}

/**
 * The cart's terms the order is judged against: the price each line showed when added (so the order can
 * tell the buyer what changed) and its promotion as it stands now (judged again inside the order).
 */
export async function cartTerms(
  collections: Collections,
  cart: StoredCart | undefined,
): Promise<{ cartPrices: Record<string, Money>; promotion?: PromotionTerms }> {
  const promo = cart?.promoCode ? await findPromotion(collections, cart.promoCode) : undefined;
  const cartPrices = Object.fromEntries((cart?.lines ?? []).map((l) => [l.sku, l.priceAtAdd]));
  return promo ? { cartPrices, promotion: promotionTerms(promo) } : { cartPrices };
}

/** The cart has become the order: it is emptied for the buyer's next one. */
export async function emptyOrderedCart(carts: CartStore, customerId: string): Promise<void> {
  await carts.delete(buyerCartId(customerId));
}
