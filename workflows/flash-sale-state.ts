import { condition, setHandler } from '@temporalio/workflow';
import {
  flashSaleStateQuery,
  flashSaleTermsSignal,
  type FlashSaleInput,
  type FlashSaleState,
} from './flash-sale-definitions';

/** What one admission step reports back: holds given, holds expired, and the line as it now stands. */
export interface AdmissionProgress {
  held: number;
  expired: number;
  waiting: number;
  openHolds: number;
}

/**
 * A flash sale's state as its workflow keeps it: the terms ops last sent (a signal), the progress ops read
 * (a query), and the waits on the sale's start.
 */
export class FlashSaleLine {
  readonly state: FlashSaleState;
  private termsChanged = false;

  constructor(input: FlashSaleInput) {
    this.state = {
      sku: input.sku,
      terms: input.terms,
      status: 'scheduled',
      admitted: 0,
      expired: 0,
      waiting: 0,
      openHolds: 0,
    };
    setHandler(flashSaleTermsSignal, (terms) => {
      this.state.terms = terms;
      this.termsChanged = true;
    });
    setHandler(flashSaleStateQuery, () => this.state);
  }

  /** Waits for the start; new terms may move it either way meanwhile. */
  async untilStart(): Promise<void> {
    for (;;) {
      const wait = Date.parse(this.state.terms.startsAt) - Date.now();
      if (wait <= 0) return;
      this.termsChanged = false;
      await condition(() => this.termsChanged, wait);
    }
  }

  /** Waits up to `timeoutMs` for new terms to arrive. */
  async newTerms(timeoutMs: number): Promise<void> {
    this.termsChanged = false;
    await condition(() => this.termsChanged, timeoutMs);
  }

  record(progress: AdmissionProgress): void {
    Object.assign(this.state, {
      admitted: this.state.admitted + progress.held,
      expired: this.state.expired + progress.expired,
      waiting: progress.waiting,
      openHolds: progress.openHolds,
    });
  }
}
