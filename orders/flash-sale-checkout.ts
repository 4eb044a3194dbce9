import type { RequestedLine } from '../domain/order-lines';
import type { FlashSaleQueue } from '../integrations/flash-sale-queue';

// Checking out a flash-sale hold: the held units are bought with the hold, not reserved again, under the
// order id the hold was reserved for.

/** No such ticket for this buyer (someone else's ticket is as missing as none). */
export class FlashSaleTicketNotFoundError extends Error {
  constructor() {
    super('No such flash-sale ticket');
  }
}

/** The ticket's hold is not there to buy (still waiting in line, expired, released). */
export class FlashSaleHoldUnavailableError extends Error {
  constructor(readonly state: string) {
    super(`This ticket's hold is ${state}`);
  }
}

/** The order's line for the flash SKU is not exactly the held units. */
export class FlashSaleQuantityError extends Error {
  constructor(
    readonly sku: string,
    readonly held: number,
    readonly ordered: number,
  ) {
    super('Order exactly the units the hold has');
  }
}

/**
 * What an order needs to honour a hold: the order id the hold was reserved under, and the lines. The
 * flash SKU's line must be exactly the held units (more would be units nobody reserved); other lines are
 * reserved as usual under the same order. A hold already ordered is answered again, so a retry succeeds.
 */
export async function flashSaleOrderLines(
  queue: FlashSaleQueue,
  buyerId: string,
  hold: { sku: string; ticket: string },
  lines: RequestedLine[] | undefined,
): Promise<{ orderId: string; lines: RequestedLine[] }> {
  const ticket = await queue.ticket(hold.sku, hold.ticket);
  if (!ticket || ticket.buyerId !== buyerId) throw new FlashSaleTicketNotFoundError();
  if (ticket.state !== 'held' && ticket.state !== 'ordered') {
    throw new FlashSaleHoldUnavailableError(ticket.state);
  }
  const held = { sku: hold.sku, quantity: ticket.quantity };
  if (!lines) return { orderId: ticket.orderId, lines: [held] };
  const flashUnits = lines.filter((l) => l.sku === hold.sku).reduce((n, l) => n + l.quantity, 0);
  if (flashUnits !== ticket.quantity) throw new FlashSaleQuantityError(hold.sku, ticket.quantity, flashUnits);
  return { orderId: ticket.orderId, lines };
}
