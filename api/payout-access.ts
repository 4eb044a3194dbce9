import type { Request } from 'express';
import type { Collections } from '../integrations/collections';
import { payoutSeller } from '../payouts/payout-reads';
import type { SellerDoc } from '../sellers/documents';
import { owns, principalOf } from './auth/principal';
import { HttpProblem } from './problem';

/**
 * The seller whose money is asked about: its own seller or ops only. Another seller's is answered as
 * unknown (404), like a missing one, so sellers cannot probe each other's ids.
 */
export async function payeeOf(collections: Collections, req: Request, sellerId: string): Promise<SellerDoc> {
  const missing = new HttpProblem(404, 'seller-not-found', 'No such seller');
  if (!owns(principalOf(req), { sellerId })) throw missing;
  const seller = await payoutSeller(collections, sellerId);
  if (!seller) throw missing;
  return seller;
}
