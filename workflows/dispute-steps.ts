import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  proxyActivities,
  proxyLocalActivities,
} from '@temporalio/workflow';
import type { MarketplaceActivities } from '../activities';
import type { OpenedDispute } from '../activities/dispute-opening';
import { disputeDeadlines } from '../domain/dispute-deadlines';
import { stripeEvidence } from '../domain/dispute-evidence';
import type { DisputeOutcome, DisputeStatus } from '../domain/dispute-status';
import type { Money } from '../domain/money';
import type { DisputeInput, DisputeState } from '../disputes/dispute-messages';
import { notifyDispute } from './dispute-notifications';
import type { DisputeRun } from './dispute-state';

// The dispute workflow's steps, each a few commands in the order recorded histories hold them.

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

export type MatchedDispute = Extract<OpenedDispute, { matched: true }>;

function failureMessage(error: ActivityFailure): string {
  return error.cause instanceof ApplicationFailure ? error.cause.message : error.message;
}

/** Stripe's deadline as the emails word it. */
export const dueTextOf = (input: DisputeInput): string => input.dueBy ?? 'the deadline Stripe sets';

/** Moves to a new status and writes it to the dispute's record. */
export async function moveTo(
  run: DisputeRun,
  status: DisputeStatus,
  changes: Partial<DisputeState> = {},
): Promise<void> {
  run.enter(status, changes);
  const { state } = run;
  await db.setDisputeStatus({
    disputeId: state.disputeId,
    status,
    changes: {
      stripeStatus: state.stripeStatus,
      ...(state.evidenceSubmittedAt ? { evidenceSubmittedAt: state.evidenceSubmittedAt } : {}),
      ...(state.evidenceSubmittedBy ? { evidenceSubmittedBy: state.evidenceSubmittedBy } : {}),
    },
  });
}

/** Which sub-order the charge paid for, with the seller's hold posted and the dispute recorded. */
export async function openDispute(input: DisputeInput): Promise<OpenedDispute> {
  return db.openDispute({
    disputeId: input.disputeId,
    chargeId: input.chargeId,
    ...(input.paymentIntentId ? { paymentIntentId: input.paymentIntentId } : {}),
    amount: input.amount,
    reason: input.reason,
    stripeStatus: input.stripeStatus,
    ...(input.dueBy ? { dueBy: input.dueBy } : {}),
  });
}

/**
 * Waits for someone to decide, reminding a silent seller before Stripe's deadline, until the moment the
 * marketplace submits on its own.
 */
export async function awaitDecision(
  run: DisputeRun,
  input: DisputeInput,
  opened: MatchedDispute,
): Promise<void> {
  const plan = disputeDeadlines({
    now: Date.now(),
    ...(input.dueBy ? { dueBy: Date.parse(input.dueBy) } : {}),
    reminderLeadSeconds: input.reminderLeadSeconds,
    submitLeadSeconds: input.submitLeadSeconds,
  });
  for (const at of plan.reminders) {
    if (await condition(run.decided, Math.max(1, at - Date.now()))) break;
    if (run.state.sellerAnsweredAt) continue;
    run.state.remindersSent += 1;
    await notifyDispute(
      run.state,
      'seller',
      'dispute-reminder',
      { disputeId: input.disputeId, orderId: opened.orderId, dueBy: dueTextOf(input) },
      input.opsEmail,
      `reminder-${run.state.remindersSent}`,
    );
  }
  if (plan.submitAt === undefined) await condition(run.decided);
  else await condition(run.decided, Math.max(1, plan.submitAt - Date.now()));
}

/** Ops accepted the loss: close the dispute on Stripe. Stripe's fee on it, when its answer shows one. */
export async function acceptLoss(run: DisputeRun, input: DisputeInput): Promise<Money | undefined> {
  try {
    const closed = await stripeCalls.closeDispute({
      disputeId: input.disputeId,
      idempotencyKey: `dispute-${input.disputeId}-close`,
    });
    run.stripe = { ...run.stripe, outcome: 'lost' };
    await moveTo(run, 'accepted', { problem: undefined });
    return closed.fee;
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    await moveTo(run, 'awaiting_outcome', {
      problem: `Stripe refused to close the dispute: ${failureMessage(error)}`,
    });
    return undefined;
  }
}

/** Submits the evidence gathered (ours alone if the seller never answered) and tells the seller. */
export async function submitEvidence(
  run: DisputeRun,
  input: DisputeInput,
  opened: MatchedDispute,
): Promise<void> {
  const by = run.opsSubmit ? 'ops' : 'marketplace';
  try {
    await stripeCalls.submitDisputeEvidence({
      disputeId: input.disputeId,
      evidence: stripeEvidence(run.state.evidence, opened.facts),
      idempotencyKey: `dispute-${input.disputeId}-evidence`,
    });
    await moveTo(run, 'submitted', {
      evidenceSubmittedAt: new Date(Date.now()).toISOString(),
      evidenceSubmittedBy: by,
    });
    await notifyDispute(
      run.state,
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
    await moveTo(run, 'awaiting_outcome', {
      problem: `Stripe refused the evidence: ${failureMessage(error)}`,
    });
  }
}

/** Stripe's outcome settles the ledger: the hold comes back, a loss is booked once; both sides are told. */
export async function settle(
  run: DisputeRun,
  input: DisputeInput,
  opened: MatchedDispute,
  acceptedFee: Money | undefined,
): Promise<void> {
  await condition(() => !!run.stripe.outcome);
  const outcome = run.stripe.outcome as DisputeOutcome;
  const fee = acceptedFee ?? run.state.fee;
  const finalStatus: DisputeStatus = run.state.status === 'accepted' ? 'accepted' : outcome;
  const settled = await db.settleDispute({
    disputeId: input.disputeId,
    outcome,
    ...(fee ? { fee } : {}),
    feeBorneBy: input.feeBorneBy,
    status: finalStatus,
  });
  run.enter(finalStatus, { outcome, sellerDebit: settled.sellerDebit });
  const closedData = {
    disputeId: input.disputeId,
    orderId: opened.orderId,
    outcome,
    sellerDebit: settled.sellerDebit,
  };
  await Promise.all([
    notifyDispute(run.state, 'seller', 'dispute-closed', closedData, input.opsEmail),
    notifyDispute(run.state, 'ops', 'dispute-closed', closedData, input.opsEmail),
  ]);
}
