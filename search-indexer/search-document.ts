import type { ProductDoc } from '../catalog/documents';

/** What the index holds per product; availability is a hint for filtering, re-checked at answer time. */
export interface ProductSearchDoc {
  productId: string;
  sellerId: string;
  title: string;
  description: string;
  brand?: string;
  category: string;
  status: ProductDoc['status'];
  /** Buyers see only these: active and the seller may sell. Hidden products stay indexed, so versions hold. */
  visible: boolean;
  skus: string[];
  attributes: Array<{ name: string; value: string }>;
  attributesText: string[];
  price: number;
  currency: string;
  inStock: boolean;
  rating: number;
  ratingCount: number;
  salesCount: number;
  createdAt: string;
  updatedAt: string;
}

/** Product-level and variant-level attributes, deduplicated, as name/value pairs for nested facets. */
function attributePairs(product: ProductDoc): Array<{ name: string; value: string }> {
  const seen = new Set<string>();
  const pairs: Array<{ name: string; value: string }> = [];
  const all = [product.attributes, ...product.skus.map((s) => s.attributes)];
  for (const attributes of all) {
    for (const [name, value] of Object.entries(attributes ?? {})) {
      const key = `${name}\u0000${value}`;
      if (seen.has(key)) continue;
      seen.add(key);
      pairs.push({ name, value });
    }
  }
  return pairs;
}

export function searchDocument(product: ProductDoc, inStock: boolean): ProductSearchDoc {
  const attributes = attributePairs(product);
  return {
    productId: product._id,
    sellerId: product.sellerId,
    title: product.title,
    description: product.description,
    ...(product.brand ? { brand: product.brand } : {}),
    category: product.category,
    status: product.status,
    visible: product.status === 'active' && !product.sellerPaused,
    skus: product.skus.map((s) => s.sku),
    attributes,
    attributesText: attributes.map((a) => a.value),
    price: product.price.amount,
    currency: product.price.currency,
    inStock,
    rating: product.ratingAverage ?? 0,
    ratingCount: product.ratingCount ?? 0,
    salesCount: product.salesCount ?? 0,
    createdAt: product.createdAt.toISOString(),
    updatedAt: product.updatedAt.toISOString(),
  };
}
