import { setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { type PayoutOutcome, payoutStateQuery } from './payout-definitions';
import { showOutcome } from './ops-view';
import { formatMoney } from '../domain/money';
import { MarketplaceStatus, PayoutPeriod, SellerId } from './search-attributes';

/** A payout run as ops see it: the `payoutState` query, its search attributes and its Web UI details. */
export class PayoutRunState {
  private readonly state: { status: string; outcome?: PayoutOutcome } = { status: 'planning' };

  constructor(sellerId: string, period: string) {
    setHandler(payoutStateQuery, () => this.state);
    upsertSearchAttributes([
      { key: SellerId, value: sellerId },
      { key: PayoutPeriod, value: period },
    ]);
  }

  transferring(): void {
    this.state.status = 'transferring';
  }

  /** The run's end, whichever it is: recorded in the query, the status attribute and the UI. */
  finish(outcome: PayoutOutcome): PayoutOutcome {
    Object.assign(this.state, { status: outcome.status, outcome });
    upsertSearchAttributes([{ key: MarketplaceStatus, value: outcome.status }]);
    showOutcome(outcome.status, {
      Amount: formatMoney(outcome.amount),
      Period: outcome.period,
      Reason: outcome.reason,
      Transfer: outcome.transferId,
    });
    return outcome;
  }
}
