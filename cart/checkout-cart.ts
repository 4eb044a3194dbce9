import type { Services } from '../integrations/services';
import { CartStore } from './cart-store';

/**
 * What checkout needs from a cart: SKUs, quantities and the promo code. Prices are not passed on: the order
 * prices its lines from the live catalog and judges the promo code again, so a stale cart cannot set a price.
 */
export async function cartForCheckout(
  services: Services,
  cartId: string,
): Promise<{ lines: { sku: string; quantity: number }[]; promoCode?: string } | undefined> {
  const cart = await new CartStore(services.redis).read(cartId, { touch: false });
  if (!cart || cart.lines.length === 0) return undefined;
  return {
    lines: cart.lines.map(({ sku, quantity }) => ({ sku, quantity })),
    ...(cart.promoCode ? { promoCode: cart.promoCode } : {}),
  };
}

/** Empties the cart once its order is placed; clearing an expired or already cleared cart is a no-op. */
export async function clearCart(services: Services, cartId: string): Promise<void> {
  await new CartStore(services.redis).delete(cartId);
}
