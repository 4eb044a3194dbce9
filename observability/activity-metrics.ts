import type { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, Next } from '@temporalio/worker';
import { orderEvents, paymentEvents, payoutEvents, refundEvents, stockHolds } from './business-metrics';
import { orderReasonClass } from './order-reason';

type Outcome = { ok: true; input: unknown; result: unknown } | { ok: false; input: unknown; error: unknown };

/** Business failures are final; anything else will be retried by the activity's retry policy. */
function failureOutcome(error: unknown): 'failed' | 'retrying' {
  return error instanceof ApplicationFailure && error.nonRetryable ? 'failed' : 'retrying';
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

// One place maps what activities did to the business counters, so no activity file carries metric code.
// Keyed by activity type; each reads the activity's own input and answer.
const recorders: Record<string, (outcome: Outcome) => void> = {
  // Orders of the first shape record, then confirm by a status write; the lean order prices and records in
  // one step and confirms with its sub-orders.
  recordOrder: (o) => {
    if (o.ok) orderEvents.inc({ event: 'placed', reason: '' });
  },
  priceAndRecordOrder: (o) => {
    if (o.ok) orderEvents.inc({ event: 'placed', reason: '' });
  },
  // The lean order's first step from version 3: placed, and its stock held or refused in the same step.
  checkOutOrder: (o) => {
    if (!o.ok) return;
    orderEvents.inc({ event: 'placed', reason: '' });
    const stock = field(o.result, 'stock');
    const kind = field(stock, 'kind');
    if (kind === 'held') stockHolds.inc({ outcome: 'taken', reason: '' });
    const failureType = field(stock, 'failureType');
    if (kind === 'refused' && typeof failureType === 'string') {
      stockHolds.inc({ outcome: 'refused', reason: failureType });
    }
  },
  confirmOrder: (o) => {
    if (o.ok) orderEvents.inc({ event: 'confirmed', reason: '' });
  },
  setOrderStatus: (o) => {
    if (!o.ok) return;
    const status = field(o.input, 'status');
    if (status === 'confirmed') orderEvents.inc({ event: 'confirmed', reason: '' });
    if (status === 'failed' || status === 'cancelled') {
      const reason = field(o.input, 'failureReason');
      orderEvents.inc({ event: status, reason: orderReasonClass(typeof reason === 'string' ? reason : '') });
    }
  },
  reserveStock: (o) => {
    if (o.ok) stockHolds.inc({ outcome: 'taken', reason: '' });
    else if (o.error instanceof ApplicationFailure && o.error.type) {
      stockHolds.inc({ outcome: 'refused', reason: o.error.type });
    }
  },
  authorizePayment: (o) => {
    const kind = o.ok ? field(o.result, 'kind') : failureOutcome(o.error);
    paymentEvents.inc({ operation: 'authorize', outcome: typeof kind === 'string' ? kind : 'unknown' });
  },
  // One authorization per part, answered together: each part's answer counts as its own authorization.
  authorizeOrderParts: (o) => {
    if (!o.ok) {
      paymentEvents.inc({ operation: 'authorize', outcome: failureOutcome(o.error) });
      return;
    }
    for (const part of Array.isArray(o.result) ? (o.result as unknown[]) : []) {
      const kind = field(part, 'kind');
      paymentEvents.inc({ operation: 'authorize', outcome: typeof kind === 'string' ? kind : 'unknown' });
    }
  },
  capturePayment: (o) => {
    paymentEvents.inc({ operation: 'capture', outcome: o.ok ? 'captured' : failureOutcome(o.error) });
  },
  cancelPaymentAuthorization: (o) => {
    paymentEvents.inc({ operation: 'void', outcome: o.ok ? 'voided' : failureOutcome(o.error) });
  },
  refundPayment: (o) => {
    refundEvents.inc({ outcome: o.ok ? 'refunded' : failureOutcome(o.error) });
  },
  payOutToSeller: (o) => {
    payoutEvents.inc({ outcome: o.ok ? 'paid' : failureOutcome(o.error) });
  },
  recordSkippedPayout: (o) => {
    if (o.ok) payoutEvents.inc({ outcome: 'skipped' });
  },
  recordFailedPayout: (o) => {
    if (o.ok) payoutEvents.inc({ outcome: 'failed' });
  },
};

/** Counts each business activity's outcome as it completes (local activities included). */
export class BusinessMetricsInterceptor implements ActivityInboundCallsInterceptor {
  constructor(private readonly ctx: Context) {}

  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>) {
    const record = recorders[this.ctx.info.activityType];
    if (!record) return next(input);
    const [args] = input.args;
    try {
      const result: unknown = await next(input);
      safely(() => record({ ok: true, input: args, result }));
      return result;
    } catch (error) {
      safely(() => record({ ok: false, input: args, error }));
      throw error;
    }
  }
}

/** A metric must never fail the business step it describes. */
function safely(count: () => void): void {
  try {
    count();
  } catch {
    // Counting is best effort.
  }
}
