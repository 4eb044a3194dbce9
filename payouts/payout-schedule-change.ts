import { canBePaid } from '../domain/seller-standing';
import type { SellerDoc } from '../sellers/documents';
import type { PayoutFrequency } from './payout-run';
import type { PayoutSchedules, PayoutScheduleView } from './payout-schedules';

/** Why a schedule change was refused; the API answers each with its own problem type. */
export class PayoutScheduleRefused extends Error {
  constructor(
    readonly reason: 'seller-cannot-be-paid' | 'payout-schedule-not-found',
    message: string,
    /** Said when a frequency was stored although there is no schedule yet to follow it. */
    readonly detail?: string,
  ) {
    super(message);
  }
}

export interface PayoutScheduleChange {
  action?: 'create' | 'pause' | 'resume' | undefined;
  frequency?: PayoutFrequency | undefined;
  note?: string | undefined;
}

const notFound = 'This seller has no payout schedule yet';

/**
 * Ops steer a seller's payout schedule: the frequency is stored first (a schedule created later follows
 * it), then the schedule is created (only for a seller that can be paid), paused or resumed. Answers the
 * schedule as it now stands.
 */
export async function changePayoutSchedule(
  schedules: PayoutSchedules,
  seller: SellerDoc,
  change: PayoutScheduleChange,
  by: string,
): Promise<PayoutScheduleView> {
  const note = `${change.note ?? change.action ?? 'changed'} (by ${by})`;
  if (change.frequency) await schedules.setPayoutFrequency(seller._id, change.frequency);
  if (change.action === 'create') {
    if (!canBePaid(seller)) {
      throw new PayoutScheduleRefused('seller-cannot-be-paid', 'This seller is not active and approved');
    }
    await schedules.ensurePayoutSchedule({ sellerId: seller._id });
  }
  const existing = await schedules.describePayoutSchedule(seller._id);
  if (!existing && (change.action === 'pause' || change.action === 'resume')) {
    throw new PayoutScheduleRefused('payout-schedule-not-found', notFound);
  }
  if (change.action === 'pause') await schedules.pausePayouts(seller._id, note);
  if (change.action === 'resume') await schedules.resumePayouts(seller._id, note);
  const now = await schedules.describePayoutSchedule(seller._id);
  if (!now) {
    const kept = change.frequency ? 'The frequency is kept for when the schedule is created.' : undefined;
    throw new PayoutScheduleRefused('payout-schedule-not-found', notFound, kept);
  }
  return now;
}
