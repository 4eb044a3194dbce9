import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { RequestedLine } from '../domain/order-lines';
import type { FlashSaleQueue } from '../integrations/flash-sale-queue';
import {
  FlashSaleHoldUnavailableError,
  FlashSaleQuantityError,
  FlashSaleTicketNotFoundError,
  flashSaleOrderLines,
} from '../orders/flash-sale-checkout';
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

/** A missing ticket is a 404, a hold that is not there to buy a 409, the wrong units a 422. */
function asProblem(error: unknown): unknown {
  if (error instanceof FlashSaleTicketNotFoundError) {
    return new HttpProblem(404, 'flash-sale-ticket-not-found', error.message);
  }
  if (error instanceof FlashSaleHoldUnavailableError) {
    return new HttpProblem(409, 'flash-sale-hold-unavailable', error.message);
  }
  if (error instanceof FlashSaleQuantityError) {
    return new HttpProblem(422, 'flash-sale-quantity', error.message, undefined, {
      sku: error.sku,
      held: error.held,
      ordered: error.ordered,
    });
  }
  return error;
}

/** What POST /orders needs to honour a hold (see flashSaleOrderLines), its refusals as problems. */
export function flashSaleCheckout(
  queue: FlashSaleQueue,
  buyerId: string,
  hold: z.infer<typeof flashSaleCheckoutSchema>,
  lines: RequestedLine[] | undefined,
): Promise<{ orderId: string; lines: RequestedLine[] }> {
  return flashSaleOrderLines(queue, buyerId, hold, lines).catch((error: unknown) => {
    throw asProblem(error);
  });
}
