import { HttpProblem } from '../api/problem';

/**
 * OpenSearch unreachable, timing out or failing: the storefront gets a 503 it can handle (fall back to
 * browsing, retry later) instead of a 500. Bad input never gets this far: it was a 400 already.
 */
export function searchUnavailable(error: unknown): HttpProblem {
  const name = (error as { name?: string } | undefined)?.name ?? '';
  const detail = ['ConnectionError', 'TimeoutError', 'NoLivingConnectionsError'].includes(name)
    ? 'The search service cannot be reached'
    : 'The search service failed to answer';
  return new HttpProblem(503, 'search-unavailable', 'Search is unavailable; try again shortly', detail);
}
