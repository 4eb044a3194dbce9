import type { Indices_Create_RequestBody } from '@opensearch-project/opensearch/api/index.js';
import type { SearchClient } from '../integrations/opensearch';

// Searches go through an alias, so a full rebuild fills a new index and swaps the alias without downtime.
export function productAlias(prefix: string): string {
  return `${prefix}-products`;
}

export const productIndexBody: Indices_Create_RequestBody = {
  settings: {
    number_of_shards: 1,
    number_of_replicas: 0,
    analysis: {
      filter: {
        autocomplete_edge: { type: 'edge_ngram', min_gram: 2, max_gram: 15 },
        english_stemmer: { type: 'stemmer', language: 'english' },
      },
      analyzer: {
        product_text: {
          type: 'custom',
          tokenizer: 'standard',
          filter: ['lowercase', 'asciifolding', 'english_stemmer'],
        },
        autocomplete_index: {
          type: 'custom',
          tokenizer: 'standard',
          filter: ['lowercase', 'asciifolding', 'autocomplete_edge'],
        },
        autocomplete_search: { type: 'custom', tokenizer: 'standard', filter: ['lowercase', 'asciifolding'] },
      },
    },
  },
  mappings: {
    dynamic: 'false',
    properties: {
      productId: { type: 'keyword' },
      sellerId: { type: 'keyword' },
      title: {
        type: 'text',
        analyzer: 'product_text',
        fields: {
          suggest: { type: 'text', analyzer: 'autocomplete_index', search_analyzer: 'autocomplete_search' },
          raw: { type: 'keyword' },
        },
      },
      description: { type: 'text', analyzer: 'product_text' },
      brand: { type: 'keyword', fields: { text: { type: 'text', analyzer: 'product_text' } } },
      category: { type: 'keyword' },
      status: { type: 'keyword' },
      skus: { type: 'keyword' },
      price: { type: 'long' },
      currency: { type: 'keyword' },
      inStock: { type: 'boolean' },
      createdAt: { type: 'date' },
      updatedAt: { type: 'date' },
    },
  },
};

/** Creates the first concrete index behind the alias, unless the alias already exists. */
export async function ensureProductIndex(search: SearchClient, prefix: string): Promise<void> {
  const alias = productAlias(prefix);
  const exists = await search.indices.existsAlias({ name: alias });
  if (exists.body) return;
  const index = `${alias}-${Date.now()}`;
  try {
    await search.indices.create({ index, body: { ...productIndexBody, aliases: { [alias]: {} } } });
  } catch (error) {
    // Two indexers starting together: the loser's index is dropped, the winner's alias stands.
    const again = await search.indices.existsAlias({ name: alias });
    if (!again.body) throw error;
    await search.indices.delete({ index }, { ignore: [404] });
  }
}
