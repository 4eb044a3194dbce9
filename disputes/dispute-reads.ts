import type { Filter } from 'mongodb';
import type { DisputeStatus } from '../domain/dispute-status';
import type { Collections } from '../integrations/collections';
import type { Services } from '../integrations/services';
import { queryWithin } from '../integrations/workflow-query';
import type { DisputeDoc } from './documents';
import { type DisputeState, disputeStateQuery, disputeWorkflowId } from './dispute-messages';

// The dispute as its seller and ops read it: the record its workflow keeps, with the workflow's live state
// over it while the workflow still answers.

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

/** A page of disputes, newest first; one seller's when `sellerId` is given, everyone's otherwise. */
export async function listDisputes(
  collections: Collections,
  page: { sellerId?: string; status?: DisputeStatus; offset: number; limit: number },
): Promise<Array<Record<string, unknown>>> {
  const filter: Filter<DisputeDoc> = {};
  if (page.sellerId !== undefined) filter.sellerId = page.sellerId;
  if (page.status) filter.status = page.status;
  const items = await collections.disputes
    .find(filter)
    .sort({ createdAt: -1 })
    .skip(page.offset)
    .limit(page.limit)
    .toArray();
  return items.map(disputeDocView);
}

/** The dispute's record, or null when there is none. */
export async function findDispute(collections: Collections, id: string): Promise<DisputeDoc | null> {
  return collections.disputes.findOne({ _id: id });
}

async function liveState(services: Services, id: string): Promise<DisputeState | undefined> {
  try {
    return await queryWithin(services.temporal, disputeWorkflowId(id), disputeStateQuery);
  } catch {
    // Past retention, or Temporal not reachable: the record is always there and stands alone.
    return undefined;
  }
}

/**
 * The record, with the workflow's live state over it (the evidence gathered lives there, and the state may
 * be ahead of its record). With no worker answering, or the workflow past retention, the record alone.
 */
export async function disputeView(services: Services, doc: DisputeDoc): Promise<Record<string, unknown>> {
  const state = await liveState(services, doc._id);
  if (!state) return disputeDocView(doc);
  const { facts: _facts, lastEventAt: _last, fee: _fee, sellerAnsweredAt: _answered, ...shown } = state;
  return { ...disputeDocView(doc), ...shown };
}
