// The product index's definition lives in search/product-index.ts (search reads it, the indexer writes it).
// This re-export stays only for test/reviews.test.ts and test/search-outage.test.ts, whose import blocks
// main rewrote meanwhile (editing the same lines here would conflict at the merge): point them at
// search/product-index and delete this file.
export * from '../search/product-index';
