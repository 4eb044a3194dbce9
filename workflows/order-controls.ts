import {
  TemporalFailure,
  condition,
  getExternalWorkflowHandle,
  patched,
  setHandler,
} from '@temporalio/workflow';
import { checkedMove, inCheckout, type OrderStatus } from '../domain/order-status';
import { cancellable, labelBought } from '../domain/sub-order-status';
import {
  type OrderState,
  type PlaceOrderInput,
  cancelOrderUpdate,
  fraudDecisionUpdate,
  orderStateQuery,
  subOrderChangedSignal,
} from './order-definitions';
import { cancelSubOrderSignal, sellerFulfillmentWorkflowId } from './seller-fulfillment-definitions';

/** Thrown inside the checkout to end it as cancelled (the buyer asked, ops rejected, a deadline passed). */
export class OrderCancelled extends Error {}

/**
 * A running order's state and what buyers, ops and the sellers' parts may ask of it (the state query, the
 * cancel and fraud-decision updates, the parts' change signal), for both shapes of the order workflow. The
 * workflow body reads the answers (`cancelRequested`, `fraudDecision`, `changed`) and moves the status.
 */
export abstract class OrderControls {
  readonly state: OrderState;
  cancelRequested: string | undefined;
  fraudDecision: 'approve' | 'reject' | undefined;
  /** Paid and split into parts: a cancel now goes to each part that has no label yet. */
  split = false;
  /** Every part's workflow has started, so a cancel can reach each of them. */
  partsRunning = false;
  /** A part told the order something since the workflow last looked. */
  changed = false;

  constructor(
    protected readonly input: PlaceOrderInput,
    /** The sellers a cancel before the split names in its answer (each shape answered in its own way). */
    private readonly sellersBeforeSplit: (state: OrderState) => string[],
  ) {
    this.state = {
      orderId: input.orderId,
      customerId: input.customerId,
      status: 'received',
      lines: [],
      priceChanges: [],
      paymentIntentIds: {},
      subOrders: [],
    };
  }

  /** A status that lasts: written where buyers, sellers and ops read it (each shape writes its own way). */
  abstract moveTo(status: OrderStatus, extra?: { failureReason?: string }): Promise<void>;

  /** A status kept in memory only (queries and the cancel update see it; nothing is written). */
  enter(status: OrderStatus): void {
    this.state.status = checkedMove(this.state.status, status);
  }

  stopIfCancelled(): void {
    if (this.cancelRequested) throw new OrderCancelled(this.cancelRequested);
  }

  /**
   * Asks each part still open to cancel, and answers whose parts were asked. A part whose workflow has
   * ended meanwhile (its seller declined, and its news has not reached the order yet) is left out: its
   * own ending already gave back what it held.
   */
  private async cancelParts(reason: string): Promise<string[]> {
    const signal = (sellerId: string) =>
      getExternalWorkflowHandle(sellerFulfillmentWorkflowId(this.state.orderId, sellerId)).signal(
        cancelSubOrderSignal,
        { reason },
      );
    if (!patched('cancel-open-parts-only')) {
      // How orders cancelled before: every part without a label, ended or not (an ended one failed it).
      const unlabelled = this.state.subOrders.filter((s) => !labelBought(s.status));
      for (const sub of unlabelled) await signal(sub.sellerId);
      return unlabelled.map((s) => s.sellerId);
    }
    // A cancel in the moment between the split and the parts' start waits for them to exist.
    await condition(() => this.partsRunning);
    const asked: string[] = [];
    for (const sub of this.state.subOrders.filter((s) => cancellable(s.status))) {
      try {
        await signal(sub.sellerId);
        asked.push(sub.sellerId);
      } catch (error) {
        // The one way a signal to our own child fails: it has ended.
        if (!(error instanceof TemporalFailure)) throw error;
      }
    }
    return asked;
  }

  /** The state query and the buyer's and ops' updates, in place from the order's first moment. */
  listen(): void {
    const { state } = this;
    setHandler(orderStateQuery, () => state);
    setHandler(
      cancelOrderUpdate,
      async ({ reason }) => {
        this.cancelRequested = reason;
        return { cancelling: this.split ? await this.cancelParts(reason) : this.sellersBeforeSplit(state) };
      },
      {
        validator: (_input: { reason: string }) => {
          const unshipped = state.subOrders.some((s) => cancellable(s.status));
          if (!inCheckout(state.status) && !(this.split && unshipped))
            throw new Error(`order is ${state.status}; nothing left to cancel`);
        },
      },
    );
    setHandler(
      fraudDecisionUpdate,
      ({ decision }) => {
        this.fraudDecision = decision;
        return state.status;
      },
      {
        validator: ({ decision }: { decision: 'approve' | 'reject'; reason: string }) => {
          if (decision !== 'approve' && decision !== 'reject')
            throw new Error('decision must be approve or reject');
          if (state.status !== 'fraud_review' || this.fraudDecision)
            throw new Error('this order is not waiting for a fraud decision');
        },
      },
    );
  }

  /** From the split on, each part tells the order of its changes; the workflow wakes on `changed`. */
  followParts(): void {
    setHandler(subOrderChangedSignal, (summary) => {
      this.state.subOrders = this.state.subOrders.map((s) =>
        s.sellerId === summary.sellerId ? { ...s, ...summary } : s,
      );
      this.changed = true;
    });
  }
}
