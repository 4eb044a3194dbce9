import { eventually } from './services';
import { call, type JsonResponse } from './http';

/**
 * `GET /products?...` scoped to one test's category (so other runs' products never change its answers),
 * and a wait for the index to answer with exactly a set of product ids.
 */
export function categorySearch<Page extends { items?: Array<{ productId: string }> }>(
  baseUrl: () => string,
  category: string,
  { timeoutMs = 20_000 } = {},
) {
  const search = (params: Record<string, string>): Promise<JsonResponse<Page>> =>
    call<Page>(baseUrl(), 'GET', `/products?${new URLSearchParams({ category, ...params }).toString()}`);

  const searchable = (params: Record<string, string>, ids: string[]): Promise<Page> =>
    eventually(
      async () => {
        const res = await search(params);
        const found = (res.body.items ?? []).map((i) => i.productId).sort();
        return JSON.stringify(found) === JSON.stringify([...ids].sort()) ? res.body : undefined;
      },
      { what: `search ${JSON.stringify(params)} to return ${ids.length} products`, timeoutMs },
    );

  return { search, searchable };
}
