import Stripe from 'stripe';
import type { Env } from '../config/env';

// stripe-mock locally, Stripe's test or live mode in production: the same official client either way.
export function createStripe(env: Env): Stripe {
  const base = new URL(env.STRIPE_API_BASE);
  const protocol = base.protocol === 'http:' ? 'http' : 'https';
  return new Stripe(env.STRIPE_SECRET_KEY, {
    host: base.hostname,
    port: Number(base.port || (protocol === 'http' ? 80 : 443)),
    protocol,
    maxNetworkRetries: 2,
    timeout: 10_000,
    appInfo: { name: 'temporal-marketplace' },
  });
}
