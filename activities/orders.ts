import { ApplicationFailure } from '@temporalio/activity';
import type { OrderStatus } from '../domain/order-status';
import type { PricedLine, RequestedLine } from '../domain/order-lines';
import type { Money } from '../domain/money';
import type { Collections, ShippingAddress } from '../integrations/collections';
import { findByIds } from '../integrations/find-by-ids';

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

export function createOrderActivities({ collections, now }: { collections: Collections; now: () => Date }) {
  return {
    /** Prices each requested line from the live catalog; unknown or unlisted SKUs end the order. */
    async priceLines(input: { lines: RequestedLine[] }): Promise<PricedLine[]> {
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
    },

    /** Written before any money moves, so there is never a charge without an order to show for it. */
    async recordOrder(input: RecordOrderInput): Promise<void> {
      const at = now();
      const { orderId, ...fields } = input;
      await collections.orders.updateOne(
        { _id: orderId },
        { $setOnInsert: { ...fields, createdAt: at, updatedAt: at } },
        { upsert: true },
      );
    },

    /** The order's own workflow is the only writer of its document, so a plain $set cannot race. */
    async setOrderStatus(input: {
      orderId: string;
      status: OrderStatus;
      paymentIntentId?: string;
      paymentIntentIds?: Record<string, string>;
      failureReason?: string;
      fraud?: { score: number; reasons: string[] };
    }): Promise<void> {
      const { orderId, ...fields } = input;
      await collections.orders.updateOne({ _id: orderId }, { $set: { ...fields, updatedAt: now() } });
    },
  };
}
