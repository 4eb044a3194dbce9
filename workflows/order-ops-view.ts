import type { Money } from '../domain/money';
import type { OrderStatus } from '../domain/order-status';
import { showOutcome, showStep, showWaiting } from './ops-view';
import { formatMoney } from '../domain/money';

/** What the order's Temporal UI page needs to know; structural, so it survives changes to OrderState. */
export interface OrderView {
  orderId: string;
  status: OrderStatus;
  total?: Money;
  sellerIds?: string[];
  failureReason?: string;
}

/**
 * For the order workflows to call after each status change (and before each long wait, with its deadline
 * in workflow time): the Temporal UI then says what the order waits for, who acts and until when.
 */
export function showOrderProgress(order: OrderView, deadlineMs?: number): void {
  const until = deadlineMs === undefined ? {} : { untilMs: deadlineMs };
  const facts = {
    Total: order.total ? formatMoney(order.total) : undefined,
    Sellers: order.sellerIds?.join(', '),
  };
  switch (order.status) {
    case 'received':
      return showStep('pricing, recording and screening the order', facts);
    case 'fraud_review':
      return showWaiting({
        for: 'a fraud decision by ops',
        who: `ops (POST /ops/orders/${order.orderId}/fraud-decision)`,
        ...until,
        then: 'the order is cancelled',
      });
    case 'reserving_stock':
      return showStep('holding stock', facts);
    case 'awaiting_payment':
      return showWaiting({
        for: 'the buyer to pay (or finish 3-D Secure)',
        who: 'buyer (POST /payments/checkout)',
        ...until,
        then: 'the stock is released and the order fails',
      });
    case 'confirmed':
    case 'fulfilling':
    case 'partially_shipped':
    case 'shipped':
      return showWaiting({
        for: `the sellers' sub-orders (${order.status.replace(/_/g, ' ')})`,
        who: `${order.sellerIds?.length ?? 0} seller(s); carrier webhooks`,
        ...until,
      });
    default:
      return showOutcome(order.status, { ...facts, Reason: order.failureReason });
  }
}
