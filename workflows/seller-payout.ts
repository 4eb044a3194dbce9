import {
  ActivityFailure,
  ApplicationFailure,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { MarketplaceActivities } from '../activities';
import {
  type PayoutInput,
  type PayoutOutcome,
  payoutPeriodOf,
  payoutStateQuery,
  payoutWorkflowId,
  transferRefusedType,
} from './payout-definitions';
import { showOutcome, showStep } from './ops-view';
import { formatMoney } from './ops-wording';
import { MarketplaceStatus, PayoutPeriod, SellerId } from './search-attributes';

const act = proxyActivities<MarketplaceActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

function refusalOf(error: unknown): string | undefined {
  const cause = error instanceof ActivityFailure ? error.cause : undefined;
  return cause instanceof ApplicationFailure && cause.type === transferRefusedType
    ? cause.message
    : undefined;
}

/**
 * One payout run for one seller, `payout-<sellerId>-<period>`: pays what has settled as of the run's
 * workflow time (delivered, return window closed, no return open, net of commission, refunds and
 * adjustments), only while the seller is in good standing, with one Stripe transfer, and mails a statement.
 */
export async function sellerPayoutWorkflow(input: PayoutInput): Promise<PayoutOutcome> {
  const asOf = new Date(Date.now());
  const period = input.period ?? payoutPeriodOf(asOf);
  const payoutId = payoutWorkflowId(input.sellerId, period);
  const state: { status: string; outcome?: PayoutOutcome } = { status: 'planning' };
  setHandler(payoutStateQuery, () => state);
  upsertSearchAttributes([
    { key: SellerId, value: input.sellerId },
    { key: PayoutPeriod, value: period },
  ]);
  const finish = (outcome: PayoutOutcome) => {
    Object.assign(state, { status: outcome.status, outcome });
    upsertSearchAttributes([{ key: MarketplaceStatus, value: outcome.status }]);
    showOutcome(outcome.status, {
      Amount: formatMoney(outcome.amount),
      Period: outcome.period,
      Reason: outcome.reason,
      Transfer: outcome.transferId,
    });
    return outcome;
  };

  const common = { sellerId: input.sellerId, payoutId, period, asOf: asOf.toISOString() };
  showStep('summing what has settled', { Seller: input.sellerId, Period: period });
  const plan = await act.planPayout(common);
  if (plan.kind === 'done') return finish(plan.outcome);
  if (plan.kind === 'skip') {
    return finish(await act.recordSkippedPayout({ ...common, reason: plan.reason, amount: plan.amount }));
  }
  state.status = 'transferring';
  const transfer = `transfer ${formatMoney(plan.amount)} to ${plan.destination}`;
  showStep(transfer, { 'Sub-orders settled': plan.subOrderIds.length });
  let outcome: PayoutOutcome;
  try {
    outcome = await act.payOutToSeller.executeWithOptions({ summary: transfer }, [
      {
        ...common,
        amount: plan.amount,
        subOrderIds: plan.subOrderIds,
        destination: plan.destination,
      },
    ]);
  } catch (error) {
    // Stripe refused the transfer for good: the run ends failed with the reason and ops are told, rather
    // than the workflow failing (or retrying forever) with nothing recorded. The schedule's next run then
    // starts as usual and pays what is available.
    const refusal = refusalOf(error);
    if (!refusal || !patched('payout-refusal-ends-run')) throw error;
    const failed = await act.recordFailedPayout({ ...common, reason: refusal, amount: plan.amount });
    const ops = await act.opsContact();
    await act.sendEmail({
      to: ops.email,
      template: 'payout-failed',
      data: { payoutId, sellerId: input.sellerId, amount: plan.amount, reason: refusal },
      idempotencyKey: `${payoutId}-failed-ops`,
    });
    return finish(failed);
  }
  await act.sendEmail({
    to: plan.email,
    template: 'payout-statement',
    data: { period, amount: plan.amount },
    idempotencyKey: `${payoutId}-statement`,
  });
  return finish(outcome);
}
