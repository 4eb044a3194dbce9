import type { Env } from '../config/env';
import { returnPolicyOf } from '../config/env';
import type { RequestedLine } from '../domain/order-lines';
import { refuseReturn, type ReturnRefusal } from '../domain/return-request';
import { defaultOrigin } from '../integrations/carriers/default-origin';
import type { Collections } from '../integrations/collections';
import type { OrderDoc } from '../orders/documents';
import type { ReturnInput, ReturnReason } from './return-process';

// A buyer's request to return items, checked against the order as it stands, and turned into what starts
// the return's workflow. Every refusal is a named kind, so the API answers each with its own problem.

export interface ReturnRequest {
  lines: RequestedLine[];
  reason: { code: ReturnReason; text?: string };
  photos: string[];
}

export type ReturnRequestRefusal =
  ReturnRefusal['kind'] | 'order-not-found' | 'one-seller-per-return' | 'no-address' | 'order-disputed';

export class ReturnRequestRefused extends Error {
  override name = 'ReturnRequestRefused';
  constructor(
    readonly kind: ReturnRequestRefusal,
    readonly detail?: string,
  ) {
    super(detail ?? kind);
  }
}

/** The buyer's own order; another buyer's order is as absent as a missing one. */
export async function buyersOrder(
  collections: Collections,
  orderId: string,
  customerId: string,
): Promise<OrderDoc> {
  const order = await collections.orders.findOne({ _id: orderId });
  if (!order || order.customerId !== customerId) throw new ReturnRequestRefused('order-not-found');
  return order;
}

/** Whose items these are: one return covers one seller's part of the order. */
export function sellerOfReturn(order: OrderDoc, lines: RequestedLine[]): string {
  const sellerIds = new Set(lines.map((line) => order.lines.find((l) => l.sku === line.sku)?.sellerId ?? ''));
  if (sellerIds.has('')) throw new ReturnRequestRefused('not-in-order');
  if (sellerIds.size > 1) throw new ReturnRequestRefused('one-seller-per-return');
  return [...sellerIds][0] ?? '';
}

/** Checks the request against the order as it stands; throws the refusal the buyer should see. */
export async function returnInput(
  deps: { collections: Collections; env: Env },
  returnId: string,
  order: OrderDoc,
  sellerId: string,
  request: ReturnRequest,
): Promise<ReturnInput> {
  const { collections, env } = deps;
  const orderId = order._id;
  const [part, earlier] = await Promise.all([
    collections.subOrders.findOne({ _id: `${orderId}:${sellerId}` }),
    collections.returns.find({ orderId, sellerId }).toArray(),
  ]);
  const refusal = refuseReturn(
    part ?? { status: 'not shipped', lines: [] },
    request.lines,
    earlier,
    returnPolicyOf(env),
    new Date(),
  );
  if (refusal) throw new ReturnRequestRefused(refusal.kind, refusal.detail);
  if (!order.shipTo) throw new ReturnRequestRefused('no-address');
  // The buyer's bank is already deciding about this money (or gave it back): a return would refund twice.
  const dispute = await collections.disputes.findOne({
    subOrderId: `${orderId}:${sellerId}`,
    outcome: { $ne: 'won' },
    status: { $ne: 'unmatched' },
  });
  if (dispute) throw new ReturnRequestRefused('order-disputed');
  return {
    returnId,
    orderId,
    sellerId,
    customerId: order.customerId,
    lines: request.lines.map((line) => ({
      sku: line.sku,
      quantity: line.quantity,
      title: part?.lines.find((l) => l.sku === line.sku)?.title ?? line.sku,
    })),
    reason: request.reason,
    photos: request.photos,
    pickupFrom: order.shipTo,
    returnTo: defaultOrigin,
    sellerDecisionSeconds: env.RETURN_SELLER_DECISION_SECONDS,
    shipBackSeconds: env.RETURN_SHIP_BACK_SECONDS,
    inspectionSeconds: env.RETURN_INSPECTION_SECONDS,
  };
}
