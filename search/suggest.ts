import type { SearchClient } from '../integrations/opensearch';
import { productAlias } from './product-index';
import { SearchUnavailableError } from './search-unavailable';

export interface Suggestion {
  text: string;
  productId: string;
}

/**
 * Autocomplete over edge n-grams of titles and brands: each typed word must be a prefix of a word in the
 * title or brand. Only ids and titles travel, so it answers in a few milliseconds.
 */
export async function suggestProducts(
  search: SearchClient,
  prefix: string,
  q: string,
  limit: number,
): Promise<Suggestion[]> {
  try {
    const response = await search.search({
      index: productAlias(prefix),
      body: {
        size: limit * 2,
        _source: ['productId', 'title'],
        query: {
          function_score: {
            query: {
              bool: {
                must: [
                  {
                    multi_match: {
                      query: q,
                      fields: ['title.suggest^2', 'brand.suggest'],
                      type: 'cross_fields',
                      operator: 'and',
                    },
                  },
                ],
                filter: [{ term: { visible: true } }],
              },
            },
            functions: [{ field_value_factor: { field: 'salesCount', modifier: 'log2p', missing: 0 } }],
            boost_mode: 'multiply',
          },
        },
      } as never,
    });
    const hits =
      (response.body.hits.hits as Array<{ _source?: { productId?: string; title?: string } }>) ?? [];
    const seen = new Set<string>();
    const out: Suggestion[] = [];
    for (const hit of hits) {
      const title = hit._source?.title;
      const productId = hit._source?.productId;
      if (!title || !productId || seen.has(title.toLowerCase())) continue;
      seen.add(title.toLowerCase());
      out.push({ text: title, productId });
      if (out.length === limit) break;
    }
    return out;
  } catch (error) {
    throw new SearchUnavailableError(error);
  }
}
