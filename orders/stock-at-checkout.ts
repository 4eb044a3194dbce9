import { isForSale } from '../cart/cart-offer';
import { mergeLines, type RequestedLine } from '../domain/order-lines';
import type { Collections } from '../integrations/collections';
import { findByIds } from '../integrations/find-by-ids';
import type { CheckoutsInFlight } from '../inventory/checkouts-in-flight';

// Sold out at the door: before an ordinary checkout becomes an order, its SKUs' available units are read
// from the same Redis counters the reservation takes from, less the units of checkouts let through a moment
// ago whose orders have not reserved yet (inventory/checkouts-in-flight.ts). A line asking for more than
// that would fail its reservation, so it is refused before any order, workflow or ledger entry exists: in a
// race of 400 buyers for 37 units, 363 whole order workflows (price, record, fraud, reserve, compensate)
// become one Redis script each. The reservation stays the truth: a checkout that passes here can still lose
// the last unit inside its workflow (a checkout whose order never reserved stopped counting), as before.

/** What one SKU of the checkout lacks: the units asked for (all lines of the SKU together) and available. */
export interface ShortLine {
  sku: string;
  requested: number;
  available: number;
}

/** At least one SKU has fewer units available than the checkout asks for. */
export class SoldOutError extends Error {
  constructor(readonly short: ShortLine[]) {
    super(`Not enough stock for ${short.map((line) => line.sku).join(', ')}`);
  }
}

/** A SKU of the checkout does not exist or is not for sale (the order would fail on pricing it). */
export class SkuNotForSaleError extends Error {
  constructor(readonly skus: string[]) {
    super(`Not for sale: ${skus.join(', ')}`);
  }
}

/**
 * Lets the checkout through for order `orderId`, or refuses it. One script per SKU, all sent at once (one
 * round trip on a single Redis, where the client pipelines them; on a Cluster each script touches only its
 * SKU's slot). Only a short line whose SKU Redis has no counters for is looked up in the catalog, so an
 * unknown or unlisted SKU, which Redis also counts as zero, is named for what it is rather than "sold out". Answers how to take the checkout
 * back if it does not become an order after all.
 */
export async function refuseWhatIsSoldOut(
  deps: { inFlight: CheckoutsInFlight; collections: Collections },
  orderId: string,
  lines: RequestedLine[],
): Promise<{ withdraw: () => Promise<void> }> {
  const wanted = mergeLines(lines);
  const outcomes = await Promise.all(
    wanted.map(async ({ sku, quantity }) => ({
      sku,
      requested: quantity,
      outcome: await deps.inFlight.admit(sku, orderId, quantity),
    })),
  );
  const admitted = outcomes.filter(({ outcome }) => outcome.kind === 'admitted');
  const withdraw = async () => {
    await Promise.all(admitted.map(({ sku }) => deps.inFlight.withdraw(sku, orderId)));
  };
  const short = outcomes.flatMap(({ sku, requested, outcome }) =>
    outcome.kind === 'short' ? [{ sku, requested, available: outcome.available, outcome }] : [],
  );
  if (short.length === 0) return { withdraw };
  await withdraw();
  // A sold-out SKU keeps its counters (at zero): only a SKU Redis has none for is looked up in the
  // catalog, so the refusals of a busy race cost no database read.
  const notForSale = await skusNotForSale(
    deps.collections,
    short.filter(({ outcome }) => !outcome.stocked).map((line) => line.sku),
  );
  if (notForSale.length > 0) throw new SkuNotForSaleError(notForSale);
  throw new SoldOutError(short.map(({ sku, requested, available }) => ({ sku, requested, available })));
}

/** The same rule the cart applies when a SKU is added: an active product of a seller allowed to sell. */
async function skusNotForSale(collections: Collections, skus: string[]): Promise<string[]> {
  if (skus.length === 0) return [];
  const owners = await findByIds(collections.skus, skus);
  const products = await findByIds(collections.products, [...new Set(owners.map((o) => o.productId))]);
  const offered = new Set(
    products
      .filter((product) => isForSale(product))
      .flatMap((product) => product.skus.map((variant) => variant.sku)),
  );
  const ownerOf = new Map(owners.map((owner) => [owner._id, owner.productId]));
  return skus.filter((sku) => !ownerOf.has(sku) || !offered.has(sku));
}
