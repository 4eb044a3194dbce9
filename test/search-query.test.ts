import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { boughtTogether } from '../search/bought-together';
import { parseFacets, productFilters, productSearchBody } from '../search/product-query';

const base = { attributes: {}, sort: 'relevance' as const, limit: 20, offset: 0 };

describe('bought together', () => {
  test('ranks co-purchased products by orders, once per order, never the product itself', () => {
    const lists = boughtTogether([
      { productIds: ['a', 'b', 'b'] },
      { productIds: ['a', 'b', 'c'] },
      { productIds: ['a', 'c'] },
      { productIds: ['a', 'd'] },
      { productIds: ['e'] },
    ]);
    assert.deepEqual(lists.get('a'), [
      { productId: 'b', orders: 2 },
      { productId: 'c', orders: 2 },
      { productId: 'd', orders: 1 },
    ]);
    assert.deepEqual(lists.get('d'), [{ productId: 'a', orders: 1 }]);
    assert.equal(lists.has('e'), false);
  });

  test('keeps only the top entries per product', () => {
    const lists = boughtTogether([{ productIds: ['a', 'b', 'c', 'd'] }], 2);
    assert.equal(lists.get('a')?.length, 2);
  });
});

describe('product search request', () => {
  test('always hides products buyers may not see, and adds each filter given', () => {
    assert.deepEqual(productFilters(base), [{ term: { visible: true } }]);
    const filters = productFilters({ ...base, brand: 'Acme', minPrice: 100, attributes: { colour: 'red' } });
    assert.equal(filters.length, 4);
    assert.deepEqual(filters[2], { range: { price: { gte: 100 } } });
  });

  test('sorts by price with a stable tie-break, and pages', () => {
    const body = productSearchBody({ ...base, sort: 'price_asc', offset: 40, limit: 10 });
    assert.deepEqual(body.sort, [{ price: 'asc' }, { productId: 'asc' }]);
    assert.equal(body.from, 40);
    assert.equal(body.size, 10);
  });

  test('reads attribute facets per product (reverse nested counts)', () => {
    const facets = parseFacets({
      brand: { buckets: [{ key: 'Acme', doc_count: 2 }] },
      attributes: {
        names: {
          buckets: [
            {
              key: 'colour',
              doc_count: 5,
              values: { buckets: [{ key: 'red', doc_count: 4, products: { doc_count: 3 } }] },
            },
          ],
        },
      },
    });
    assert.deepEqual(facets.brand, [{ value: 'Acme', count: 2 }]);
    assert.deepEqual(facets.attributes, { colour: [{ value: 'red', count: 3 }] });
    assert.deepEqual(facets.category, []);
  });
});
