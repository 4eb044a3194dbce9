import { z } from 'zod';
import { orderStatuses } from '../domain/order-status';
import { subOrderStatuses } from '../domain/sub-order-status';
import type { OrderDoc, SubOrderDoc } from '../orders/documents';
import type { OrderState } from '../workflows/order-definitions';
import type { SubOrderState } from '../workflows/seller-fulfillment-definitions';
import { shippingAddressSchema } from './schemas-address';
import { moneySchema } from './schemas';

// The order and sub-order resources exactly as the API answers them: every field named, none passed through,
// so a storefront generating a client from /openapi.json knows the whole shape. Responses are built by the
// functions below, field by field, from the projection or (before its first write) the order's workflow.

const dateTime = z.string().describe('ISO 8601 date-time');

export const orderLineSchema = z
  .object({
    sku: z.string(),
    quantity: z.number().int(),
    productId: z.string(),
    sellerId: z.string(),
    title: z.string(),
    category: z.string().optional(),
    unitPrice: moneySchema,
  })
  .strict()
  .openapi('OrderLine');

const subOrderOfOrder = z
  .object({
    sellerId: z.string(),
    status: z.enum(subOrderStatuses),
    total: moneySchema,
    captured: moneySchema.optional(),
    commission: moneySchema.optional(),
    trackingNumber: z.string().optional(),
    carrier: z.string().optional(),
    labelUrl: z.string().optional(),
    cancelReason: z.string().optional(),
    acceptBy: dateTime.optional().describe('The seller must accept by then, or the part is cancelled'),
    shippedAt: dateTime.optional(),
    deliveredAt: dateTime.optional(),
    createdAt: dateTime.optional(),
    updatedAt: dateTime.optional(),
    paymentIntentId: z.string().optional().describe('Ops only'),
  })
  .strict()
  .openapi('OrderSubOrder');

export const orderSchema = z
  .object({
    orderId: z.string(),
    customerId: z.string(),
    status: z.enum(orderStatuses),
    lines: z.array(orderLineSchema),
    subtotal: moneySchema.optional(),
    discount: moneySchema.optional(),
    shipping: moneySchema.optional().describe('Per-seller shipping, summed'),
    tax: moneySchema.optional(),
    total: moneySchema
      .optional()
      .describe('What the card is authorized for: subtotal - discount + shipping + tax'),
    promoCode: z.string().optional(),
    shipTo: shippingAddressSchema.optional(),
    sellerIds: z.array(z.string()).optional(),
    priceChanges: z
      .array(z.object({ sku: z.string(), was: moneySchema, now: moneySchema }).strict())
      .optional()
      .describe('Lines whose price moved since they were put in the cart'),
    holdExpiresAt: dateTime.optional().describe('Stock is held for payment until then'),
    payment: z
      .union([
        z.object({ status: z.literal('authorized') }).strict(),
        z
          .object({
            status: z.literal('requires_action'),
            paymentIntentId: z.string(),
            clientSecret: z.union([z.string(), z.null()]),
          })
          .strict(),
        z.object({ status: z.literal('declined'), reason: z.string() }).strict(),
      ])
      .optional(),
    failureReason: z.string().optional(),
    subOrders: z.array(subOrderOfOrder).optional().describe("Each seller's part (not in lists)"),
    createdAt: dateTime.optional(),
    updatedAt: dateTime.optional(),
    fraud: z
      .object({ score: z.number(), reasons: z.array(z.string()) })
      .strict()
      .optional()
      .describe('Ops only: the fraud screen'),
    paymentIntentIds: z
      .record(z.string(), z.string())
      .optional()
      .describe('Ops only: the PaymentIntent per seller'),
  })
  .strict()
  .openapi('Order');

export type OrderResource = z.infer<typeof orderSchema>;

const iso = (date: Date | undefined) => (date ? date.toISOString() : undefined);
function defined<T extends Record<string, unknown>>(fields: T): T {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as T;
}

function lineOf(line: OrderDoc['lines'][number]): z.infer<typeof orderLineSchema> {
  return defined({
    sku: line.sku,
    quantity: line.quantity,
    productId: line.productId,
    sellerId: line.sellerId,
    title: line.title,
    category: line.category,
    unitPrice: line.unitPrice,
  });
}

export function orderFromRecord(doc: OrderDoc, subOrders?: SubOrderDoc[]): OrderResource {
  return defined({
    orderId: doc._id,
    customerId: doc.customerId,
    status: doc.status,
    lines: doc.lines.map(lineOf),
    subtotal: doc.subtotal,
    discount: doc.discount,
    shipping: doc.shipping,
    tax: doc.tax,
    total: doc.total,
    promoCode: doc.promoCode,
    shipTo: doc.shipTo,
    sellerIds: doc.sellerIds,
    failureReason: doc.failureReason,
    subOrders: subOrders?.map((sub) =>
      defined({
        sellerId: sub.sellerId,
        status: sub.status,
        total: sub.total,
        captured: sub.captured,
        commission: sub.commission,
        trackingNumber: sub.trackingNumber,
        carrier: sub.carrier,
        labelUrl: sub.labelUrl,
        cancelReason: sub.cancelReason,
        acceptBy: iso(sub.acceptBy),
        shippedAt: iso(sub.shippedAt),
        deliveredAt: iso(sub.deliveredAt),
        createdAt: iso(sub.createdAt),
        updatedAt: iso(sub.updatedAt),
        paymentIntentId: sub.paymentIntentId,
      }),
    ),
    createdAt: iso(doc.createdAt),
    updatedAt: iso(doc.updatedAt),
    fraud: doc.fraud ? { score: doc.fraud.score, reasons: doc.fraud.reasons } : undefined,
    paymentIntentIds: doc.paymentIntentIds,
  });
}

/** Before its first write, the order is what its workflow says. */
export function orderFromWorkflow(state: OrderState): OrderResource {
  return defined({
    orderId: state.orderId,
    customerId: state.customerId,
    status: state.status,
    lines: state.lines.map(lineOf),
    subtotal: state.totals?.subtotal,
    discount: state.totals?.discount,
    shipping: state.totals?.shipping,
    tax: state.totals?.tax,
    total: state.total,
    promoCode: state.promo?.valid ? state.promo.code : undefined,
    sellerIds: state.totals?.bySeller.map((s) => s.sellerId),
    priceChanges: state.priceChanges,
    holdExpiresAt: state.holdExpiresAt,
    payment: state.payment,
    failureReason: state.failureReason,
    subOrders: state.subOrders.map((sub) =>
      defined({
        sellerId: sub.sellerId,
        status: sub.status,
        total: sub.total,
        trackingNumber: sub.trackingNumber,
        paymentIntentId: sub.paymentIntentId,
      }),
    ),
    fraud: state.fraud ? { score: state.fraud.score, reasons: state.fraud.reasons } : undefined,
    paymentIntentIds: state.paymentIntentIds,
  });
}

/** A seller's view of its part of an order (GET /seller/orders). */
export const sellerSubOrderSchema = z
  .object({
    subOrderId: z.string().describe('<orderId>:<sellerId>'),
    orderId: z.string(),
    sellerId: z.string(),
    customerId: z.string(),
    status: z.enum(subOrderStatuses),
    lines: z.array(orderLineSchema),
    total: moneySchema,
    captured: moneySchema.optional(),
    commission: moneySchema.optional(),
    trackingNumber: z.string().optional(),
    carrier: z.string().optional(),
    labelUrl: z.string().optional(),
    cancelReason: z.string().optional(),
    acceptBy: dateTime.optional().describe('Accept by then, or the sub-order is cancelled'),
    shippedAt: dateTime.optional(),
    deliveredAt: dateTime.optional(),
    createdAt: dateTime,
    updatedAt: dateTime,
  })
  .strict()
  .openapi('SellerSubOrder');

export function sellerSubOrderOf(doc: SubOrderDoc): z.infer<typeof sellerSubOrderSchema> {
  return defined({
    subOrderId: doc._id,
    orderId: doc.orderId,
    sellerId: doc.sellerId,
    customerId: doc.customerId,
    status: doc.status,
    lines: doc.lines.map(lineOf),
    total: doc.total,
    captured: doc.captured,
    commission: doc.commission,
    trackingNumber: doc.trackingNumber,
    carrier: doc.carrier,
    labelUrl: doc.labelUrl,
    cancelReason: doc.cancelReason,
    acceptBy: iso(doc.acceptBy),
    shippedAt: iso(doc.shippedAt),
    deliveredAt: iso(doc.deliveredAt),
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  });
}

/** The sub-order as its fulfillment workflow holds it, after a seller's step. */
export const subOrderStepSchema = z
  .object({
    orderId: z.string(),
    sellerId: z.string(),
    status: z.enum(subOrderStatuses),
    total: moneySchema,
    captured: moneySchema.optional(),
    trackingNumber: z.string().optional(),
    labelUrl: z.string().optional(),
    carrier: z.string().optional(),
    cancelReason: z.string().optional(),
    acceptBy: dateTime.describe('The acceptance deadline'),
  })
  .strict()
  .openapi('SubOrderAfterStep');

export function subOrderStepOf(state: SubOrderState): z.infer<typeof subOrderStepSchema> {
  return defined({
    orderId: state.orderId,
    sellerId: state.sellerId,
    status: state.status,
    total: state.total,
    captured: state.captured,
    trackingNumber: state.trackingNumber,
    labelUrl: state.labelUrl,
    carrier: state.carrier,
    cancelReason: state.cancelReason,
    acceptBy: state.acceptBy,
  });
}
