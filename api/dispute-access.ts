import type { DisputeDoc } from '../disputes/documents';
import { disputeView, findDispute } from '../disputes/dispute-reads';
import type { Services } from '../integrations/services';
import { owns } from './auth/principal';
import type { Principal } from '../accounts/principal';
import { HttpProblem } from './problem';

// Who may see a dispute: its seller and ops. Anyone else is told there is no such dispute.

export const disputeNotFound = () => new HttpProblem(404, 'dispute-not-found', 'No such dispute');

/** The dispute's record, if this principal may see it (its seller or ops); a 404 otherwise. */
export async function ownedDispute(
  services: Services,
  principal: Principal,
  id: string,
): Promise<DisputeDoc> {
  const doc = await findDispute(services.collections, id);
  if (!doc?.sellerId || !owns(principal, { sellerId: doc.sellerId })) {
    // An unmatched dispute belongs to no seller: only ops see it.
    if (doc && principal.role === 'ops') return doc;
    throw disputeNotFound();
  }
  return doc;
}

/** The dispute as shown to this principal (404 unless its seller or ops). */
export async function readDispute(
  services: Services,
  principal: Principal,
  id: string,
): Promise<Record<string, unknown>> {
  return disputeView(services, await ownedDispute(services, principal, id));
}
