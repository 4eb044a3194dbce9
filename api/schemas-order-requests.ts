import { z } from 'zod';
import { orderStatuses } from '../domain/order-status';
import { subOrderStatuses } from '../domain/sub-order-status';
import { flashSaleCheckoutSchema } from './flash-sale-checkout';
import { orderIdPattern } from './order-ids';
import { shippingAddressSchema } from './schemas-address';
import { skuSchema } from './schemas';

// What a buyer, a seller or ops send to an order (checkout, payment, cancel, fraud decision, a seller's
// fulfillment steps) and the short answers those commands give. Unknown fields are refused everywhere, so
// nobody can set what the order decides itself.

export const placeOrderBody = z
  .object({
    lines: z
      .array(z.object({ sku: skuSchema, quantity: z.number().int().min(1).max(1000) }).strict())
      .min(1)
      .max(100)
      .optional()
      .describe("Omit to order the buyer's cart"),
    shipTo: shippingAddressSchema,
    billingCountry: z
      .string()
      .regex(/^[A-Z]{2}$/)
      .optional(),
    paymentMethodId: z
      .string()
      .regex(/^pm_\w{1,64}$/)
      .optional()
      .describe('Pay at once; otherwise complete payment with POST /payments/checkout'),
    flashSale: flashSaleCheckoutSchema.optional(),
  })
  .strict()
  .openapi('PlaceOrder');

export const orderAccepted = z
  .object({ orderId: z.string(), status: z.enum(orderStatuses) })
  .openapi('OrderAccepted');

export const orderIdParams = z.object({ id: z.string().regex(orderIdPattern, 'not an order id') });

export const orderListQuery = z
  .object({
    status: z.enum(orderStatuses).optional(),
    customerId: z.string().max(64).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    offset: z.coerce.number().int().min(0).max(10_000).default(0),
  })
  .strict();

export const cancelOrderBody = z
  .object({ reason: z.string().trim().min(1).max(500) })
  .strict()
  .openapi('CancelOrder');

export const cancellingOrder = z
  .object({
    cancelling: z.array(z.string()).describe('Seller ids whose parts are being cancelled'),
  })
  .strict()
  .openapi('CancellingOrder');

export const fraudDecisionBody = z
  .object({ decision: z.enum(['approve', 'reject']), reason: z.string().trim().min(1).max(500) })
  .strict()
  .openapi('FraudDecision');

export const fraudDecisionTaken = z
  .object({
    orderId: z.string(),
    decision: z.enum(['approve', 'reject']),
    status: z.enum(orderStatuses).describe('The order status when the decision was taken'),
  })
  .strict()
  .openapi('FraudDecisionTaken');

export const paymentCheckoutBody = z
  .union([
    z
      .object({
        orderId: z.string().regex(orderIdPattern),
        paymentMethodId: z.string().regex(/^pm_\w{1,64}$/),
      })
      .strict(),
    z.object({ orderId: z.string().regex(orderIdPattern), confirm: z.literal(true) }).strict(),
  ])
  .openapi('PaymentCheckout');

export const paymentOutcome = z
  .object({
    status: z.enum(['authorized', 'requires_action', 'declined']),
    paymentIntentId: z.string().optional(),
    clientSecret: z.string().nullable().optional(),
    reason: z.string().optional(),
  })
  .openapi('PaymentOutcome');

export const subOrderListQuery = z
  .object({
    status: z.enum(subOrderStatuses).optional(),
    sellerId: z.string().max(64).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    offset: z.coerce.number().int().min(0).max(10_000).default(0),
  })
  .strict();

export const subOrderParams = z.object({ orderId: z.string().regex(orderIdPattern, 'not an order id') });

export const labelBody = z
  .object({ weightGrams: z.number().int().min(1).max(70_000) })
  .strict()
  .openapi('BuyLabel');

export const declineBody = z
  .object({ reason: z.string().trim().min(1).max(500) })
  .strict()
  .openapi('DeclineSubOrder');
