import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { MarketplaceActivities } from '../activities';
import { disputeDeadlines } from '../domain/dispute-deadlines';
import { type EvidenceDraft, emptyEvidence, mergeEvidence, stripeEvidence } from '../domain/dispute-evidence';
import {
  type DisputeOutcome,
  type DisputeStatus,
  type StripeDisputeView,
  followStripeEvent,
} from '../domain/dispute-status';
import type { Money } from '../domain/money';
import {
  type DisputeInput,
  type DisputeState,
  acceptDisputeUpdate,
  addDisputeEvidenceUpdate,
  disputeEventSignal,
  disputeStateQuery,
  submitDisputeUpdate,
} from '../disputes/dispute-messages';
import { notifyDispute } from './dispute-notifications';
import { DisputeId, MarketplaceStatus, OrderId, SellerId } from './search-attributes';

// Stripe calls: a dispute's deadline is days away, so they retry patiently.
const stripeCalls = proxyActivities<MarketplaceActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '5 minutes' },
});
// Database-only steps: one marker each.
const db = proxyLocalActivities<MarketplaceActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

function failureMessage(error: ActivityFailure): string {
  return error.cause instanceof ApplicationFailure ? error.cause.message : error.message;
}

/**
 * A buyer's card dispute on one sub-order, `dispute-<disputeId>`: hold the seller's money, ask the seller
 * for evidence (reminding them before Stripe's deadline), submit it (ours alone if they never answer) or
 * let ops accept the loss, then settle the ledger on Stripe's outcome.
 */
export async function disputeWorkflow(input: DisputeInput): Promise<DisputeState> {
  const state: DisputeState = {
    disputeId: input.disputeId,
    status: 'opening',
    stripeStatus: input.stripeStatus,
    amount: input.amount,
    reason: input.reason,
    ...(input.dueBy ? { dueBy: input.dueBy } : {}),
    evidence: emptyEvidence(),
    remindersSent: 0,
  };
  let stripe: StripeDisputeView = { stripeStatus: input.stripeStatus };
  let opsSubmit = false;
  let opsAccept: { reason: string } | undefined;
  const deciding = () => state.status === 'awaiting_evidence' && !opsSubmit && !opsAccept;

  setHandler(disputeStateQuery, () => state);
  let feeSeenAt = -1;
  setHandler(disputeEventSignal, (event) => {
    stripe = followStripeEvent(stripe, event);
    state.stripeStatus = stripe.stripeStatus;
    if (stripe.lastEventAt !== undefined) state.lastEventAt = stripe.lastEventAt;
    // The newest event that lists the dispute's balance transactions knows its fee best.
    if (event.fee && event.created >= feeSeenAt) {
      state.fee = event.fee;
      feeSeenAt = event.created;
    }
  });
  const mayAdd = () => {
    if (!deciding()) throw new Error(`dispute is ${state.status}; evidence can no longer be added`);
  };
  setHandler(
    addDisputeEvidenceUpdate,
    ({ by, evidence }) => {
      state.evidence = mergeEvidence(state.evidence, evidence);
      if (by === 'seller' && !state.sellerAnsweredAt)
        state.sellerAnsweredAt = new Date(Date.now()).toISOString();
      return state;
    },
    { validator: (_input: { by: 'seller' | 'ops'; evidence: EvidenceDraft }) => mayAdd() },
  );
  setHandler(
    submitDisputeUpdate,
    async ({ evidence }) => {
      if (evidence) state.evidence = mergeEvidence(state.evidence, evidence);
      opsSubmit = true;
      await condition(() => state.status !== 'awaiting_evidence');
      return state;
    },
    { validator: (_input: { evidence?: EvidenceDraft; note?: string }) => mayAdd() },
  );
  setHandler(
    acceptDisputeUpdate,
    async ({ reason }) => {
      opsAccept = { reason };
      await condition(() => state.status !== 'awaiting_evidence');
      return state;
    },
    { validator: (_input: { reason: string }) => mayAdd() },
  );

  const moveTo = async (status: DisputeStatus, changes: Partial<DisputeState> = {}) => {
    Object.assign(state, changes, { status });
    upsertSearchAttributes([{ key: MarketplaceStatus, value: status }]);
    await db.setDisputeStatus({
      disputeId: input.disputeId,
      status,
      changes: {
        stripeStatus: state.stripeStatus,
        ...(state.evidenceSubmittedAt ? { evidenceSubmittedAt: state.evidenceSubmittedAt } : {}),
        ...(state.evidenceSubmittedBy ? { evidenceSubmittedBy: state.evidenceSubmittedBy } : {}),
      },
    });
  };
  upsertSearchAttributes([
    { key: DisputeId, value: input.disputeId },
    { key: MarketplaceStatus, value: 'opening' },
  ]);

  // 1. Which sub-order the charge paid for; hold what losing would cost its seller.
  const opened = await db.openDispute({
    disputeId: input.disputeId,
    chargeId: input.chargeId,
    ...(input.paymentIntentId ? { paymentIntentId: input.paymentIntentId } : {}),
    amount: input.amount,
    reason: input.reason,
    stripeStatus: input.stripeStatus,
    ...(input.dueBy ? { dueBy: input.dueBy } : {}),
  });
  if (!opened.matched) {
    Object.assign(state, { status: 'unmatched' });
    upsertSearchAttributes([{ key: MarketplaceStatus, value: 'unmatched' }]);
    await notifyDispute(
      state,
      'ops',
      'dispute-unmatched',
      { disputeId: input.disputeId, chargeId: input.chargeId, amount: input.amount },
      input.opsEmail,
    );
    return state;
  }
  Object.assign(state, {
    orderId: opened.orderId,
    sellerId: opened.sellerId,
    subOrderId: opened.subOrderId,
    hold: opened.hold,
    facts: opened.facts,
  });
  upsertSearchAttributes([
    { key: OrderId, value: opened.orderId },
    { key: SellerId, value: opened.sellerId },
  ]);
  await moveTo('awaiting_evidence');
  const dueText = input.dueBy ?? 'the deadline Stripe sets';
  const about = {
    disputeId: input.disputeId,
    orderId: opened.orderId,
    amount: input.amount,
    reason: input.reason,
  };
  await Promise.all([
    notifyDispute(state, 'seller', 'dispute-opened', { ...about, dueBy: dueText }, input.opsEmail),
    notifyDispute(
      state,
      'ops',
      'dispute-opened-ops',
      { ...about, sellerId: opened.sellerId, dueBy: dueText },
      input.opsEmail,
    ),
  ]);

  // 2. Wait for the evidence, reminding a silent seller, until ops decide, Stripe decides or time is up.
  const decided = () => opsSubmit || !!opsAccept || !!stripe.outcome;
  const plan = disputeDeadlines({
    now: Date.now(),
    ...(input.dueBy ? { dueBy: Date.parse(input.dueBy) } : {}),
    reminderLeadSeconds: input.reminderLeadSeconds,
    submitLeadSeconds: input.submitLeadSeconds,
  });
  for (const at of plan.reminders) {
    if (await condition(decided, Math.max(1, at - Date.now()))) break;
    if (state.sellerAnsweredAt) continue;
    state.remindersSent += 1;
    await notifyDispute(
      state,
      'seller',
      'dispute-reminder',
      { disputeId: input.disputeId, orderId: opened.orderId, dueBy: dueText },
      input.opsEmail,
      `reminder-${state.remindersSent}`,
    );
  }
  if (plan.submitAt === undefined) await condition(decided);
  else await condition(decided, Math.max(1, plan.submitAt - Date.now()));

  // 3. Act on it: ops' acceptance stands; otherwise submit (before Stripe decides on its own).
  let acceptedFee: Money | undefined;
  if (opsAccept && !stripe.outcome) {
    try {
      const closed = await stripeCalls.closeDispute({
        disputeId: input.disputeId,
        idempotencyKey: `dispute-${input.disputeId}-close`,
      });
      acceptedFee = closed.fee;
      stripe = { ...stripe, outcome: 'lost' };
      await moveTo('accepted', { problem: undefined });
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      await moveTo('awaiting_outcome', {
        problem: `Stripe refused to close the dispute: ${failureMessage(error)}`,
      });
    }
  } else if (!stripe.outcome) {
    const by = opsSubmit ? 'ops' : 'marketplace';
    try {
      await stripeCalls.submitDisputeEvidence({
        disputeId: input.disputeId,
        evidence: stripeEvidence(state.evidence, opened.facts),
        idempotencyKey: `dispute-${input.disputeId}-evidence`,
      });
      await moveTo('submitted', {
        evidenceSubmittedAt: new Date(Date.now()).toISOString(),
        evidenceSubmittedBy: by,
      });
      await notifyDispute(
        state,
        'seller',
        'dispute-evidence-submitted',
        {
          disputeId: input.disputeId,
          orderId: opened.orderId,
          by: by === 'ops' ? 'by our team' : 'before the deadline',
        },
        input.opsEmail,
      );
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      await moveTo('awaiting_outcome', { problem: `Stripe refused the evidence: ${failureMessage(error)}` });
    }
  }
  if (state.problem) {
    await notifyDispute(
      state,
      'ops',
      'dispute-opened-ops',
      { ...about, sellerId: opened.sellerId, dueBy: `${dueText} (${state.problem})` },
      input.opsEmail,
      'problem',
    );
  }

  // 4. Stripe's outcome settles the ledger: the hold comes back, a loss is booked once.
  await condition(() => !!stripe.outcome);
  const outcome = stripe.outcome as DisputeOutcome;
  const fee = acceptedFee ?? state.fee;
  const finalStatus: DisputeStatus = state.status === 'accepted' ? 'accepted' : outcome;
  const settled = await db.settleDispute({
    disputeId: input.disputeId,
    outcome,
    ...(fee ? { fee } : {}),
    feeBorneBy: input.feeBorneBy,
    status: finalStatus,
  });
  Object.assign(state, { outcome, sellerDebit: settled.sellerDebit, status: finalStatus });
  upsertSearchAttributes([{ key: MarketplaceStatus, value: finalStatus }]);
  const closedData = {
    disputeId: input.disputeId,
    orderId: opened.orderId,
    outcome,
    sellerDebit: settled.sellerDebit,
  };
  await Promise.all([
    notifyDispute(state, 'seller', 'dispute-closed', closedData, input.opsEmail),
    notifyDispute(state, 'ops', 'dispute-closed', closedData, input.opsEmail),
  ]);
  return state;
}
