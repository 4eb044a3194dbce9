import { ticketView, type FlashSaleTerms, type Ticket } from '../domain/flash-sale';
import type { Collections } from '../integrations/collections';
import type { FlashSaleQueue, SaleSnapshot, Standing } from '../integrations/flash-sale-queue';

// A flash sale's waiting room as ops set it up and buyers see it. The line lives in Redis
// (integrations/flash-sale-queue.ts); the sale's workflow admits buyers from it at the set pace.

export class FlashSaleNotFoundError extends Error {
  override name = 'FlashSaleNotFoundError';
}
export class FlashSaleSkuNotFoundError extends Error {
  override name = 'FlashSaleSkuNotFoundError';
}
export class FlashSaleSoldOutError extends Error {
  override name = 'FlashSaleSoldOutError';
}
export class FlashSaleBuyerLimitError extends Error {
  override name = 'FlashSaleBuyerLimitError';
  constructor(readonly perBuyerLimit: number) {
    super(`at most ${perBuyerLimit} units per buyer`);
  }
}
export class FlashSaleTicketNotFoundError extends Error {
  override name = 'FlashSaleTicketNotFoundError';
}

function saleView(sku: string, sale: SaleSnapshot) {
  const { terms, queued, served, openHolds, holds, soldOut } = sale;
  return { sku, ...terms, queued, served, openHolds, holds, soldOut };
}

/** A sale's terms and progress. */
export async function flashSale(queue: FlashSaleQueue, sku: string) {
  const sale = await queue.sale(sku);
  if (!sale) throw new FlashSaleNotFoundError(`no flash sale of ${sku}`);
  return saleView(sku, sale);
}

/**
 * Ops flag a SKU for a flash sale, or change its terms: the line takes the terms, then `startAdmission`
 * starts the sale's admission workflow or hands the new terms to the one already running.
 */
export async function flagFlashSale(
  deps: { collections: Collections; queue: FlashSaleQueue },
  sku: string,
  terms: FlashSaleTerms,
  startAdmission: () => Promise<unknown>,
) {
  if (!(await deps.collections.skus.findOne({ _id: sku }))) throw new FlashSaleSkuNotFoundError(sku);
  await deps.queue.flag(sku, terms);
  await startAdmission();
  return flashSale(deps.queue, sku);
}

function ticketAnswer({ sku, sale, ticket }: Standing) {
  return { sku, ticket: ticket.ticket, ...ticketView(ticket, sale, Date.now()) };
}

/** A buyer joins the line once per sale: a repeat answers the same ticket (`joined` false). */
export async function joinFlashSale(
  queue: FlashSaleQueue,
  sku: string,
  buyerId: string,
  proposed: { ticket: string; quantity: number; orderId: string },
) {
  const outcome = await queue.join(sku, buyerId, proposed);
  if (outcome.kind === 'no_sale') throw new FlashSaleNotFoundError(`no flash sale of ${sku}`);
  if (outcome.kind === 'sold_out') throw new FlashSaleSoldOutError(`the flash sale of ${sku} is sold out`);
  if (outcome.kind === 'over_limit') throw new FlashSaleBuyerLimitError(outcome.limit);
  const standing = outcome.kind === 'joined' ? outcome.standing : await queue.standing(sku, outcome.ticket);
  if (!standing) throw new FlashSaleNotFoundError(`no flash sale of ${sku}`);
  return { joined: outcome.kind === 'joined', ticket: ticketAnswer(standing) };
}

/** Where a ticket stands, for a reader allowed to see it (its buyer, or ops). */
export async function ticketStanding(
  queue: FlashSaleQueue,
  sku: string,
  ticketId: string,
  mayRead: (ticket: Ticket) => boolean,
) {
  const standing = await queue.standing(sku, ticketId);
  if (!standing || !mayRead(standing.ticket)) {
    throw new FlashSaleTicketNotFoundError(`no ticket ${ticketId}`);
  }
  return ticketAnswer(standing);
}
