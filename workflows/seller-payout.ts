import { patched } from '@temporalio/workflow';
import { type PayoutInput, type PayoutOutcome, payoutPeriodOf, payoutWorkflowId } from './payout-definitions';
import { PayoutRunState } from './payout-state';
import { showStep } from './ops-view';
import { formatMoney } from '../domain/money';
import { act, mailStatement, recordRefusal, refusalOf } from './seller-payout-steps';

/**
 * One payout run for one seller, `payout-<sellerId>-<period>`: pays what has settled as of the run's
 * workflow time (delivered, return window closed, no return open, net of commission, refunds and
 * adjustments), only while the seller is in good standing, with one Stripe transfer, and mails a statement.
 */
export async function sellerPayoutWorkflow(input: PayoutInput): Promise<PayoutOutcome> {
  const asOf = new Date(Date.now());
  const period = input.period ?? payoutPeriodOf(asOf);
  const payoutId = payoutWorkflowId(input.sellerId, period);
  const run = new PayoutRunState(input.sellerId, period);
  const common = { sellerId: input.sellerId, payoutId, period, asOf: asOf.toISOString() };

  showStep('summing what has settled', { Seller: input.sellerId, Period: period });
  const plan = await act.planPayout(common);
  if (plan.kind === 'done') return run.finish(plan.outcome);
  if (plan.kind === 'skip') {
    return run.finish(await act.recordSkippedPayout({ ...common, reason: plan.reason, amount: plan.amount }));
  }
  run.transferring();
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
    return run.finish(await recordRefusal(common, plan.amount, refusal));
  }
  await mailStatement(common, plan.email, plan.amount);
  return run.finish(outcome);
}
