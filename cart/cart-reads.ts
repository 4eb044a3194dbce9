import { ProductCache } from '../catalog/product-cache';
import type { Destination } from '../domain/tax';
import type { Services } from '../integrations/services';
import { CartStore } from './cart-store';
import { type CartView, cartView, emptyCartView } from './cart-view';

/** What the cart's reads and commands work with: its Redis store, the product cache, and the services. */
export interface CartDeps {
  services: Services;
  store: CartStore;
  cache: ProductCache;
}

export function cartDeps(services: Services): CartDeps {
  return { services, store: new CartStore(services.redis), cache: new ProductCache(services.redis) };
}

/**
 * Whose cart a request acts on: a buyer's own (`buyer:<userId>`), or a guest cart the server minted. A
 * guest may have none yet (`cartId` undefined); a buyer always has one, if only an empty one.
 */
export interface CartRef {
  cartId: string | undefined;
  guest: boolean;
}

/**
 * The cart priced now, or an empty view when there is none. An empty guest cart has no id to show; an
 * empty buyer's cart keeps the buyer's. `touch` counts the read as activity (the 30-day expiry moves).
 */
export async function readCart(
  deps: CartDeps,
  ref: CartRef,
  options: { touch: boolean; destination?: Destination | null },
): Promise<CartView> {
  const destination = options.destination ?? null;
  const cart = ref.cartId ? await deps.store.read(ref.cartId, { touch: options.touch }) : undefined;
  return cart
    ? cartView(deps.services, deps.cache, cart, destination)
    : emptyCartView(ref.guest ? null : (ref.cartId ?? null), destination);
}
