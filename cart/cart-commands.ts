import { type PromoRejection, promotionDiscount } from '../domain/promotions';
import { offerFor } from './cart-offer';
import { findPromotion } from './cart-promotion';
import { type CartDeps, type CartRef } from './cart-reads';
import type { AddOutcome } from './cart-store';
import { cartView } from './cart-view';

// Every change a buyer or guest makes to a cart. Each is one atomic script on the cart's Redis hash (see
// cart-store.ts); the caller shows the cart afterwards through cart-reads.ts.

export type AddToCartOutcome = AddOutcome | { kind: 'sku-not-for-sale' };

/**
 * Adds units of a SKU at its price now. A guest without a cart gets one minted (`mintGuestCart`, which the
 * API rate-limits per address); an expired or invented guest id gets a fresh cart instead, since only ids
 * the server minted are used. `replay` makes a retry with the same Idempotency-Key add nothing twice.
 */
export async function addToCart(
  deps: CartDeps,
  ref: CartRef,
  item: { sku: string; quantity: number },
  options: { replay?: { key: string; fingerprint: string }; mintGuestCart: () => Promise<string> },
): Promise<{ cartId?: string; outcome: AddToCartOutcome }> {
  const offer = await offerFor(deps.services.collections, deps.cache, item.sku);
  if (!offer) return { outcome: { kind: 'sku-not-for-sale' } };
  const line = {
    sku: item.sku,
    quantity: item.quantity,
    priceAtAdd: offer.price,
    productId: offer.productId,
    sellerId: offer.sellerId,
    title: offer.title,
    addedAt: new Date().toISOString(),
  };
  const { replay } = options;
  let cartId = ref.cartId ?? (await options.mintGuestCart());
  let outcome = await deps.store.add(cartId, line, {
    mustExist: ref.guest && ref.cartId !== undefined,
    replay,
  });
  if (outcome.kind === 'missing') {
    cartId = await options.mintGuestCart();
    outcome = await deps.store.add(cartId, line, { mustExist: false, replay });
  }
  return { cartId, outcome };
}

/** False when there is no cart or it has no line for the SKU. */
export async function setLineQuantity(
  deps: CartDeps,
  ref: CartRef,
  sku: string,
  quantity: number,
): Promise<boolean> {
  return ref.cartId !== undefined && (await deps.store.setQuantity(ref.cartId, sku, quantity));
}

/** False when there is no cart or it has no line for the SKU. */
export async function removeLine(deps: CartDeps, ref: CartRef, sku: string): Promise<boolean> {
  return ref.cartId !== undefined && (await deps.store.remove(ref.cartId, sku));
}

export type ApplyPromoOutcome =
  | { kind: 'applied' }
  | { kind: 'unknown-code' }
  | { kind: 'not-applicable'; reason: PromoRejection | 'cart-empty' };

/**
 * Applies a promo code when it gives a discount on the cart as it is now. It is judged again every time the
 * cart is shown and at checkout, so this check only spares the buyer a code that cannot apply today.
 */
export async function applyPromo(deps: CartDeps, ref: CartRef, code: string): Promise<ApplyPromoOutcome> {
  const promotion = await findPromotion(deps.services.collections, code);
  if (!promotion) return { kind: 'unknown-code' };
  const cart = ref.cartId ? await deps.store.read(ref.cartId, { touch: false }) : undefined;
  const view = cart && cart.lines.length > 0 ? await cartView(deps.services, deps.cache, cart) : undefined;
  if (!ref.cartId || !view?.subtotal) return { kind: 'not-applicable', reason: 'cart-empty' };
  const outcome = promotionDiscount(promotion, view.subtotal, new Date());
  if (!outcome.valid) return { kind: 'not-applicable', reason: outcome.reason };
  // The cart may have expired between the read and this write.
  if (!(await deps.store.setPromo(ref.cartId, code))) return { kind: 'not-applicable', reason: 'cart-empty' };
  return { kind: 'applied' };
}

export async function removePromo(deps: CartDeps, ref: CartRef): Promise<void> {
  if (ref.cartId) await deps.store.clearPromo(ref.cartId);
}
