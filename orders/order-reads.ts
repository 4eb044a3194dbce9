import type { Filter } from 'mongodb';
import type { OrderStatus } from '../domain/order-status';
import type { SubOrderStatus } from '../domain/sub-order-status';
import type { Collections } from '../integrations/collections';
import type { OrderDoc, SubOrderDoc } from './documents';

// The orders' read model: the projections the order and seller-fulfillment workflows write (each document
// has one writer, its workflow), read here and nowhere else by the API.

export interface Page {
  limit: number;
  offset: number;
}

/** One order's projection; null until its workflow has written it. */
export function orderRecord(collections: Collections, orderId: string): Promise<OrderDoc | null> {
  return collections.orders.findOne({ _id: orderId });
}

/** Every seller's part of one order. */
export function subOrdersOf(collections: Collections, orderId: string): Promise<SubOrderDoc[]> {
  return collections.subOrders.find({ orderId }).toArray();
}

/** One seller's part of one order (`<orderId>:<sellerId>`), or null. */
export function subOrderRecord(
  collections: Collections,
  orderId: string,
  sellerId: string,
): Promise<SubOrderDoc | null> {
  return collections.subOrders.findOne({ _id: `${orderId}:${sellerId}` });
}

/** Orders newest first; no `customerId` is everyone's (ops). */
export function listOrders(
  collections: Collections,
  by: { customerId?: string; status?: OrderStatus },
  page: Page,
): Promise<OrderDoc[]> {
  const filter: Filter<OrderDoc> = {};
  if (by.customerId !== undefined) filter.customerId = by.customerId;
  if (by.status) filter.status = by.status;
  return collections.orders
    .find(filter)
    .sort({ createdAt: -1 })
    .skip(page.offset)
    .limit(page.limit)
    .toArray();
}

/** Sub-orders newest first; no `sellerId` is every seller's (ops). */
export function listSubOrders(
  collections: Collections,
  by: { sellerId?: string; status?: SubOrderStatus },
  page: Page,
): Promise<SubOrderDoc[]> {
  const filter: Filter<SubOrderDoc> = {};
  if (by.sellerId !== undefined) filter.sellerId = by.sellerId;
  if (by.status) filter.status = by.status;
  return collections.subOrders
    .find(filter)
    .sort({ createdAt: -1 })
    .skip(page.offset)
    .limit(page.limit)
    .toArray();
}
