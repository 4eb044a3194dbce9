import type { Request } from 'express';
import { buyerCartId, cartCookieName, cookieValue, isGuestCartId } from '../cart/cart-ids';
import type { CartRef } from '../cart/cart-reads';
import { HttpProblem } from './problem';

/**
 * Whose cart a request acts on. A signed-in buyer always gets their own and any X-Cart-Id is ignored (a
 * guest cart only joins it at sign-in), so no header can reach another buyer's cart. A guest id must look
 * like one the server minted, which a buyer's cart id never does.
 */
export function cartRefOf(req: Request): CartRef {
  const principal = req.principal;
  if (principal) {
    if (principal.role !== 'buyer') throw new HttpProblem(403, 'forbidden', 'Carts are for buyer accounts');
    return { cartId: buyerCartId(principal.userId), guest: false };
  }
  const header = req.get('x-cart-id');
  if (header !== undefined) {
    if (!isGuestCartId(header)) throw new HttpProblem(400, 'invalid-cart-id', 'X-Cart-Id is not a cart id');
    return { cartId: header, guest: true };
  }
  const cookie = cookieValue(req.get('cookie'), cartCookieName);
  // A stale or foreign cookie must not break the storefront: it is simply no cart.
  return { cartId: cookie !== undefined && isGuestCartId(cookie) ? cookie : undefined, guest: true };
}
