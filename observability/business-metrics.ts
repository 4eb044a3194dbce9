import { Counter, Gauge } from 'prom-client';
import { metricsRegistry } from './metrics-registry';

// The counters an on-call person reads first. Labels are small closed sets (never an id or free text),
// so a series count stays bounded however many orders, sellers or SKUs there are.
const registers = [metricsRegistry];

export const orderEvents = new Counter({
  name: 'marketplace_orders_total',
  help: 'Orders by event (placed, confirmed, failed, cancelled, and refused: a checkout sold out at the door, no order made) and, for failed, cancelled and refused, a reason class',
  labelNames: ['event', 'reason'] as const,
  registers,
});

export const stockHolds = new Counter({
  name: 'marketplace_stock_holds_total',
  help: 'Stock hold attempts by outcome (taken, refused) and refusal reason (OutOfStock, HoldEnded)',
  labelNames: ['outcome', 'reason'] as const,
  registers,
});

export const paymentEvents = new Counter({
  name: 'marketplace_payments_total',
  help: 'Payment operations (authorize, capture, void) by outcome (authorized, declined, requires_action, captured, voided, failed, retrying)',
  labelNames: ['operation', 'outcome'] as const,
  registers,
});

export const refundEvents = new Counter({
  name: 'marketplace_refunds_total',
  help: 'Refunds to buyers by outcome (refunded, failed, retrying)',
  labelNames: ['outcome'] as const,
  registers,
});

export const payoutEvents = new Counter({
  name: 'marketplace_payouts_total',
  help: 'Seller payout runs by outcome (paid, skipped, failed, retrying)',
  labelNames: ['outcome'] as const,
  registers,
});

export const webhookEvents = new Counter({
  name: 'marketplace_webhook_events_total',
  help: 'Signed webhooks received, by source (stripe, carrier), event type and outcome (accepted, duplicate, unmatched, rejected, error)',
  labelNames: ['source', 'type', 'outcome'] as const,
  registers,
});

export const indexLagSeconds = new Gauge({
  name: 'marketplace_search_index_lag_seconds',
  help: 'Seconds from a product write to its indexing, for the newest batch the search-indexer indexed',
  registers,
});

export const searchOutboxBacklog = new Gauge({
  name: 'marketplace_search_outbox_backlog',
  help: 'Change notices (Redis streams) written but not yet indexed and acknowledged, per stream',
  labelNames: ['stream'] as const,
  registers,
});
