import type { ProductDoc } from '../catalog/documents';
import type { Collections } from '../integrations/collections';
import type { StockCounters } from '../integrations/stock-counters';
import { ledgerBalances } from './stock-ledger';

/** A product's stock per SKU and warehouse, from Redis (what is sold from) and the ledger (the truth). */
export interface ProductStock {
  productId: string;
  skus: Array<{ sku: string; warehouses: Record<string, number>; ledger: Record<string, number> }>;
}

export interface StockReadDeps {
  collections: Collections;
  counters: StockCounters;
}

/** The product, if this viewer may manage it (its seller, or ops); `undefined` otherwise, so ids cannot be probed. */
export async function managedProduct(
  deps: StockReadDeps,
  productId: string,
  mayManage: (product: ProductDoc) => boolean,
): Promise<ProductDoc | undefined> {
  const product = await deps.collections.products.findOne({ _id: productId });
  return product && mayManage(product) ? product : undefined;
}

/** Every SKU of the product, so a storefront never has to merge one SKU's answer into what it holds. */
export async function stockOfProduct(deps: StockReadDeps, product: ProductDoc): Promise<ProductStock> {
  const skus = product.skus.map((s) => s.sku);
  const ledger = await ledgerBalances(deps.collections, skus);
  return {
    productId: product._id,
    skus: await Promise.all(
      skus.map(async (sku) => ({
        sku,
        warehouses: await deps.counters.available(sku),
        ledger: ledger.get(sku) ?? {},
      })),
    ),
  };
}

/** GET /products/{id}/stock: `undefined` when there is no such product this viewer may manage. */
export async function productStock(
  deps: StockReadDeps,
  productId: string,
  mayManage: (product: ProductDoc) => boolean,
): Promise<ProductStock | undefined> {
  const product = await managedProduct(deps, productId, mayManage);
  return product ? stockOfProduct(deps, product) : undefined;
}
