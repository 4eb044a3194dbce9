import type { ProductCache } from '../catalog/product-cache';
import { readProduct } from '../catalog/products';
import type { Collections } from '../integrations/collections';
import type { ProductDoc } from '../catalog/documents';
import type { StockCounters } from '../integrations/stock-counters';

export interface ShelfItem {
  productId: string;
  sellerId: string;
  title: string;
  description: string;
  category: string;
  brand?: string;
  attributes: Record<string, string>;
  mediaUrls: string[];
  price: ProductDoc['price'];
  skus: Array<{
    sku: string;
    attributes: Record<string, string>;
    price?: ProductDoc['price'];
    available: number;
  }>;
  inStock: boolean;
  rating: number;
  ratingCount: number;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface ShelfDeps {
  collections: Collections;
  cache: ProductCache;
  counters: StockCounters;
}

function buyable(product: ProductDoc): boolean {
  return product.status === 'active' && !product.sellerPaused;
}

/**
 * What a buyer is shown for a list of product ids (a search page, recommendations, recently viewed): each
 * product as it is now (the versioned cache in front of the database) and its stock from the live Redis
 * counters at this moment, never the index's copy. Products no longer on sale are left out, in order.
 */
export async function liveShelf(deps: ShelfDeps, productIds: string[]): Promise<ShelfItem[]> {
  const products = (
    await Promise.all(productIds.map((id) => readProduct(deps.collections, deps.cache, id)))
  ).filter((p): p is ProductDoc => p !== null && buyable(p));
  const stock = await deps.counters.totalAvailable(products.flatMap((p) => p.skus.map((s) => s.sku)));
  return products.map((product) => {
    const skus = product.skus.map((s) => ({ ...s, available: Math.max(0, stock.get(s.sku) ?? 0) }));
    return {
      productId: product._id,
      sellerId: product.sellerId,
      title: product.title,
      description: product.description,
      category: product.category,
      ...(product.brand ? { brand: product.brand } : {}),
      attributes: product.attributes,
      mediaUrls: product.mediaUrls,
      price: product.price,
      skus,
      inStock: skus.some((s) => s.available > 0),
      rating: product.ratingAverage ?? 0,
      ratingCount: product.ratingCount ?? 0,
      version: product.version,
      createdAt: product.createdAt.toISOString(),
      updatedAt: product.updatedAt.toISOString(),
    };
  });
}
