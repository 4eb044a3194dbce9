import type { RequestHandler } from 'express';

/**
 * Personal and money answers (orders, payments, ledgers, payouts, sign-in tokens, carts) must never be kept
 * by a browser's or a proxy's cache, where the next user of the machine or the proxy could read them.
 */
export const noStore: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'no-store');
  next();
};
