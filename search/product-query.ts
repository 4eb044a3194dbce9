// Turns a storefront's search request into one OpenSearch request: full-text with stemming and typo
// tolerance, filters, facet aggregations and a sort. Pure, so every rule here is unit-testable.

export type ProductSort = 'relevance' | 'price_asc' | 'price_desc' | 'newest' | 'rating';

export interface ProductSearchParams {
  q?: string;
  category?: string;
  brand?: string;
  sellerId?: string;
  minPrice?: number;
  maxPrice?: number;
  minRating?: number;
  inStock?: boolean;
  attributes: Record<string, string>;
  sort: ProductSort;
  limit: number;
  offset: number;
}

/** Price facet buckets in minor units (under 10, 10-25, 25-50, 50-100, 100 and over). */
export const priceBuckets: Array<{ key: string; from?: number; to?: number }> = [
  { key: 'under-1000', to: 1000 },
  { key: '1000-2500', from: 1000, to: 2500 },
  { key: '2500-5000', from: 2500, to: 5000 },
  { key: '5000-10000', from: 5000, to: 10000 },
  { key: '10000-and-over', from: 10000 },
];

export const ratingBuckets: Array<{ key: string; from: number }> = [
  { key: '4-and-up', from: 4 },
  { key: '3-and-up', from: 3 },
  { key: '2-and-up', from: 2 },
  { key: '1-and-up', from: 1 },
];

type Clause = Record<string, unknown>;

export function productFilters(params: ProductSearchParams): Clause[] {
  const filters: Clause[] = [{ term: { visible: true } }];
  if (params.category) filters.push({ term: { category: params.category } });
  if (params.brand) filters.push({ term: { brand: params.brand } });
  if (params.sellerId) filters.push({ term: { sellerId: params.sellerId } });
  if (params.minPrice !== undefined || params.maxPrice !== undefined) {
    filters.push({
      range: {
        price: {
          ...(params.minPrice !== undefined ? { gte: params.minPrice } : {}),
          ...(params.maxPrice !== undefined ? { lte: params.maxPrice } : {}),
        },
      },
    });
  }
  if (params.minRating !== undefined) filters.push({ range: { rating: { gte: params.minRating } } });
  if (params.inStock !== undefined) filters.push({ term: { inStock: params.inStock } });
  for (const [name, value] of Object.entries(params.attributes)) {
    filters.push({
      nested: {
        path: 'attributes',
        query: {
          bool: { filter: [{ term: { 'attributes.name': name } }, { term: { 'attributes.value': value } }] },
        },
      },
    });
  }
  return filters;
}

function textQuery(q: string): Clause {
  return {
    bool: {
      should: [
        // Exact (stemmed) words score highest; the fuzzy twin forgives one or two typos per word.
        {
          multi_match: {
            query: q,
            fields: ['title^4', 'brand.text^3', 'attributesText^2', 'description'],
            type: 'best_fields',
            operator: 'and',
            boost: 2,
          },
        },
        {
          multi_match: {
            query: q,
            fields: ['title^4', 'brand.text^3', 'attributesText^2', 'description'],
            type: 'best_fields',
            operator: 'and',
            fuzziness: 'AUTO',
            prefix_length: 1,
          },
        },
      ],
      minimum_should_match: 1,
    },
  };
}

/** Relevance is text match multiplied by how well the product sells and is rated (both start at 0). */
function relevance(query: Clause): Clause {
  return {
    function_score: {
      query,
      functions: [
        { field_value_factor: { field: 'salesCount', modifier: 'log2p', missing: 0 } },
        { field_value_factor: { field: 'rating', modifier: 'ln2p', missing: 0 } },
      ],
      score_mode: 'multiply',
      boost_mode: 'multiply',
    },
  };
}

function sortClause(sort: ProductSort, hasText: boolean): Clause[] {
  switch (sort) {
    case 'price_asc':
      return [{ price: 'asc' }, { productId: 'asc' }];
    case 'price_desc':
      return [{ price: 'desc' }, { productId: 'asc' }];
    case 'newest':
      return [{ createdAt: 'desc' }, { productId: 'asc' }];
    case 'rating':
      return [{ rating: 'desc' }, { ratingCount: 'desc' }, { productId: 'asc' }];
    case 'relevance':
      // Without text every score is equal; best sellers first, then the newest, keeps pages stable.
      return hasText
        ? [{ _score: 'desc' }, { productId: 'asc' }]
        : [{ _score: 'desc' }, { createdAt: 'desc' }, { productId: 'asc' }];
  }
}

const facetAggregations = {
  category: { terms: { field: 'category', size: 50 } },
  brand: { terms: { field: 'brand', size: 50 } },
  seller: { terms: { field: 'sellerId', size: 50 } },
  price: {
    range: {
      field: 'price',
      keyed: false,
      ranges: priceBuckets.map((b) => ({
        key: b.key,
        ...(b.from !== undefined ? { from: b.from } : {}),
        ...(b.to !== undefined ? { to: b.to } : {}),
      })),
    },
  },
  rating: { range: { field: 'rating', ranges: ratingBuckets.map((b) => ({ key: b.key, from: b.from })) } },
  attributes: {
    nested: { path: 'attributes' },
    aggs: {
      names: {
        terms: { field: 'attributes.name', size: 30 },
        aggs: {
          values: {
            terms: { field: 'attributes.value', size: 30 },
            // Per product, not per attribute entry: a product is counted once per value.
            aggs: { products: { reverse_nested: {} } },
          },
        },
      },
    },
  },
};

export function productSearchBody(params: ProductSearchParams, withFacets = true): Clause {
  const q = params.q?.trim();
  const must = q ? [textQuery(q)] : [{ match_all: {} }];
  const query = relevance({ bool: { must, filter: productFilters(params) } });
  return {
    query,
    sort: sortClause(params.sort, Boolean(q)),
    from: params.offset,
    size: params.limit,
    track_total_hits: true,
    _source: ['productId'],
    ...(withFacets ? { aggs: facetAggregations } : {}),
  };
}

export interface FacetCount {
  value: string;
  count: number;
}

export interface ProductFacets {
  category: FacetCount[];
  brand: FacetCount[];
  seller: FacetCount[];
  price: FacetCount[];
  rating: FacetCount[];
  attributes: Record<string, FacetCount[]>;
}

interface Bucket {
  key: string | number;
  doc_count: number;
  values?: { buckets: Bucket[] };
  products?: { doc_count: number };
}

function counts(agg: unknown): FacetCount[] {
  const buckets = (agg as { buckets?: Bucket[] } | undefined)?.buckets ?? [];
  return buckets.map((b) => ({ value: String(b.key), count: b.products?.doc_count ?? b.doc_count }));
}

/** Reads OpenSearch's aggregation answer into the facet shape the storefront renders. */
export function parseFacets(aggregations: Record<string, unknown> | undefined): ProductFacets {
  const a = aggregations ?? {};
  const names = (a.attributes as { names?: { buckets?: Bucket[] } } | undefined)?.names?.buckets ?? [];
  return {
    category: counts(a.category),
    brand: counts(a.brand),
    seller: counts(a.seller),
    price: counts(a.price),
    rating: counts(a.rating),
    attributes: Object.fromEntries(names.map((n) => [String(n.key), counts(n.values)])),
  };
}
