import { defineQuery } from '@temporalio/workflow';
import type { PayoutOutcome } from '../payouts/payout-run';

// The payout workflow's own handlers. The run's ids and shapes live in payouts/payout-run.ts, because the
// schedule, the activities and the API name them too; they are re-exported here so workflow code and its
// tests keep importing them from the workflow's definitions.
export {
  type PayoutFrequency,
  type PayoutInput,
  type PayoutOutcome,
  payoutFrequencies,
  payoutPeriodOf,
  payoutScheduleId,
  payoutWorkflowId,
  transferRefusedType,
} from '../payouts/payout-run';

export const payoutStateQuery = defineQuery<{ status: string; outcome?: PayoutOutcome }>('payoutState');
