import { Client } from '@opensearch-project/opensearch';
import type { Env } from '../config/env';

export type SearchClient = Client;

export function connectSearch(env: Env): SearchClient {
  return new Client({
    node: env.OPENSEARCH_URL.split(',').map((node) => node.trim()),
    ...(env.OPENSEARCH_USERNAME && env.OPENSEARCH_PASSWORD
      ? { auth: { username: env.OPENSEARCH_USERNAME, password: env.OPENSEARCH_PASSWORD } }
      : {}),
    requestTimeout: 10_000,
  });
}
