import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './marketplace-api';

export type { components, paths } from './marketplace-api';

export type MarketplaceClient = Client<paths>;

/**
 * A typed client for storefronts: every path, parameter, body and answer is typed from the API's
 * OpenAPI document (client/marketplace-api.ts), so a call that does not fit the contract does not compile.
 */
export function createMarketplaceClient(
  baseUrl: string,
  { token, headers = {} }: { token?: string; headers?: Record<string, string> } = {},
): MarketplaceClient {
  return createClient<paths>({
    baseUrl,
    headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
}
