import {
  ProductNotFoundError,
  SellerMayNotListError,
  StaleProductVersionError,
} from '../catalog/product-commands';
import { ProductBusyError } from '../catalog/product-write-lock';
import { SkuTakenError } from '../catalog/products';
import {
  FlashSaleBuyerLimitError,
  FlashSaleNotFoundError,
  FlashSaleSkuNotFoundError,
  FlashSaleSoldOutError,
  FlashSaleTicketNotFoundError,
} from '../inventory/flash-sale-line';
import { NotProductSkuError, StockProductNotFoundError } from '../inventory/seller-stock';
import { SearchUnavailableError } from '../search/search-unavailable';
import { HttpProblem } from './problem';

const productNotFound = () => new HttpProblem(404, 'product-not-found', 'No such product');

/**
 * The answers the catalog, its stock, flash sales and search give a storefront or seller portal, each as its stable
 * problem type; anything else passes through to the problem handler.
 */
export function catalogProblem(error: unknown): unknown {
  if (error instanceof ProductNotFoundError || error instanceof StockProductNotFoundError) {
    return productNotFound();
  }
  if (error instanceof SellerMayNotListError) {
    if (error.reason === 'not-onboarded') {
      return new HttpProblem(
        403,
        'seller-not-onboarded',
        'Start seller onboarding (POST /sellers) before listing',
      );
    }
    const title = 'Only an active, approved seller can publish';
    return new HttpProblem(403, 'seller-not-approved', error.editing ? title : `${title}; save as draft`);
  }
  if (error instanceof SkuTakenError) {
    return new HttpProblem(409, 'sku-taken', error.message, undefined, { skus: error.skus });
  }
  if (error instanceof StaleProductVersionError) {
    return new HttpProblem(
      412,
      'version-conflict',
      'The product changed since you read it; read it again',
      undefined,
      { currentVersion: error.currentVersion },
    );
  }
  if (error instanceof ProductBusyError) {
    return new HttpProblem(503, 'product-busy', 'The product is being changed right now; retry shortly');
  }
  if (error instanceof NotProductSkuError) {
    return new HttpProblem(422, 'validation', 'The request body is invalid', undefined, {
      errors: [{ field: 'sku', message: error.message }],
    });
  }
  return flashSaleProblem(error);
}

function flashSaleProblem(error: unknown): unknown {
  if (error instanceof FlashSaleNotFoundError) {
    return new HttpProblem(404, 'flash-sale-not-found', 'This SKU has no flash sale');
  }
  if (error instanceof FlashSaleSkuNotFoundError) return new HttpProblem(404, 'sku-not-found', 'No such SKU');
  if (error instanceof FlashSaleSoldOutError) {
    return new HttpProblem(409, 'flash-sale-sold-out', 'This flash sale is sold out');
  }
  if (error instanceof FlashSaleBuyerLimitError) {
    return new HttpProblem(422, 'flash-sale-buyer-limit', 'More units than one buyer may hold', undefined, {
      perBuyerLimit: error.perBuyerLimit,
    });
  }
  if (error instanceof FlashSaleTicketNotFoundError) {
    return new HttpProblem(404, 'flash-sale-ticket-not-found', 'No such flash-sale ticket');
  }
  if (error instanceof SearchUnavailableError) {
    return new HttpProblem(
      503,
      'search-unavailable',
      'Search is unavailable; try again shortly',
      error.message,
    );
  }
  return error;
}

/** For `.catch(rethrowAsProblem)` after a catalog, stock or search call. */
export function rethrowAsProblem(error: unknown): never {
  throw catalogProblem(error);
}
