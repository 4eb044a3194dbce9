import { ApplicationFailure } from '@temporalio/activity';
import type { OrderStatus } from '../domain/order-status';
import { MixedCurrencyOrderError, type PricedLine, type RequestedLine } from '../domain/order-lines';
import type { Money } from '../domain/money';
import { type CheckoutTotals, checkoutTotals } from '../domain/order-totals';
import type { Collections } from '../integrations/collections';
import type { ShippingAddress } from '../orders/documents';
import { findByIds } from '../integrations/find-by-ids';
import { type PromotionTerms, promoAtCheckout } from '../domain/order-promotion';
import type { OrderState } from '../orders/order-state';
import { insertSubOrder, type RecordSubOrderInput } from './sub-orders';

export interface RecordOrderInput {
  orderId: string;
  customerId: string;
  lines: PricedLine[];
  subtotal: Money;
  total: Money;
  status: OrderStatus;
  discount?: Money;
  shipping?: Money;
  tax?: Money;
  promoCode?: string;
  shipTo?: ShippingAddress;
  sellerIds?: string[];
}

export interface PriceAndRecordInput {
  orderId: string;
  customerId: string;
  lines: RequestedLine[];
  shipTo: ShippingAddress;
  promotion?: PromotionTerms;
}

export interface PricedOrder {
  lines: PricedLine[];
  totals: CheckoutTotals;
  promo?: OrderState['promo'];
}

export interface OrderStatusInput {
  orderId: string;
  status: OrderStatus;
  paymentIntentId?: string;
  paymentIntentIds?: Record<string, string>;
  failureReason?: string;
  fraud?: { score: number; reasons: string[] };
}

export function createOrderActivities({ collections, now }: { collections: Collections; now: () => Date }) {
  /** Prices each requested line from the live catalog; unknown or unlisted SKUs end the order. */
  async function priceLines(input: { lines: RequestedLine[] }): Promise<PricedLine[]> {
    const skus = input.lines.map((line) => line.sku);
    const skuDocs = await findByIds(collections.skus, skus);
    const productIds = [...new Set(skuDocs.map((doc) => doc.productId))];
    const products = await findByIds(collections.products, productIds);
    const bySku = new Map(skuDocs.map((doc) => [doc._id, products.find((p) => p._id === doc.productId)]));
    return input.lines.map((line) => {
      const product = bySku.get(line.sku);
      if (!product || product.status !== 'active') {
        throw ApplicationFailure.nonRetryable(`SKU ${line.sku} is not for sale`, 'ProductUnavailable', {
          sku: line.sku,
        });
      }
      const variant = product.skus.find((s) => s.sku === line.sku);
      return {
        sku: line.sku,
        quantity: line.quantity,
        productId: product._id,
        sellerId: product.sellerId,
        title: product.title,
        category: product.category,
        unitPrice: variant?.price ?? product.price,
      };
    });
  }

  /** Written before any money moves, so there is never a charge without an order to show for it. */
  async function recordOrder(input: RecordOrderInput): Promise<void> {
    const at = now();
    const { orderId, ...fields } = input;
    await collections.orders.updateOne(
      { _id: orderId },
      { $setOnInsert: { ...fields, createdAt: at, updatedAt: at } },
      { upsert: true },
    );
  }

  /** The order's own workflow is the only writer of its document, so a plain $set cannot race. */
  async function setOrderStatus(input: OrderStatusInput): Promise<void> {
    const { orderId, ...fields } = input;
    await collections.orders.updateOne({ _id: orderId }, { $set: { ...fields, updatedAt: now() } });
  }

  return {
    priceLines,
    recordOrder,
    setOrderStatus,

    /**
     * Prices the lines, judges the promo code, totals the order and records it, in one step: the three
     * always run together at checkout and each is a read or a write of a few documents. A retry finds the
     * order already recorded ($setOnInsert) and answers from the same catalog.
     */
    async priceAndRecordOrder(input: PriceAndRecordInput): Promise<PricedOrder> {
      const lines = await priceLines({ lines: input.lines });
      const promo = promoAtCheckout(input.promotion, lines);
      let totals: CheckoutTotals;
      try {
        totals = checkoutTotals(lines, input.shipTo, promo?.valid ? promo.discount.amount : 0);
      } catch (error) {
        if (!(error instanceof MixedCurrencyOrderError)) throw error;
        throw ApplicationFailure.nonRetryable(error.message, 'MixedCurrencyOrder');
      }
      await recordOrder({
        orderId: input.orderId,
        customerId: input.customerId,
        lines,
        subtotal: totals.subtotal,
        discount: totals.discount,
        shipping: totals.shipping,
        tax: totals.tax,
        total: totals.total,
        shipTo: input.shipTo,
        sellerIds: totals.bySeller.map((s) => s.sellerId),
        ...(promo?.valid ? { promoCode: promo.code } : {}),
        status: 'received',
      });
      return { lines, totals, ...(promo ? { promo } : {}) };
    },

    /**
     * The order is confirmed and split: its status, and one sub-order document per seller, inserted here
     * before the seller-fulfillment children start (they are started in the same workflow task, after this
     * has finished), so each child stays the only writer of its document from then on.
     */
    async confirmOrder(input: OrderStatusInput & { subOrders: RecordSubOrderInput[] }): Promise<void> {
      const { subOrders, ...status } = input;
      await Promise.all(subOrders.map((sub) => insertSubOrder(collections, now(), sub)));
      await setOrderStatus(status);
    },
  };
}
