import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { guestCartCookie, newGuestCartId } from '../../cart/cart-ids';
import { addToCart, applyPromo, removeLine, removePromo, setLineQuantity } from '../../cart/cart-commands';
import { cartDeps, readCart, type CartDeps, type CartRef } from '../../cart/cart-reads';
import type { Services } from '../../integrations/services';
import { cartRefOf } from '../cart-owner';
import { addProblem, cartLineNotFound, promoProblem } from '../cart-problems';
import { fingerprint, idempotencyKeyOf } from '../idempotency';
import { problemResponses } from '../openapi-registry';
import { hit, tooMany } from '../rate-limit';
import { declareRoute, type RouteTable } from '../route';
import {
  buyerOrGuest,
  cartAddBody,
  cartDestinationQuery,
  cartHeaders,
  cartLinePatchBody,
  cartPromoBody,
  cartResponse,
  skuParam,
} from '../schemas-cart';

const guestCartLimit = { name: 'guest-cart-ip', max: 60, windowMs: 60_000 };

/** Answers a change with the cart as it now is. */
async function respondWithCart(deps: CartDeps, res: Response, ref: CartRef): Promise<void> {
  res.json(await readCart(deps, ref, { touch: false }));
}

/** A buyer's cart, or a guest's named by X-Cart-Id or the cart_id cookie; any caller may have one. */
export function cartRouter(services: Services, registry: OpenAPIRegistry): Router {
  const deps = cartDeps(services);
  const table = { router: Router(), registry };

  table.router.use('/cart', (_req, res, next) => {
    // A cart differs per caller; no shared cache may keep one.
    res.set('Cache-Control', 'no-store');
    next();
  });

  async function mintGuestCart(req: Request): Promise<string> {
    const limit = await hit(services.redis, guestCartLimit, req.ip ?? 'unknown');
    if (!limit.allowed) throw tooMany(limit.retryAfterS, 'new carts from this address');
    return newGuestCartId();
  }

  declareRoute(table, {
    method: 'post',
    path: '/cart/add',
    summary:
      "Add units of a SKU to the cart (the buyer's, or a guest cart: created on first add and returned in " +
      'the body, X-Cart-Id and a cart_id cookie). Optional Idempotency-Key makes a retry add nothing twice.',
    security: buyerOrGuest,
    headers: cartHeaders.extend({ 'idempotency-key': z.string().optional() }),
    body: cartAddBody,
    responses: { 200: cartResponse, ...problemResponses(400, 401, 403, 415, 422, 429) },
    async handle({ body }, req, res) {
      const ref = cartRefOf(req);
      const replay = req.get('idempotency-key')
        ? { key: idempotencyKeyOf(req), fingerprint: fingerprint(body) }
        : undefined;
      const added = await addToCart(deps, ref, body, {
        ...(replay ? { replay } : {}),
        mintGuestCart: () => mintGuestCart(req),
      });
      const problem = addProblem(added.outcome, body.sku);
      if (problem) throw problem;
      if (ref.guest && added.cartId) {
        res.set('X-Cart-Id', added.cartId);
        res.append('Set-Cookie', guestCartCookie(added.cartId, req.secure));
      }
      await respondWithCart(deps, res, { cartId: added.cartId, guest: ref.guest });
    },
  });

  declareRoute(table, {
    method: 'get',
    path: '/cart',
    summary:
      'The cart with current prices, price changes since added, live stock and the promo code judged now; ' +
      'with ?country= (and region) also per-seller shipping and tax, and the total checkout will authorize',
    security: buyerOrGuest,
    headers: cartHeaders,
    query: cartDestinationQuery,
    responses: { 200: cartResponse, ...problemResponses(400, 401, 403) },
    async handle({ query }, req, res) {
      const destination = query.country
        ? { country: query.country, ...(query.region ? { region: query.region } : {}) }
        : null;
      // Reading the cart is activity too: it pushes the 30-day expiry forward.
      res.json(await readCart(deps, cartRefOf(req), { touch: true, destination }));
    },
  });

  declareLineRoutes(table, deps);
  declarePromoRoutes(table, deps);
  return table.router;
}

/** Changing a line: a line the cart does not have is a 404. */
function declareLineRoutes(table: RouteTable, deps: CartDeps): void {
  declareRoute(table, {
    method: 'patch',
    path: '/cart/lines/{sku}',
    summary: 'Set the quantity of a cart line',
    security: buyerOrGuest,
    params: skuParam,
    headers: cartHeaders,
    body: cartLinePatchBody,
    responses: { 200: cartResponse, ...problemResponses(400, 401, 403, 404, 415, 422) },
    async handle({ params, body }, req, res) {
      const ref = cartRefOf(req);
      if (!(await setLineQuantity(deps, ref, params.sku, body.quantity))) throw cartLineNotFound();
      await respondWithCart(deps, res, ref);
    },
  });

  declareRoute(table, {
    method: 'delete',
    path: '/cart/lines/{sku}',
    summary: 'Remove a line from the cart',
    security: buyerOrGuest,
    params: skuParam,
    headers: cartHeaders,
    responses: { 200: cartResponse, ...problemResponses(400, 401, 403, 404) },
    async handle({ params }, req, res) {
      const ref = cartRefOf(req);
      if (!(await removeLine(deps, ref, params.sku))) throw cartLineNotFound();
      await respondWithCart(deps, res, ref);
    },
  });
}

/** A promo code is judged when applied, and again every time the cart is shown and at checkout. */
function declarePromoRoutes(table: RouteTable, deps: CartDeps): void {
  declareRoute(table, {
    method: 'post',
    path: '/cart/promo',
    summary:
      'Apply a promo code. 404 for an unknown code; 422 promo-not-applicable with reason not-yet-valid, ' +
      'expired, currency-mismatch, below-minimum or cart-empty.',
    security: buyerOrGuest,
    headers: cartHeaders,
    body: cartPromoBody,
    responses: { 200: cartResponse, ...problemResponses(400, 401, 403, 404, 415, 422) },
    async handle({ body }, req, res) {
      const ref = cartRefOf(req);
      const problem = promoProblem(await applyPromo(deps, ref, body.code), body.code);
      if (problem) throw problem;
      await respondWithCart(deps, res, ref);
    },
  });

  declareRoute(table, {
    method: 'delete',
    path: '/cart/promo',
    summary: 'Remove the promo code from the cart',
    security: buyerOrGuest,
    headers: cartHeaders,
    responses: { 200: cartResponse, ...problemResponses(400, 401, 403) },
    async handle(_input, req, res) {
      const ref = cartRefOf(req);
      await removePromo(deps, ref);
      await respondWithCart(deps, res, ref);
    },
  });
}
