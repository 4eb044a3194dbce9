import { condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { MarketplaceActivities } from '../activities';
import { cancellable, isSellerStep, labelBought, type SubOrderStatus } from '../domain/sub-order-status';
import type { TrackingStatus } from '../integrations/carriers/carrier';
import {
  type SubOrderInput,
  type SubOrderState,
  acceptSubOrderUpdate,
  buyLabelUpdate,
  cancelSubOrderSignal,
  carrierEventSignal,
  declineSubOrderUpdate,
  markPackedUpdate,
  markPickedUpdate,
  subOrderStateQuery,
} from './seller-fulfillment-definitions';

/** Stripe and the carrier: full activities, retried until they answer (both shapes of the part). */
export const act = proxyActivities<MarketplaceActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

const carrierStatus: Partial<Record<TrackingStatus, SubOrderStatus>> = {
  in_transit: 'shipped',
  out_for_delivery: 'shipped',
  delivered: 'delivered',
};

/**
 * One seller's part as its workflow keeps it, and what the seller, the buyer's order and the carrier may
 * ask of it: the state query, the seller's steps and decline (updates, each validated by the sub-order
 * rules of domain/sub-order-status), the order's cancel and the carrier's events (signals). The workflow
 * body reads `cancelRequested` and `pendingCarrier`; each shape records a status its own way (`moveTo`).
 */
export abstract class SubOrderControls {
  cancelRequested: string | undefined;
  /** Carrier events not yet acted on, as the statuses they would move the part to. */
  readonly pendingCarrier: SubOrderStatus[] = [];
  readonly skus: string[];

  constructor(
    protected readonly input: SubOrderInput,
    readonly state: SubOrderState,
  ) {
    this.skus = input.lines.map((line) => line.sku);
  }

  abstract moveTo(status: SubOrderStatus): Promise<void>;

  listen(): void {
    const { state, input } = this;
    /** A seller's step is accepted only from the status right before it, and never while cancelling. */
    const onlyAsNextStep = (to: SubOrderStatus) => () => {
      if (!isSellerStep(state.status, to) || this.cancelRequested) {
        throw new Error(
          `sub-order is ${this.cancelRequested ? 'being cancelled' : state.status}; cannot move to ${to}`,
        );
      }
    };
    const step = (to: SubOrderStatus) => async () => {
      await this.moveTo(to);
      return state;
    };
    setHandler(subOrderStateQuery, () => state);
    setHandler(acceptSubOrderUpdate, step('accepted'), { validator: onlyAsNextStep('accepted') });
    setHandler(markPickedUpdate, step('picked'), { validator: onlyAsNextStep('picked') });
    setHandler(markPackedUpdate, step('packed'), { validator: onlyAsNextStep('packed') });
    setHandler(
      buyLabelUpdate,
      async ({ weightGrams }) => {
        const label = await act.buyShippingLabel({
          shipmentId: `order-${input.orderId}-${input.sellerId}`,
          orderId: input.orderId,
          sellerId: input.sellerId,
          to: input.shipTo,
          kind: 'outbound',
          weightGrams,
        });
        Object.assign(state, {
          trackingNumber: label.trackingNumber,
          labelUrl: label.labelUrl,
          carrier: label.carrier,
        });
        await this.moveTo('label_purchased');
        return state;
      },
      {
        validator: ({ weightGrams }) => {
          onlyAsNextStep('label_purchased')();
          if (!Number.isInteger(weightGrams) || weightGrams < 1 || weightGrams > 70_000) {
            throw new Error('weightGrams must be an integer from 1 to 70000');
          }
        },
      },
    );
    setHandler(
      declineSubOrderUpdate,
      async ({ reason }) => {
        this.cancelRequested = `declined by seller: ${reason}`;
        await condition(() => state.status === 'cancelled');
        return state;
      },
      {
        validator: (_input: { reason: string }) => {
          if (!cancellable(state.status)) {
            throw new Error(`sub-order is ${state.status}; it can no longer be declined`);
          }
        },
      },
    );
    setHandler(cancelSubOrderSignal, ({ reason }) => {
      if (!labelBought(state.status)) this.cancelRequested ??= reason;
    });
    setHandler(carrierEventSignal, ({ status }) => {
      const next = carrierStatus[status];
      if (next) this.pendingCarrier.push(next);
    });
  }

  /** What every status write carries besides the status. */
  protected changes(): Partial<
    Pick<SubOrderState, 'trackingNumber' | 'carrier' | 'labelUrl' | 'captured' | 'cancelReason'>
  > {
    const { state } = this;
    return {
      ...(state.trackingNumber ? { trackingNumber: state.trackingNumber } : {}),
      ...(state.carrier ? { carrier: state.carrier } : {}),
      ...(state.labelUrl ? { labelUrl: state.labelUrl } : {}),
      ...(state.captured ? { captured: state.captured } : {}),
      ...(state.cancelReason ? { cancelReason: state.cancelReason } : {}),
    };
  }
}
