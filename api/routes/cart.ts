import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import {
  buyerCartId,
  cartCookieName,
  cookieValue,
  guestCartCookie,
  isGuestCartId,
  newGuestCartId,
} from '../../cart/cart-ids';
import { offerFor } from '../../cart/cart-offer';
import { findPromotion } from '../../cart/cart-promotion';
import { CartStore, maxLinesPerCart, maxQuantityPerLine, type AddOutcome } from '../../cart/cart-store';
import { cartView, emptyCartView } from '../../cart/cart-view';
import { ProductCache } from '../../catalog/product-cache';
import { promotionDiscount } from '../../domain/promotions';
import type { Services } from '../../integrations/services';
import { fingerprint, idempotencyKeyOf } from '../idempotency';
import { problemResponses } from '../openapi-registry';
import { HttpProblem } from '../problem';
import { hit, tooMany } from '../rate-limit';
import { moneySchema, skuSchema } from '../schemas';
import { parseParams, validBody } from '../validation';
import { promoCodeSchema } from './promotions';

const quantity = z.number().int().min(1).max(maxQuantityPerLine);

export const cartAddBody = z.object({ sku: skuSchema, quantity }).strict().openapi('CartAdd');
export const cartLinePatchBody = z.object({ quantity }).strict().openapi('CartLinePatch');
export const cartPromoBody = z.object({ code: promoCodeSchema }).strict().openapi('CartPromo');
const skuParam = z.object({ sku: skuSchema });
// A union rather than moneySchema.nullable(): the generator turns a nullable reference into an allOf that
// no null can satisfy, so an empty cart would break its own documented schema.
const moneyOrNull = z.union([moneySchema, z.null()]);

export const cartViewSchema = z
  .object({
    cartId: z.string().nullable(),
    lines: z.array(
      z.object({
        sku: z.string(),
        productId: z.string(),
        sellerId: z.string(),
        title: z.string(),
        quantity: z.number().int(),
        priceAtAdd: moneySchema,
        currentPrice: moneySchema,
        priceChanged: z.boolean(),
        available: z.number().int(),
        outOfStock: z.boolean(),
        insufficientStock: z.boolean(),
        forSale: z.boolean(),
      }),
    ),
    subtotal: moneyOrNull,
    promo: z
      .object({
        code: z.string(),
        discount: moneyOrNull,
        valid: z.boolean(),
        reason: z.string().optional(),
      })
      .nullable(),
    destination: z
      .union([z.object({ country: z.string(), region: z.string().optional() }), z.null()])
      .describe('Where shipping and tax were computed for: the ?country=&region= of GET /cart'),
    shipping: moneyOrNull.describe('Per-seller shipping summed; null without a destination'),
    tax: moneyOrNull.describe('Tax by destination; null without a destination'),
    bySeller: z
      .array(
        z.object({
          sellerId: z.string(),
          subtotal: moneySchema,
          discount: moneySchema,
          shipping: moneySchema,
          tax: moneySchema,
          total: moneySchema,
        }),
      )
      .describe("Each seller's part as checkout will authorize it; empty without a destination"),
    total: moneyOrNull.describe(
      'With a destination: what checkout authorizes (goods - discount + shipping + tax); without: the goods',
    ),
    currency: z.string().nullable(),
    expiresAt: z.string().nullable(),
  })
  .strict()
  .openapi('Cart');

export const cartDestinationQuery = z
  .object({
    country: z
      .string()
      .regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code such as US')
      .optional()
      .describe('Ship-to country: adds shipping, tax and the per-seller totals checkout will authorize'),
    region: z.string().trim().min(1).max(50).optional().describe('Ship-to region (state), as in shipTo'),
  })
  .strict()
  .refine((q) => q.region === undefined || q.country !== undefined, {
    message: 'region needs country',
    path: ['region'],
  });

const cartHeaders = z.object({
  'x-cart-id': z
    .string()
    .regex(/^guest:[0-9a-f]{32}$/)
    .optional(),
});
// Signed-in buyers use their own cart; without a token the guest cart is named by X-Cart-Id or cart_id.
const buyerOrGuest: Record<string, string[]>[] = [{ bearer: [] }, {}];
const cartResponse = {
  description: 'The cart, priced now',
  content: { 'application/json': { schema: cartViewSchema } },
};

const guestCartLimit = { name: 'guest-cart-ip', max: 60, windowMs: 60_000 };

interface CartRef {
  cartId: string | undefined;
  guest: boolean;
}

/**
 * Whose cart a request acts on. A signed-in buyer always gets their own and any X-Cart-Id is ignored (a
 * guest cart only joins it at sign-in), so no header can reach another buyer's cart. A guest id must look
 * like one the server minted, which a buyer's cart id never does.
 */
function cartRefOf(req: Request): CartRef {
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

function addProblem(outcome: AddOutcome): HttpProblem | undefined {
  switch (outcome.kind) {
    case 'key-reused':
      return new HttpProblem(
        422,
        'idempotency-key-reused',
        'This Idempotency-Key was already used with a different request body',
      );
    case 'mixed-currency':
      return new HttpProblem(
        422,
        'mixed-currency',
        'All lines of a cart must be in one currency',
        undefined,
        {
          cartCurrency: outcome.cartCurrency,
        },
      );
    case 'quantity-limit':
      return new HttpProblem(
        422,
        'quantity-limit',
        `At most ${maxQuantityPerLine} units of a SKU per cart`,
        undefined,
        { maxQuantity: maxQuantityPerLine, inCart: outcome.quantity },
      );
    case 'line-limit':
      return new HttpProblem(422, 'line-limit', `At most ${maxLinesPerCart} lines per cart`, undefined, {
        maxLines: maxLinesPerCart,
      });
    default:
      return undefined;
  }
}

export function cartRouter(services: Services, registry: OpenAPIRegistry): Router {
  const { collections, redis } = services;
  const store = new CartStore(redis);
  const cache = new ProductCache(redis);
  const router = Router();

  router.use('/cart', (_req, res, next) => {
    // A cart differs per caller; no shared cache may keep one.
    res.set('Cache-Control', 'no-store');
    next();
  });

  async function mintGuestCart(req: Request): Promise<string> {
    const limit = await hit(redis, guestCartLimit, req.ip ?? 'unknown');
    if (!limit.allowed) throw tooMany(limit.retryAfterS, 'new carts from this address');
    return newGuestCartId();
  }

  function announceGuestCart(req: Request, res: Response, cartId: string): void {
    res.set('X-Cart-Id', cartId);
    res.append('Set-Cookie', guestCartCookie(cartId, req.secure));
  }

  async function respondWithCart(res: Response, cartId: string | undefined, guest: boolean): Promise<void> {
    const cart = cartId ? await store.read(cartId, { touch: false }) : undefined;
    res.json(cart ? await cartView(services, cache, cart) : emptyCartView(guest ? null : (cartId ?? null)));
  }

  registry.registerPath({
    method: 'post',
    path: '/cart/add',
    summary:
      "Add units of a SKU to the cart (the buyer's, or a guest cart: created on first add and returned in " +
      'the body, X-Cart-Id and a cart_id cookie). Optional Idempotency-Key makes a retry add nothing twice.',
    security: buyerOrGuest,
    request: {
      headers: cartHeaders.extend({ 'idempotency-key': z.string().optional() }),
      body: { content: { 'application/json': { schema: cartAddBody } } },
    },
    responses: { 200: cartResponse, ...problemResponses(400, 401, 403, 415, 422, 429) },
  });
  router.post('/cart/add', validBody(cartAddBody), async (req, res) => {
    const body = req.body as z.infer<typeof cartAddBody>;
    const ref = cartRefOf(req);
    const replay = req.get('idempotency-key')
      ? { key: idempotencyKeyOf(req), fingerprint: fingerprint(body) }
      : undefined;
    const offer = await offerFor(collections, cache, body.sku);
    if (!offer) {
      throw new HttpProblem(
        422,
        'sku-not-for-sale',
        'This SKU does not exist or is not for sale',
        undefined,
        {
          sku: body.sku,
        },
      );
    }
    const line = {
      sku: body.sku,
      quantity: body.quantity,
      priceAtAdd: offer.price,
      productId: offer.productId,
      sellerId: offer.sellerId,
      title: offer.title,
      addedAt: new Date().toISOString(),
    };
    let cartId = ref.cartId ?? (await mintGuestCart(req));
    // Only ids the server minted are used: an expired (or invented) guest id gets a fresh cart instead.
    let outcome = await store.add(cartId, line, { mustExist: ref.guest && ref.cartId !== undefined, replay });
    if (outcome.kind === 'missing') {
      cartId = await mintGuestCart(req);
      outcome = await store.add(cartId, line, { mustExist: false, replay });
    }
    const problem = addProblem(outcome);
    if (problem) throw problem;
    if (ref.guest) announceGuestCart(req, res, cartId);
    await respondWithCart(res, cartId, ref.guest);
  });

  registry.registerPath({
    method: 'get',
    path: '/cart',
    summary:
      'The cart with current prices, price changes since added, live stock and the promo code judged now; ' +
      'with ?country= (and region) also per-seller shipping and tax, and the total checkout will authorize',
    security: buyerOrGuest,
    request: { headers: cartHeaders, query: cartDestinationQuery },
    responses: { 200: cartResponse, ...problemResponses(400, 401, 403) },
  });
  router.get('/cart', async (req, res) => {
    const query = parseParams(cartDestinationQuery, req.query);
    const destination = query.country
      ? { country: query.country, ...(query.region ? { region: query.region } : {}) }
      : null;
    const ref = cartRefOf(req);
    // Reading the cart is activity too: it pushes the 30-day expiry forward.
    const cart = ref.cartId ? await store.read(ref.cartId, { touch: true }) : undefined;
    res.json(
      cart
        ? await cartView(services, cache, cart, destination)
        : emptyCartView(ref.guest ? null : (ref.cartId ?? null), destination),
    );
  });

  registry.registerPath({
    method: 'patch',
    path: '/cart/lines/{sku}',
    summary: 'Set the quantity of a cart line',
    security: buyerOrGuest,
    request: {
      params: skuParam,
      headers: cartHeaders,
      body: { content: { 'application/json': { schema: cartLinePatchBody } } },
    },
    responses: { 200: cartResponse, ...problemResponses(400, 401, 403, 404, 415, 422) },
  });
  router.patch('/cart/lines/:sku', validBody(cartLinePatchBody), async (req, res) => {
    const { sku } = parseParams(skuParam, req.params);
    const body = req.body as z.infer<typeof cartLinePatchBody>;
    const ref = cartRefOf(req);
    if (!ref.cartId || !(await store.setQuantity(ref.cartId, sku, body.quantity))) {
      throw new HttpProblem(404, 'cart-line-not-found', 'The cart has no line for this SKU');
    }
    await respondWithCart(res, ref.cartId, ref.guest);
  });

  registry.registerPath({
    method: 'delete',
    path: '/cart/lines/{sku}',
    summary: 'Remove a line from the cart',
    security: buyerOrGuest,
    request: { params: skuParam, headers: cartHeaders },
    responses: { 200: cartResponse, ...problemResponses(400, 401, 403, 404) },
  });
  router.delete('/cart/lines/:sku', async (req, res) => {
    const { sku } = parseParams(skuParam, req.params);
    const ref = cartRefOf(req);
    if (!ref.cartId || !(await store.remove(ref.cartId, sku))) {
      throw new HttpProblem(404, 'cart-line-not-found', 'The cart has no line for this SKU');
    }
    await respondWithCart(res, ref.cartId, ref.guest);
  });

  registry.registerPath({
    method: 'post',
    path: '/cart/promo',
    summary:
      'Apply a promo code. 404 for an unknown code; 422 promo-not-applicable with reason not-yet-valid, ' +
      'expired, currency-mismatch, below-minimum or cart-empty.',
    security: buyerOrGuest,
    request: { headers: cartHeaders, body: { content: { 'application/json': { schema: cartPromoBody } } } },
    responses: { 200: cartResponse, ...problemResponses(400, 401, 403, 404, 415, 422) },
  });
  router.post('/cart/promo', validBody(cartPromoBody), async (req, res) => {
    const { code } = req.body as z.infer<typeof cartPromoBody>;
    const ref = cartRefOf(req);
    const promotion = await findPromotion(collections, code);
    if (!promotion) throw new HttpProblem(404, 'promo-not-found', 'No such promo code');
    const notApplicable = (reason: string) =>
      new HttpProblem(422, 'promo-not-applicable', 'This promo code does not apply to the cart', undefined, {
        code,
        reason,
      });
    const cart = ref.cartId ? await store.read(ref.cartId, { touch: false }) : undefined;
    const view = cart && cart.lines.length > 0 ? await cartView(services, cache, cart) : undefined;
    if (!ref.cartId || !view?.subtotal) throw notApplicable('cart-empty');
    const outcome = promotionDiscount(promotion, view.subtotal, new Date());
    if (!outcome.valid) throw notApplicable(outcome.reason);
    if (!(await store.setPromo(ref.cartId, code))) throw notApplicable('cart-empty');
    await respondWithCart(res, ref.cartId, ref.guest);
  });

  registry.registerPath({
    method: 'delete',
    path: '/cart/promo',
    summary: 'Remove the promo code from the cart',
    security: buyerOrGuest,
    request: { headers: cartHeaders },
    responses: { 200: cartResponse, ...problemResponses(400, 401, 403) },
  });
  router.delete('/cart/promo', async (req, res) => {
    const ref = cartRefOf(req);
    if (ref.cartId) await store.clearPromo(ref.cartId);
    await respondWithCart(res, ref.cartId, ref.guest);
  });

  return router;
}
