import type { SearchClient } from '../integrations/opensearch';
import { productAlias } from './product-index';
import { liveShelf, type ShelfDeps, type ShelfItem } from './live-availability';
import {
  parseFacets,
  productSearchBody,
  type ProductFacets,
  type ProductSearchParams,
} from './product-query';
import { SearchUnavailableError } from './search-unavailable';

export interface ProductSearchDeps extends ShelfDeps {
  search: SearchClient;
  prefix: string;
}

export interface ProductSearchResult {
  items: ShelfItem[];
  total: number;
  nextOffset: number | null;
  facets: ProductFacets;
}

/** The index finds and ranks; the database and the stock counters decide what is shown as buyable. */
export async function searchProducts(
  deps: ProductSearchDeps,
  params: ProductSearchParams,
): Promise<ProductSearchResult> {
  let body: { hits: { total: { value: number }; hits: Array<{ _id: string }> }; aggregations?: unknown };
  try {
    const response = await deps.search.search({
      index: productAlias(deps.prefix),
      body: productSearchBody(params),
    });
    body = response.body as unknown as typeof body;
  } catch (error) {
    throw new SearchUnavailableError(error);
  }
  const ids = body.hits.hits.map((hit) => hit._id);
  const items = await liveShelf(deps, ids);
  const total = body.hits.total.value;
  const seen = params.offset + ids.length;
  return {
    items,
    total,
    nextOffset: seen < total ? seen : null,
    facets: parseFacets(body.aggregations as Record<string, unknown> | undefined),
  };
}
