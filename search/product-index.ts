import type { Indices_Create_RequestBody } from '@opensearch-project/opensearch/api/index.js';
import type { SearchClient } from '../integrations/opensearch';

// Searches go through an alias, so a full rebuild fills a new index and swaps the alias without downtime.
export function productAlias(prefix: string): string {
  return `${prefix}-products`;
}

export const productMappingVersion = 2;

export const productIndexBody: Indices_Create_RequestBody = {
  settings: {
    number_of_shards: 1,
    number_of_replicas: 0,
    // A write should be searchable well under a second; the default 1 s refresh alone would use it all.
    refresh_interval: '250ms',
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
    // An indexer finding an older mapping version behind the alias rebuilds into a new index and swaps.
    _meta: { mappingVersion: productMappingVersion },
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
      brand: {
        type: 'keyword',
        fields: {
          text: { type: 'text', analyzer: 'product_text' },
          suggest: { type: 'text', analyzer: 'autocomplete_index', search_analyzer: 'autocomplete_search' },
        },
      },
      category: { type: 'keyword' },
      status: { type: 'keyword' },
      visible: { type: 'boolean' },
      skus: { type: 'keyword' },
      // Nested, so a facet counts "colour=red" per product and a filter matches name and value together.
      attributes: { type: 'nested', properties: { name: { type: 'keyword' }, value: { type: 'keyword' } } },
      attributesText: { type: 'text', analyzer: 'product_text' },
      price: { type: 'long' },
      currency: { type: 'keyword' },
      inStock: { type: 'boolean' },
      rating: { type: 'float' },
      ratingCount: { type: 'integer' },
      salesCount: { type: 'long' },
      createdAt: { type: 'date' },
      updatedAt: { type: 'date' },
    },
  },
};

/** The index body with `replicas` copies of each shard (OPENSEARCH_INDEX_REPLICAS). */
export function productIndexBodyWith(replicas: number): Indices_Create_RequestBody {
  return { ...productIndexBody, settings: { ...productIndexBody.settings, number_of_replicas: replicas } };
}

/** Creates the first concrete index behind the alias, unless the alias already exists. */
export async function ensureProductIndex(search: SearchClient, prefix: string, replicas = 0): Promise<void> {
  const alias = productAlias(prefix);
  const exists = await search.indices.existsAlias({ name: alias });
  if (exists.body) return;
  const index = `${alias}-${Date.now()}`;
  try {
    await search.indices.create({
      index,
      body: { ...productIndexBodyWith(replicas), aliases: { [alias]: {} } },
    });
  } catch (error) {
    // Two indexers starting together: the loser's index is dropped, the winner's alias stands.
    const again = await search.indices.existsAlias({ name: alias });
    if (!again.body) throw error;
    await search.indices.delete({ index }, { ignore: [404] });
  }
}

/** The concrete indices the alias points at now (one, except for a moment during a swap). */
export async function aliasedIndices(search: SearchClient, prefix: string): Promise<string[]> {
  const response = await search.indices.getAlias({ name: productAlias(prefix) }, { ignore: [404] });
  if (response.statusCode === 404) return [];
  return Object.keys(response.body);
}

/** Whether the index behind the alias was built with the current mapping. */
export async function aliasHasCurrentMapping(search: SearchClient, prefix: string): Promise<boolean> {
  const [index] = await aliasedIndices(search, prefix);
  if (!index) return false;
  const response = await search.indices.getMapping({ index });
  const mapping = (response.body as Record<string, { mappings?: { _meta?: { mappingVersion?: number } } }>)[
    index
  ];
  return mapping?.mappings?._meta?.mappingVersion === productMappingVersion;
}

/** Every index of this prefix, aliased or not, for test clean-up and after a swap. */
export async function deleteProductIndices(search: SearchClient, prefix: string): Promise<void> {
  await search.indices.delete({ index: `${productAlias(prefix)}-*` }, { ignore: [404] });
}
