import { WorkflowNotFoundError } from '@temporalio/client';
import type { DisputeDoc } from '../disputes/documents';
import type { Services } from '../integrations/services';
import { type DisputeState, disputeStateQuery, disputeWorkflowId } from '../workflows/dispute-definitions';
import { owns } from './auth/principal';
import type { Principal } from './auth/tokens';
import { HttpProblem } from './problem';

export const disputeNotFound = () => new HttpProblem(404, 'dispute-not-found', 'No such dispute');

export function disputeDocView(doc: DisputeDoc): Record<string, unknown> {
  // Stripe's charge and payment ids stay internal; the view names the dispute, order and sub-order.
  const {
    _id,
    createdAt,
    dueBy,
    evidenceSubmittedAt,
    settledAt: _settledAt,
    updatedAt: _updatedAt,
    chargeId: _chargeId,
    paymentIntentId: _paymentIntentId,
    ...rest
  } = doc;
  return {
    disputeId: _id,
    ...rest,
    openedAt: new Date(createdAt).toISOString(),
    ...(dueBy ? { dueBy: new Date(dueBy).toISOString() } : {}),
    ...(evidenceSubmittedAt ? { evidenceSubmittedAt: new Date(evidenceSubmittedAt).toISOString() } : {}),
  };
}

/** The dispute's record, if this principal may see it (its seller or ops); a 404 otherwise. */
export async function ownedDispute(
  services: Services,
  principal: Principal,
  id: string,
): Promise<DisputeDoc> {
  const doc = await services.collections.disputes.findOne({ _id: id });
  if (!doc?.sellerId || !owns(principal, { sellerId: doc.sellerId })) {
    // An unmatched dispute belongs to no seller: only ops see it.
    if (doc && principal.role === 'ops') return doc;
    throw disputeNotFound();
  }
  return doc;
}

const queryPatienceMs = 3_000;

async function liveState(services: Services, id: string): Promise<DisputeState | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), queryPatienceMs);
  });
  try {
    return await Promise.race([
      services.temporal.workflow.getHandle(disputeWorkflowId(id)).query(disputeStateQuery),
      gaveUp,
    ]);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The record, with the workflow's live state over it (the evidence gathered lives there, and the state may
 * be ahead of its record). With no worker answering, or the workflow past retention, the record alone.
 */
export async function readDispute(
  services: Services,
  principal: Principal,
  id: string,
): Promise<Record<string, unknown>> {
  const doc = await ownedDispute(services, principal, id);
  const state = await liveState(services, id);
  if (!state) return disputeDocView(doc);
  const { facts: _facts, lastEventAt: _last, fee: _fee, sellerAnsweredAt: _answered, ...shown } = state;
  return { ...disputeDocView(doc), ...shown };
}
