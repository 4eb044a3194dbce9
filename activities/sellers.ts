import { ApplicationFailure } from '@temporalio/activity';
import Stripe from 'stripe';
import { ProductCache } from '../catalog/product-cache';
import { pauseSellerProducts } from '../catalog/products';
import type { Collections } from '../integrations/collections';
import type { SellerRecord } from '../sellers/documents';
import type { RedisClient } from '../integrations/redis';
import { publishCatalogChanges } from '../search/stock-change-feed';

export interface CreateConnectedAccountInput {
  sellerId: string;
  email: string;
  country: string;
  businessName: string;
  /** Minted by the onboarding workflow from the seller id: a retry never opens a second account. */
  idempotencyKey: string;
}

export interface CreateOnboardingLinkInput {
  accountId: string;
  refreshUrl: string;
  returnUrl: string;
  idempotencyKey: string;
}

function asBusinessFailure(error: unknown): unknown {
  if (error instanceof Stripe.errors.StripeInvalidRequestError) {
    return ApplicationFailure.nonRetryable(error.message, 'StripeRequestRejected', {
      param: error.param ?? null,
    });
  }
  return error;
}

export function createSellerActivities(deps: {
  collections: Collections;
  redis: RedisClient;
  stripe: Stripe;
  now: () => Date;
}) {
  const { collections, stripe, now } = deps;
  const cache = new ProductCache(deps.redis);

  return {
    /** Opens the seller's Stripe Connect Express account; metadata.sellerId lets webhooks find the seller. */
    async createConnectedAccount(input: CreateConnectedAccountInput): Promise<{ accountId: string }> {
      try {
        const account = await stripe.accounts.create(
          {
            type: 'express',
            country: input.country,
            email: input.email,
            business_profile: { name: input.businessName },
            capabilities: { card_payments: { requested: true }, transfers: { requested: true } },
            metadata: { sellerId: input.sellerId },
          },
          { idempotencyKey: input.idempotencyKey },
        );
        return { accountId: account.id };
      } catch (error) {
        throw asBusinessFailure(error);
      }
    },

    /** A fresh hosted onboarding link; Stripe's links expire within minutes, so each reminder gets one. */
    async createOnboardingLink(
      input: CreateOnboardingLinkInput,
    ): Promise<{ url: string; expiresAt: number }> {
      try {
        const link = await stripe.accountLinks.create(
          {
            account: input.accountId,
            refresh_url: input.refreshUrl,
            return_url: input.returnUrl,
            type: 'account_onboarding',
          },
          { idempotencyKey: input.idempotencyKey },
        );
        return { url: link.url, expiresAt: link.expires_at };
      } catch (error) {
        throw asBusinessFailure(error);
      }
    },

    /** Writes the whole standing: replaying an older write is harmless because the workflow writes in order. */
    async saveSeller(record: SellerRecord): Promise<void> {
      const { _id, ...rest } = record;
      const at = now();
      // Absent fields are removed rather than stored as null, so the document matches the record exactly.
      const fields = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined));
      const unset: Record<string, ''> = {};
      for (const name of ['closedReason', 'decisionReason'] as const) {
        if (rest[name] === undefined) unset[name] = '';
      }
      await collections.sellers.updateOne(
        { _id },
        {
          $set: { ...fields, updatedAt: at },
          $setOnInsert: { createdAt: at },
          ...(Object.keys(unset).length > 0 ? { $unset: unset } : {}),
        },
        { upsert: true },
      );
    },

    /** Hides (or shows again) every product of the seller; versions are bumped so the search index follows. */
    async setSellerProductsHidden(input: {
      sellerId: string;
      hidden: boolean;
    }): Promise<{ changed: number }> {
      const changed = await pauseSellerProducts(collections, cache, input.sellerId, input.hidden, now());
      // Tell the search indexer at once rather than waiting for its safety-net scan.
      await publishCatalogChanges(deps.redis, changed);
      return { changed: changed.length };
    },
  };
}
