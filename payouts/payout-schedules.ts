import {
  type Client,
  type ScheduleSpec,
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
} from '@temporalio/client';
import type { Collections } from '../integrations/collections';
import { type PayoutFrequency, type PayoutInput, payoutScheduleId } from './payout-run';
import { detailsOf, payoutSummary } from '../domain/ops-wording';

// Each active seller has a Temporal schedule that starts its payout runs: visible, pausable and triggerable
// in the Web UI, and driven by ops through the API. The payout_schedules document remembers the cadence.

export const defaultPayoutFrequency: PayoutFrequency = 'weekly';

/** Runs at 02:00 UTC, after the day's deliveries have settled; weekly runs on Mondays. */
export function payoutSpec(frequency: PayoutFrequency): ScheduleSpec {
  return {
    calendars: [
      frequency === 'daily'
        ? { hour: 2, minute: 0, comment: 'daily payout' }
        : { hour: 2, minute: 0, dayOfWeek: 'MONDAY', comment: 'weekly payout' },
    ],
  };
}

export interface PayoutScheduleView {
  scheduleId: string;
  frequency: PayoutFrequency;
  paused: boolean;
  nextPayoutAt?: string;
}

export function createPayoutSchedules(deps: {
  collections: Collections;
  temporal: Client;
  taskQueue: string;
}) {
  const handle = (sellerId: string) => deps.temporal.schedule.getHandle(payoutScheduleId(sellerId));

  async function frequencyOf(sellerId: string): Promise<PayoutFrequency> {
    const doc = await deps.collections.payoutSchedules.findOne({ _id: sellerId });
    return doc?.frequency ?? defaultPayoutFrequency;
  }

  return {
    /** Creates the seller's schedule once; a second call (retry, replay, reinstated seller) finds it there. */
    async ensurePayoutSchedule(input: { sellerId: string }): Promise<{ created: boolean }> {
      const frequency = await frequencyOf(input.sellerId);
      const args: [PayoutInput] = [{ sellerId: input.sellerId }];
      try {
        await deps.temporal.schedule.create({
          scheduleId: payoutScheduleId(input.sellerId),
          spec: payoutSpec(frequency),
          policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
          action: {
            type: 'startWorkflow',
            workflowType: 'sellerPayoutWorkflow',
            // Temporal appends the scheduled time, so each run has its own id under this prefix.
            workflowId: `payout-${input.sellerId}`,
            taskQueue: deps.taskQueue,
            args,
            staticSummary: payoutSummary({ sellerId: input.sellerId, frequency }),
            staticDetails: detailsOf({
              Seller: input.sellerId,
              Frequency: frequency,
              Schedule: payoutScheduleId(input.sellerId),
            }),
          },
          memo: { purpose: `Pay seller ${input.sellerId} what has settled` },
        });
        return { created: true };
      } catch (error) {
        if (error instanceof ScheduleAlreadyRunning) return { created: false };
        throw error;
      }
    },

    async describePayoutSchedule(sellerId: string): Promise<PayoutScheduleView | undefined> {
      try {
        const description = await handle(sellerId).describe();
        const next = description.info.nextActionTimes[0];
        return {
          scheduleId: payoutScheduleId(sellerId),
          frequency: await frequencyOf(sellerId),
          paused: description.state.paused,
          ...(next ? { nextPayoutAt: next.toISOString() } : {}),
        };
      } catch (error) {
        if (error instanceof ScheduleNotFoundError) return undefined;
        throw error;
      }
    },

    async pausePayouts(sellerId: string, note: string): Promise<void> {
      await handle(sellerId).pause(note);
    },

    async resumePayouts(sellerId: string, note: string): Promise<void> {
      await handle(sellerId).unpause(note);
    },

    /** Stores the cadence first, so a schedule created later (seller not yet active) follows it too. */
    async setPayoutFrequency(sellerId: string, frequency: PayoutFrequency): Promise<void> {
      await deps.collections.payoutSchedules.updateOne(
        { _id: sellerId },
        { $set: { frequency, updatedAt: new Date() } },
        { upsert: true },
      );
      try {
        await handle(sellerId).update((previous) => ({ ...previous, spec: payoutSpec(frequency) }));
      } catch (error) {
        if (!(error instanceof ScheduleNotFoundError)) throw error;
      }
    },
  };
}

export type PayoutSchedules = ReturnType<typeof createPayoutSchedules>;
