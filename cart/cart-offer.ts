import { readProduct } from '../catalog/products';
import type { ProductCache } from '../catalog/product-cache';
import type { Money } from '../domain/money';
import type { Collections } from '../integrations/collections';
import type { ProductDoc } from '../catalog/documents';

/** What a buyer can put in a cart for one SKU right now: its product, seller, title and current price. */
export interface Offer {
  sku: string;
  productId: string;
  sellerId: string;
  title: string;
  price: Money;
}

/** Only active products of sellers allowed to sell are offered, the same rule as the public catalog. */
export function isForSale(product: ProductDoc | null | undefined): product is ProductDoc {
  return product?.status === 'active' && !product.sellerPaused;
}

export function priceOf(product: ProductDoc, sku: string): Money {
  return product.skus.find((variant) => variant.sku === sku)?.price ?? product.price;
}

export async function offerFor(
  collections: Collections,
  cache: ProductCache,
  sku: string,
): Promise<Offer | undefined> {
  const owner = await collections.skus.findOne({ _id: sku });
  if (!owner) return undefined;
  const product = await readProduct(collections, cache, owner.productId);
  if (!isForSale(product) || !product.skus.some((variant) => variant.sku === sku)) return undefined;
  return {
    sku,
    productId: product._id,
    sellerId: product.sellerId,
    title: product.title,
    price: priceOf(product, sku),
  };
}
