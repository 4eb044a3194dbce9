import Stripe from 'stripe';
import type { FraudSignals } from '../domain/fraud';
import type { Collections } from '../integrations/collections';
import type { RedisClient } from '../integrations/redis';

const windowMs = 3600_000;

export interface FraudSignalsInput {
  orderId: string;
  customerId: string;
  paymentMethodId?: string;
  orderTotalMinor: number;
  currency: string;
  shippingCountry: string;
  billingCountry?: string;
}

/**
 * Velocity counted as the set of distinct order ids per buyer (and per card) in the current hour, so a
 * retried activity counts its order once.
 */
export function createFraudSignalActivities(deps: {
  collections: Collections;
  redis: RedisClient;
  stripe: Stripe;
  now: () => Date;
}) {
  /**
   * The card behind a payment method: Stripe's fingerprint is the same for every payment method made from
   * one card number, and differs between cards, so velocity counts a card, not a token. A method Stripe does
   * not know (the authorization will refuse it anyway) or one without a card counts as itself.
   */
  async function cardOf(paymentMethodId: string): Promise<string> {
    try {
      const method = await deps.stripe.paymentMethods.retrieve(paymentMethodId);
      return method.card?.fingerprint ? `fp:${method.card.fingerprint}` : `pm:${paymentMethodId}`;
    } catch (error) {
      if (error instanceof Stripe.errors.StripeInvalidRequestError) return `pm:${paymentMethodId}`;
      throw error;
    }
  }

  async function velocity(subject: string, orderId: string): Promise<number> {
    const bucket = Math.floor(deps.now().getTime() / windowMs);
    const key = `velocity:{${subject}}:${bucket}`;
    const previous = `velocity:{${subject}}:${bucket - 1}`;
    const [, , count, before] = (await deps.redis
      .multi()
      .sadd(key, orderId)
      .pexpire(key, 2 * windowMs)
      .scard(key)
      .scard(previous)
      .exec()) as Array<[Error | null, number]>;
    // Sliding approximation: this hour plus the previous one, weighted by how much of it is still in range.
    const elapsed = (deps.now().getTime() % windowMs) / windowMs;
    return (count?.[1] ?? 0) + Math.round((before?.[1] ?? 0) * (1 - elapsed));
  }

  return {
    async fraudSignals(input: FraudSignalsInput): Promise<FraudSignals> {
      const user = await deps.collections.users.findOne({ _id: input.customerId });
      const ageMs = user ? deps.now().getTime() - user.createdAt.getTime() : 0;
      return {
        orderTotalMinor: input.orderTotalMinor,
        currency: input.currency,
        ordersByBuyerLastHour: await velocity(`buyer:${input.customerId}`, input.orderId),
        ordersByCardLastHour: input.paymentMethodId
          ? await velocity(`card:${await cardOf(input.paymentMethodId)}`, input.orderId)
          : 0,
        shippingCountry: input.shippingCountry,
        ...(input.billingCountry ? { billingCountry: input.billingCountry } : {}),
        accountAgeHours: ageMs / 3600_000,
      };
    },

    async buyerContact(input: { customerId: string }): Promise<{ email?: string; name?: string }> {
      const user = await deps.collections.users.findOne({ _id: input.customerId });
      return user ? { email: user.email, name: user.name } : {};
    },
  };
}
