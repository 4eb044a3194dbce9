import type Stripe from 'stripe';
import { ApplicationFailure } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { Collections } from '../integrations/collections';
import type { StockCounters } from '../integrations/stock-counters';
import { createInventoryActivities } from './inventory';
import { publishStockChanges } from '../search/stock-change-feed';
import { createRecommendationActivities } from './recommendations';
import { createOrderActivities } from './orders';
import { createOrderCheckoutActivities } from './order-checkout';
import { createPaymentActivities } from './payments';
import { createStockReconciliationActivities } from './stock-reconciliation';
import type { RedisClient } from '../integrations/redis';
import type { CarrierAdapter } from '../integrations/carriers/carrier';
import { createFraudSignalActivities } from './fraud-signals';
import { createShippingActivities } from './shipping';
import { createSubOrderActivities } from './sub-orders';
import type { Env } from '../config/env';
import { createEmailSender, type EmailSender } from '../integrations/email';
import { createSmsSender, type SmsSender } from '../integrations/sms';
import { createNotificationActivities } from './notifications';
import { createSellerActivities } from './sellers';
import { createRefundActivities } from './refunds';
import { createReturnActivities } from './returns';
import { createFlashSaleActivities } from './flash-sales';
import { createSellerLedgerActivities } from './seller-ledger';
import { createPayoutActivities } from './payouts';
import { createPayoutSchedules } from '../payouts/payout-schedules';
import { createDisputeActivities } from './disputes';
import { returnPolicyOf } from '../config/env';
import { defaultReturnPolicy } from '../domain/return-window';

export interface ActivityDeps {
  collections: Collections;
  counters: StockCounters;
  redis: RedisClient;
  stripe: Stripe;
  carrier: CarrierAdapter;
  now?: () => Date;
  /** Picks SendGrid / Twilio or the outbox; Services carries it, so workers pass it by spreading services. */
  env?: Env;
  /** Tests inject senders; otherwise they are built from env. */
  email?: EmailSender;
  sms?: SmsSender;
  /** Creates payout schedules; Services carries it. */
  temporal?: Client;
}

/** Every activity the workers register, closed over real clients; workflows see only this type. */
export function createActivities(deps: ActivityDeps) {
  const now = deps.now ?? (() => new Date());
  const notifications = createNotificationActivities({
    collections: deps.collections,
    email: deps.email ?? createEmailSender(deps.env, deps.collections),
    sms: deps.sms ?? createSmsSender(deps.env, deps.collections),
    now,
  });
  const inventory = createInventoryActivities({
    counters: deps.counters,
    collections: deps.collections,
    now,
    onStockChanged: (skus) => publishStockChanges(deps.redis, skus),
  });
  const orders = createOrderActivities({ collections: deps.collections, now });
  const fraud = createFraudSignalActivities({
    collections: deps.collections,
    redis: deps.redis,
    stripe: deps.stripe,
    now,
  });
  return {
    ...inventory,
    ...orders,
    ...createOrderCheckoutActivities({ orders, fraud, inventory }),
    ...createFlashSaleActivities({
      counters: deps.counters,
      collections: deps.collections,
      redis: deps.redis,
      now,
      onStockChanged: (skus) => publishStockChanges(deps.redis, skus),
    }),
    ...createPaymentActivities({ stripe: deps.stripe }),
    ...createRefundActivities({ stripe: deps.stripe }),
    ...createReturnActivities({ collections: deps.collections, now }),
    ...createStockReconciliationActivities({
      ...deps,
      now,
      onDiscrepancy: async (discrepancy) => {
        await notifications.sendEmail({
          to: deps.env?.OPS_EMAIL ?? 'ops@marketplace.local',
          template: 'stock-discrepancy',
          data: { sku: discrepancy.sku, reason: discrepancy.reason },
          idempotencyKey: `stock-discrepancy-${discrepancy.sku}-${discrepancy.firstSeenAt.toISOString()}`,
        });
      },
    }),
    ...createSubOrderActivities({ collections: deps.collections, now }),
    ...fraud,
    ...createRecommendationActivities({ collections: deps.collections, now }),
    ...notifications,
    ...createSellerActivities({ collections: deps.collections, redis: deps.redis, stripe: deps.stripe, now }),
    ...createSellerLedgerActivities({ collections: deps.collections, now }),
    ...createDisputeActivities({ collections: deps.collections, stripe: deps.stripe, now }),
    ...createPayoutActivities({
      collections: deps.collections,
      stripe: deps.stripe,
      policy: deps.env ? returnPolicyOf(deps.env) : defaultReturnPolicy,
      now,
    }),
    /** Where alerts for ops go (OPS_EMAIL): a payout Stripe refused, for one. */
    opsContact(): Promise<{ email: string }> {
      return Promise.resolve({ email: deps.env?.OPS_EMAIL ?? 'ops@marketplace.local' });
    },
    async ensurePayoutSchedule(input: { sellerId: string }): Promise<{ created: boolean }> {
      if (!deps.temporal || !deps.env) {
        throw ApplicationFailure.nonRetryable('no Temporal client to create schedules', 'NotConfigured');
      }
      const schedules = createPayoutSchedules({
        collections: deps.collections,
        temporal: deps.temporal,
        taskQueue: deps.env.TEMPORAL_TASK_QUEUE,
      });
      return schedules.ensurePayoutSchedule(input);
    },
    ...createShippingActivities({
      carrier: deps.carrier,
      collections: deps.collections,
      now,
    }),
  };
}

export type MarketplaceActivities = ReturnType<typeof createActivities>;
