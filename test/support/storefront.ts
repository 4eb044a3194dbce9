import {
  type MarketplaceClient,
  type components,
  createMarketplaceClient,
} from '../../client/storefront-client';
import type { Account } from './accounts';

// Tests that act as a storefront use the same typed client a storefront would (client/storefront-client.ts,
// generated from /openapi.json), so a test that compiles is a call the published contract allows.

export type PlaceOrder = components['schemas']['PlaceOrder'];

export function storefront(baseUrl: string, account?: Account): MarketplaceClient {
  return createMarketplaceClient(baseUrl, account ? { token: account.token } : {});
}

export interface Answer<T> {
  status: number;
  headers: Headers;
  body: T;
}

/** The order accepted (202), or a problem's `type` and `title` (orderId then absent). */
export type CheckoutAnswer = Omit<components['schemas']['OrderAccepted'], 'status'> & {
  status: string;
  type?: string;
  title?: string;
};

/** Checks out (the cart, or the given lines) with an Idempotency-Key: the storefront's checkout call. */
export async function checkout(
  client: MarketplaceClient,
  key: string,
  body: PlaceOrder,
): Promise<Answer<CheckoutAnswer>> {
  const { data, error, response } = await client.POST('/orders', {
    params: { header: { 'idempotency-key': key } },
    body,
  });
  return { status: response.status, headers: response.headers, body: { ...data, ...error } as never };
}

/** The cart priced now, with shipping and tax when a destination is given. */
export async function cartFor(
  client: MarketplaceClient,
  destination: { country?: string; region?: string } = {},
): Promise<Answer<components['schemas']['Cart']>> {
  const { data, error, response } = await client.GET('/cart', { params: { query: destination } });
  return { status: response.status, headers: response.headers, body: (data ?? error) as never };
}

/** The order as its buyer (or ops) reads it. */
export async function orderOf(
  client: MarketplaceClient,
  id: string,
): Promise<components['schemas']['Order']> {
  const { data, error } = await client.GET('/orders/{id}', { params: { path: { id } } });
  if (!data) throw new Error(`GET /orders/${id}: ${JSON.stringify(error)}`);
  return data;
}
