import type { RequestedLine } from '../domain/order-lines';
import type { Collections } from '../integrations/collections';
import { HttpProblem } from './problem';

// An order without a payment method holds its stock for the whole reservation hold while nobody pays, so
// one fresh account could keep a whole shelf from everyone else. Unpaid orders are therefore bounded: a few
// units of each SKU per order, and a few such orders open per account at a time. A buyer who pays at once
// (paymentMethodId in the checkout) is not bounded here: the authorization decides within seconds.

export interface UnpaidOrderLimits {
  maxUnitsPerSku: number;
  maxOpenPerBuyer: number;
}

/** Statuses in which an order holds (or is about to hold) stock without having been paid. */
const unpaidStatuses = ['received', 'fraud_review', 'reserving_stock', 'awaiting_payment'] as const;

export async function checkUnpaidOrder(
  collections: Collections,
  customerId: string,
  lines: RequestedLine[],
  limits: UnpaidOrderLimits,
): Promise<void> {
  const units = new Map<string, number>();
  for (const line of lines) units.set(line.sku, (units.get(line.sku) ?? 0) + line.quantity);
  const over = [...units].filter(([, quantity]) => quantity > limits.maxUnitsPerSku);
  if (over.length > 0) {
    throw new HttpProblem(
      422,
      'unpaid-quantity-limit',
      `An order paid later holds at most ${limits.maxUnitsPerSku} units of a SKU`,
      'Send paymentMethodId to pay at once, or order fewer units',
      { maxUnitsPerSku: limits.maxUnitsPerSku, skus: over.map(([sku]) => sku) },
    );
  }
  // The projection lags the workflow by a moment, so racing checkouts can pass together: this bounds
  // abuse, it is not a counter that money depends on.
  const open = await collections.orders.countDocuments(
    { customerId, status: { $in: [...unpaidStatuses] } },
    { limit: limits.maxOpenPerBuyer },
  );
  if (open >= limits.maxOpenPerBuyer) {
    throw new HttpProblem(
      409,
      'too-many-unpaid-orders',
      `At most ${limits.maxOpenPerBuyer} unpaid orders at a time`,
      'Pay or cancel an open order first, or send paymentMethodId to pay at once',
      { maxOpenUnpaidOrders: limits.maxOpenPerBuyer },
    );
  }
}
