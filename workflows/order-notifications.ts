import { proxyActivities } from '@temporalio/workflow';
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
