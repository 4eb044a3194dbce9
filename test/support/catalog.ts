import { createActivities } from '../../activities';
import { createProduct } from '../../catalog/products';
import type { ProductDoc } from '../../catalog/documents';
import type { Services } from '../../integrations/services';
import { uniqueId } from './services';

/** A fresh active product with one SKU and `stock` units, through the same code the API and seed use. */
export async function stockedProduct(
  services: Services,
  { stock = 10, price = 2500, sellerId = 'sel_test', title = 'Test kettle' } = {},
): Promise<{ product: ProductDoc; sku: string }> {
  const sku = uniqueId('SKU').toUpperCase();
  const product = await createProduct(services.collections, {
    _id: uniqueId('prd'),
    sellerId,
    title,
    description: 'A product made by a test',
    category: 'kitchen',
    brand: 'Testware',
    attributes: {},
    mediaUrls: [],
    price: { amount: price, currency: 'USD' },
    skus: [{ sku, attributes: {} }],
    status: 'active',
    sellerPaused: false,
  });
  if (stock > 0) {
    await createActivities(services).adjustStock({
      sku,
      warehouseId: 'wh-test',
      delta: stock,
      adjustmentKey: `initial-${sku}`,
    });
  }
  return { product, sku };
}
