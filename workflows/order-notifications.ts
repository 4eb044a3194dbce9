import {
  ActivityFailure,
  ApplicationFailure,
  proxyActivities,
  proxyLocalActivities,
} from '@temporalio/workflow';
import type { MarketplaceActivities } from '../activities';
import type { Money } from '../domain/money';
import type { OrderState } from './order-definitions';

const act = proxyActivities<MarketplaceActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', maximumInterval: '5 minutes' },
});

export type OrderEvent = 'order-confirmed' | 'order-shipped' | 'order-delivered' | 'order-cancelled';

/** Each milestone's template and what it says, from the order as it stands when the message is sent. */
type OrderMessage =
  | { template: 'order-confirmed'; data: { orderId: string; total: Money } }
  | { template: 'order-shipped'; data: { orderId: string; carrier: string; trackingNumber: string } }
  | { template: 'order-delivered'; data: { orderId: string } }
  | { template: 'order-cancelled'; data: { orderId: string; reason: string } };

function orderMessage(state: OrderState, event: OrderEvent): OrderMessage {
  const shipped = state.subOrders.find((s) => s.trackingNumber);
  switch (event) {
    case 'order-confirmed':
      return {
        template: event,
        data: { orderId: state.orderId, total: state.total ?? { amount: 0, currency: 'USD' } },
      };
    case 'order-shipped':
      return {
        template: event,
        data: {
          orderId: state.orderId,
          carrier: shipped ? 'sandbox' : 'carrier',
          trackingNumber: shipped?.trackingNumber ?? '',
        },
      };
    case 'order-delivered':
      return { template: event, data: { orderId: state.orderId } };
    default:
      return {
        template: event,
        data: { orderId: state.orderId, reason: state.failureReason ?? 'cancelled' },
      };
  }
}

/**
 * Email (and SMS when the shipping address has a phone) on the order's milestones, for the first order
 * shape, which awaits each send. The key names the order, the event and the status it was sent for, so a
 * replay or retry never sends the same message twice.
 */
export async function notifyBuyer(state: OrderState, event: OrderEvent, shipPhone?: string): Promise<void> {
  const contact = await act.buyerContact({ customerId: state.customerId });
  const key = `order-${state.orderId}-${event}-${state.status}`;
  const send = async (channel: 'email' | 'sms', to: string) => {
    const base = { to, idempotencyKey: `${key}-${channel}` };
    const sender = channel === 'email' ? act.sendEmail : act.sendSms;
    await sender({ ...base, ...orderMessage(state, event) });
  };
  if (contact.email) await send('email', contact.email);
  if (shipPhone) await send('sms', shipPhone);
}

/** Bounded: a buyer message is worth a few tries, never a stuck order. */
export const buyerNotificationAttempts = 4;

const notify = proxyActivities<MarketplaceActivities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: buyerNotificationAttempts,
  },
});

/**
 * The order's milestone message, off the order's main path: one activity (contact look-up, email and SMS)
 * that the order starts and does not wait for. Its failure is already recorded by the activity for ops
 * (notifications with status failed), so the promise returned settles either way and never rejects.
 */
export function notifyBuyerInBackground(
  state: OrderState,
  event: OrderEvent,
  shipPhone?: string,
): Promise<void> {
  const common = {
    customerId: state.customerId,
    ...(shipPhone ? { phone: shipPhone } : {}),
    idempotencyKey: `order-${state.orderId}-${event}-${state.status}`,
    attempts: buyerNotificationAttempts,
  };
  const sent = notify.notifyBuyer({ ...common, ...orderMessage(state, event) });
  return sent.then(
    () => undefined,
    () => undefined,
  );
}

/** One try inside the workflow task, bounded so the task is held for seconds at most. */
const notifyInTask = proxyLocalActivities<MarketplaceActivities>({
  startToCloseTimeout: '5 seconds',
  scheduleToCloseTimeout: '5 seconds',
  retry: { maximumAttempts: 1 },
});

/** The attempts left after that first try. */
const notifyAfterTask = proxyActivities<MarketplaceActivities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: buyerNotificationAttempts - 1,
  },
});

/**
 * The confirmation message of orders of version 3 on, sent in the workflow task that takes in the parts'
 * start, once the order is confirmed and its parts run, when the order waits for nothing. Sent there, a
 * message costs one marker in that task, where a background activity costs three events and, as its
 * completion nearly always comes after that task, a workflow task of its own. The first try is bounded
 * (5 s, one attempt), so a slow provider holds that task for seconds at most; a try that failed for a
 * passing reason goes on as a background activity with the attempts left (4 in all, as any buyer message),
 * and a refusal (a 4xx) is final, already recorded for ops by the send. The promise never rejects.
 */
export function notifyBuyerInTask(state: OrderState, event: OrderEvent, shipPhone?: string): Promise<void> {
  const message = {
    customerId: state.customerId,
    ...(shipPhone ? { phone: shipPhone } : {}),
    idempotencyKey: `order-${state.orderId}-${event}-${state.status}`,
    ...orderMessage(state, event),
  };
  const settled = () => undefined;
  return notifyInTask
    .notifyBuyer({ ...message, attempts: buyerNotificationAttempts })
    .then(settled, (failure: unknown) => {
      const cause: unknown = failure instanceof ActivityFailure ? failure.cause : failure;
      if (cause instanceof ApplicationFailure && cause.nonRetryable) return undefined;
      return notifyAfterTask
        .notifyBuyer({ ...message, attempts: buyerNotificationAttempts - 1 })
        .then(settled, settled);
    });
}
