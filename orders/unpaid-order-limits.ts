import type { RequestedLine } from '../domain/order-lines';
import type { Collections } from '../integrations/collections';

// An order without a payment method holds its stock for the whole reservation hold while nobody pays, so
// one fresh account could keep a whole shelf from everyone else. Unpaid orders are therefore bounded: a few
// units of each SKU per order, and a few such orders open per account at a time. A buyer who pays at once
// (paymentMethodId in the checkout) is not bounded here: the authorization decides within seconds.

export interface UnpaidOrderLimits {
  maxUnitsPerSku: number;
  maxOpenPerBuyer: number;
}

/** An unpaid order would hold more units of these SKUs than one unpaid order may. */
export class UnpaidQuantityLimitError extends Error {
  constructor(
    readonly maxUnitsPerSku: number,
    readonly skus: string[],
  ) {
    super(`An order paid later holds at most ${maxUnitsPerSku} units of a SKU`);
  }
}

/** The buyer already has as many unpaid orders open as one account may. */
export class TooManyUnpaidOrdersError extends Error {
  constructor(readonly maxOpenPerBuyer: number) {
    super(`At most ${maxOpenPerBuyer} unpaid orders at a time`);
  }
}

/** Statuses in which an order holds (or is about to hold) stock without having been paid. */
const unpaidStatuses = ['received', 'fraud_review', 'reserving_stock', 'awaiting_payment'] as const;

/**
 * How many unpaid orders the buyer has open, counted up to the limit (no further: only "at the limit"
 * matters). It needs no lines, so checkout reads it beside the cart. The projection lags the workflow by a
 * moment, so racing checkouts can pass together: this bounds abuse, it is not a counter money depends on.
 */
export function openUnpaidOrders(
  collections: Collections,
  customerId: string,
  limits: UnpaidOrderLimits,
): Promise<number> {
  return collections.orders.countDocuments(
    { customerId, status: { $in: [...unpaidStatuses] } },
    { limit: limits.maxOpenPerBuyer },
  );
}

/** Refuses an unpaid order past either bound: too many units of a SKU first, then too many open orders. */
export function checkUnpaidOrder(
  lines: RequestedLine[],
  openOrders: number,
  limits: UnpaidOrderLimits,
): void {
  const units = new Map<string, number>();
  for (const line of lines) units.set(line.sku, (units.get(line.sku) ?? 0) + line.quantity);
  const over = [...units].filter(([, quantity]) => quantity > limits.maxUnitsPerSku);
  if (over.length > 0) {
    throw new UnpaidQuantityLimitError(
      limits.maxUnitsPerSku,
      over.map(([sku]) => sku),
    );
  }
  if (openOrders >= limits.maxOpenPerBuyer) throw new TooManyUnpaidOrdersError(limits.maxOpenPerBuyer);
}
