/**
 * OpenSearch unreachable, timing out or failing. The API answers it with a 503 a storefront can handle (fall
 * back to browsing, retry later) instead of a 500. Bad input never gets this far: it was refused already.
 */
export class SearchUnavailableError extends Error {
  override name = 'SearchUnavailableError';
  constructor(cause: unknown) {
    const name = (cause as { name?: string } | undefined)?.name ?? '';
    super(
      ['ConnectionError', 'TimeoutError', 'NoLivingConnectionsError'].includes(name)
        ? 'The search service cannot be reached'
        : 'The search service failed to answer',
      { cause },
    );
  }
}
