import type { Request } from 'express';
import type { Principal } from '../accounts/principal';
import type { Services } from '../integrations/services';
import { buyerCartId, cartCookieName, cookieValue, isGuestCartId } from './cart-ids';
import { CartStore } from './cart-store';

/** The guest cart a request names (X-Cart-Id header first, then the cart_id cookie), if well formed. */
export function guestCartIdOf(req: Request): string | undefined {
  const named = req.get('x-cart-id') ?? cookieValue(req.get('cookie'), cartCookieName);
  return named !== undefined && isGuestCartId(named) ? named : undefined;
}

/**
 * Folds the guest cart into the buyer's at sign-in: quantities add up (at most 1000 a line), the buyer's own
 * price snapshot wins where both have a line, lines in another currency or beyond 100 are dropped, and the
 * guest cart is deleted. A retried login merges nothing twice (see CartStore.merge).
 */
export function mergeGuestCartOnLogin(services: Services) {
  const store = new CartStore(services.redis);
  return async (principal: Principal, req: Request): Promise<void> => {
    if (principal.role !== 'buyer') return;
    const guestId = guestCartIdOf(req);
    if (!guestId) return;
    const guest = await store.read(guestId, { touch: false });
    if (!guest) return;
    if (guest.lines.length > 0) await store.merge(guest, buyerCartId(principal.userId));
    await store.delete(guestId);
  };
}
