import type Stripe from 'stripe';
import type { Collections } from '../integrations/collections';
import { createDisputeOpeningActivities } from './dispute-opening';
import { createDisputeRecordActivities } from './dispute-record';
import { createDisputeSettlementActivities } from './dispute-settlement';
import { createDisputeStripeActivities } from './dispute-stripe';

/**
 * Disputes: matching a charge to its sub-order with the ledger's hold, the dispute's record, Stripe's
 * dispute API, and the settlement. The names are the activities' names, which running workflows and their
 * recorded histories use.
 */
export function createDisputeActivities(deps: { collections: Collections; stripe: Stripe; now: () => Date }) {
  return {
    ...createDisputeOpeningActivities(deps),
    ...createDisputeRecordActivities(deps),
    ...createDisputeStripeActivities(deps),
    ...createDisputeSettlementActivities(deps),
  };
}
