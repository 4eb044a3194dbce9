import { WorkflowNotFoundError } from '@temporalio/client';
import type Stripe from 'stripe';
import { isDuplicateKeyError } from '../integrations/collections';
import type { Services } from '../integrations/services';
import {
  type AccountUpdatedEvent,
  sellerOnboardingWorkflowId,
  stripeAccountUpdatedSignal,
} from '../workflows/seller-onboarding-definitions';
import { disputeEventTypes } from '../disputes/stripe-dispute-events';
import { followDisputeEvent } from './dispute-events';

// Stripe's verified events, each handed to the workflow it steers: account.updated to the seller's
// onboarding, charge.dispute.* to the dispute's workflow; other types are acknowledged and dropped.

function accountUpdate(event: Stripe.Event, account: Stripe.Account): AccountUpdatedEvent {
  return {
    eventId: event.id,
    created: event.created,
    accountId: account.id,
    account: {
      chargesEnabled: account.charges_enabled ?? false,
      payoutsEnabled: account.payouts_enabled ?? false,
      detailsSubmitted: account.details_submitted ?? false,
      disabledReason: account.requirements?.disabled_reason ?? null,
    },
  };
}

async function sellerIdFor(services: Services, account: Stripe.Account): Promise<string | undefined> {
  const fromMetadata = account.metadata?.sellerId;
  if (fromMetadata) return fromMetadata;
  const seller = await services.collections.sellers.findOne({ stripeAccountId: account.id });
  return seller?._id;
}

async function handOn(services: Services, event: Stripe.Event): Promise<void> {
  if (disputeEventTypes.has(event.type)) {
    await followDisputeEvent(services, event);
    return;
  }
  if (event.type !== 'account.updated') return;
  const account = event.data.object;
  const sellerId = await sellerIdFor(services, account);
  if (!sellerId) return;
  try {
    await services.temporal.workflow
      .getHandle(sellerOnboardingWorkflowId(sellerId))
      .signal(stripeAccountUpdatedSignal, accountUpdate(event, account));
  } catch (error) {
    // Onboarding is over (or never began here): nothing left to steer, and Stripe must not retry forever.
    if (!(error instanceof WorkflowNotFoundError)) throw error;
  }
}

/**
 * Takes one event in once: its id is claimed first (webhook_events has a unique _id), so a redelivery is a
 * duplicate; if handing it on fails, the claim is removed again so Stripe's redelivery is not dropped.
 */
export async function receiveStripeEvent(
  services: Services,
  event: Stripe.Event,
): Promise<{ duplicate: boolean }> {
  const recordId = `stripe:${event.id}`;
  try {
    await services.collections.webhookEvents.insertOne({
      _id: recordId,
      type: event.type,
      receivedAt: new Date(),
    });
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    return { duplicate: true };
  }
  try {
    await handOn(services, event);
  } catch (error) {
    await services.collections.webhookEvents.deleteOne({ _id: recordId });
    throw error;
  }
  return { duplicate: false };
}
