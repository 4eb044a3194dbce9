import type { ProductDoc } from '../catalog/documents';
import type { RedisClient } from '../integrations/redis';
import { publishStockChanges } from '../search/stock-change-feed';
import { setAvailableStock } from './stock-levels';
import { managedProduct, stockOfProduct, type ProductStock, type StockReadDeps } from './stock-reads';

export class StockProductNotFoundError extends Error {
  override name = 'StockProductNotFoundError';
}

export class NotProductSkuError extends Error {
  override name = 'NotProductSkuError';
  constructor(readonly productId: string) {
    super(`not a SKU of product ${productId}`);
  }
}

export interface SellerStockEdit {
  productId: string;
  sku: string;
  warehouseId: string;
  available: number;
  /** Its seller, or ops. */
  mayManage: (product: ProductDoc) => boolean;
  /**
   * The key this edit is recorded under, asked for only once the edit is known to be valid, so a refused
   * edit never uses up the caller's key (the API claims its Idempotency-Key here).
   */
  adjustmentKey: () => Promise<string>;
}

/**
 * A seller (or ops) sets a SKU's available units in one warehouse. The move is the same one the worker's
 * activity makes (Redis, then the ledger), and it names the SKU on the stock-change feed, so search shows
 * the new availability at once rather than at the indexer's periodic reconcile. Answers the product's stock.
 */
export async function setSellerStock(
  deps: StockReadDeps & { redis: RedisClient; now?: () => Date },
  edit: SellerStockEdit,
): Promise<ProductStock> {
  const product = await managedProduct(deps, edit.productId, edit.mayManage);
  if (!product) throw new StockProductNotFoundError(`no product ${edit.productId}`);
  if (!product.skus.some((s) => s.sku === edit.sku)) throw new NotProductSkuError(edit.productId);
  const adjustmentKey = await edit.adjustmentKey();
  await setAvailableStock(
    {
      collections: deps.collections,
      counters: deps.counters,
      now: deps.now ?? (() => new Date()),
      onStockChanged: (skus) => publishStockChanges(deps.redis, skus),
    },
    { sku: edit.sku, warehouseId: edit.warehouseId, available: edit.available, adjustmentKey },
  );
  return stockOfProduct(deps, product);
}
