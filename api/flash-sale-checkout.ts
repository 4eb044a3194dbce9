import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { RequestedLine } from '../domain/order-lines';
import type { FlashSaleQueue } from '../integrations/flash-sale-queue';
import { HttpProblem } from './problem';
import { skuSchema } from './schemas';

export const ticketPattern = /^fst_[0-9a-f]{24}$/;
export const ticketSchema = z.string().regex(ticketPattern, 'not a flash-sale ticket');

export function newTicket(): string {
  return `fst_${randomBytes(12).toString('hex')}`;
}

export const flashSaleCheckoutSchema = z
  .object({ sku: skuSchema, ticket: ticketSchema })
  .strict()
  .describe('Check out a flash-sale hold: the held units are bought with the hold, not reserved again');

/**
 * What POST /orders needs to honour a hold: the order id the hold was reserved under, and the lines. The
 * flash SKU's line must be exactly the held units (more would be units nobody reserved); other lines are
 * reserved as usual under the same order.
 */
export async function flashSaleCheckout(
  queue: FlashSaleQueue,
  buyerId: string,
  hold: z.infer<typeof flashSaleCheckoutSchema>,
  lines: RequestedLine[] | undefined,
): Promise<{ orderId: string; lines: RequestedLine[] }> {
  const ticket = await queue.ticket(hold.sku, hold.ticket);
  if (!ticket || ticket.buyerId !== buyerId) {
    throw new HttpProblem(404, 'flash-sale-ticket-not-found', 'No such flash-sale ticket');
  }
  if (ticket.state !== 'held' && ticket.state !== 'ordered') {
    throw new HttpProblem(409, 'flash-sale-hold-unavailable', `This ticket's hold is ${ticket.state}`);
  }
  const held = { sku: hold.sku, quantity: ticket.quantity };
  if (!lines) return { orderId: ticket.orderId, lines: [held] };
  const flashUnits = lines.filter((l) => l.sku === hold.sku).reduce((n, l) => n + l.quantity, 0);
  if (flashUnits !== ticket.quantity) {
    throw new HttpProblem(422, 'flash-sale-quantity', 'Order exactly the units the hold has', undefined, {
      sku: hold.sku,
      held: ticket.quantity,
      ordered: flashUnits,
    });
  }
  return { orderId: ticket.orderId, lines };
}
