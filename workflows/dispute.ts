import { upsertSearchAttributes } from '@temporalio/workflow';
import type { Money } from '../domain/money';
import type { DisputeInput, DisputeState } from '../disputes/dispute-messages';
import { notifyDispute } from './dispute-notifications';
import { DisputeRun } from './dispute-state';
import {
  acceptLoss,
  awaitDecision,
  dueTextOf,
  moveTo,
  openDispute,
  settle,
  submitEvidence,
} from './dispute-steps';
import { DisputeId, MarketplaceStatus, OrderId, SellerId } from './search-attributes';

/**
 * A buyer's card dispute on one sub-order, `dispute-<disputeId>`: hold the seller's money, ask the seller
 * for evidence (reminding them before Stripe's deadline), submit it (ours alone if they never answer) or
 * let ops accept the loss, then settle the ledger on Stripe's outcome.
 */
export async function disputeWorkflow(input: DisputeInput): Promise<DisputeState> {
  const run = new DisputeRun(input);
  const { state } = run;
  upsertSearchAttributes([
    { key: DisputeId, value: input.disputeId },
    { key: MarketplaceStatus, value: 'opening' },
  ]);

  // 1. Which sub-order the charge paid for; hold what losing would cost its seller.
  const opened = await openDispute(input);
  if (!opened.matched) {
    run.enter('unmatched');
    const about = { disputeId: input.disputeId, chargeId: input.chargeId, amount: input.amount };
    await notifyDispute(state, 'ops', 'dispute-unmatched', about, input.opsEmail);
    return state;
  }
  const { orderId, sellerId, subOrderId, hold, facts } = opened;
  Object.assign(state, { orderId, sellerId, subOrderId, hold, facts });
  upsertSearchAttributes([
    { key: OrderId, value: orderId },
    { key: SellerId, value: sellerId },
  ]);
  await moveTo(run, 'awaiting_evidence');
  const about = { disputeId: input.disputeId, orderId, amount: input.amount, reason: input.reason };
  const dueBy = dueTextOf(input);
  await Promise.all([
    notifyDispute(state, 'seller', 'dispute-opened', { ...about, dueBy }, input.opsEmail),
    notifyDispute(state, 'ops', 'dispute-opened-ops', { ...about, sellerId, dueBy }, input.opsEmail),
  ]);

  // 2. Wait for the evidence, reminding a silent seller, until ops decide, Stripe decides or time is up.
  await awaitDecision(run, input, opened);
  run.closeEvidence();

  // 3. Act on it: ops' acceptance stands; otherwise submit (before Stripe decides on its own).
  let acceptedFee: Money | undefined;
  if (run.opsAccept && !run.stripe.outcome) acceptedFee = await acceptLoss(run, input);
  else if (!run.stripe.outcome) await submitEvidence(run, input, opened);
  if (state.problem) {
    const problemDue = `${dueBy} (${state.problem})`;
    const data = { ...about, sellerId, dueBy: problemDue };
    await notifyDispute(state, 'ops', 'dispute-opened-ops', data, input.opsEmail, 'problem');
  }

  // 4. Stripe's outcome settles the ledger: the hold comes back, a loss is booked once.
  await settle(run, input, opened, acceptedFee);
  return state;
}
