import type { Money } from '../domain/money';
import type { RedisClient } from '../integrations/redis';
import { cartTtlMs } from './cart-ids';
import {
  addScript,
  clearPromoScript,
  mergeScript,
  removeScript,
  setPromoScript,
  setQuantityScript,
} from './cart-scripts';

// One Redis hash per cart, `cart:{<cartId>}`: per SKU a quantity field `q:<sku>` and a snapshot field
// `l:<sku>` (price when first added, product, seller, title), plus the cart's `currency` and applied `promo`.
// Every change is one script or one command on that hash, so two tabs changing the cart never lose an update,
// and every touch pushes the 30-day expiry forward. Keys a script touches share the {cartId} hash tag, so the
// scripts run unchanged on Redis Cluster. Redis runs with appendonly, so carts survive a restart.

export const maxLinesPerCart = 100;
export const maxQuantityPerLine = 1000;
const replayWindowMs = 24 * 3600 * 1000;
const mergeMarkerMs = 24 * 3600 * 1000;

export interface LineSnapshot {
  priceAtAdd: Money;
  productId: string;
  sellerId: string;
  title: string;
  addedAt: string;
}

export interface StoredLine extends LineSnapshot {
  sku: string;
  quantity: number;
}

export interface StoredCart {
  cartId: string;
  lines: StoredLine[];
  currency?: string;
  promoCode?: string;
  /** Milliseconds until the cart expires. */
  ttlMs: number;
}

export type AddOutcome =
  | { kind: 'added'; quantity: number }
  | { kind: 'replayed' }
  | { kind: 'missing' }
  | { kind: 'key-reused' }
  | { kind: 'mixed-currency'; cartCurrency: string }
  | { kind: 'quantity-limit'; quantity: number }
  | { kind: 'line-limit' };

export function cartKey(cartId: string): string {
  return `cart:{${cartId}}`;
}

export class CartStore {
  constructor(private readonly redis: RedisClient) {}

  private async run(script: string, keys: string[], args: (string | number)[]): Promise<unknown> {
    return this.redis.eval(script, keys.length, ...keys, ...args.map(String));
  }

  /**
   * Adds units of a SKU; a new line keeps this price snapshot, an existing one keeps its own. `mustExist`
   * refuses to create the cart (a guest id the server did not mint, or one that has expired); `replay`
   * makes a retried request with the same Idempotency-Key add nothing twice.
   */
  async add(
    cartId: string,
    line: { sku: string; quantity: number } & LineSnapshot,
    options: { mustExist: boolean; replay?: { key: string; fingerprint: string } },
  ): Promise<AddOutcome> {
    const { sku, quantity, ...snapshot } = line;
    const keys = [
      cartKey(cartId),
      ...(options.replay ? [`${cartKey(cartId)}:add:${options.replay.key}`] : []),
    ];
    const reply = (await this.run(addScript, keys, [
      sku,
      quantity,
      JSON.stringify(snapshot),
      snapshot.priceAtAdd.currency,
      maxLinesPerCart,
      maxQuantityPerLine,
      cartTtlMs,
      options.mustExist ? '1' : '0',
      options.replay?.fingerprint ?? '',
      replayWindowMs,
    ])) as string[];
    const [state, detail] = reply.map(String);
    switch (state) {
      case 'added':
        return { kind: 'added', quantity: Number(detail) };
      case 'replayed':
        return { kind: 'replayed' };
      case 'missing':
        return { kind: 'missing' };
      case 'key_reused':
        return { kind: 'key-reused' };
      case 'mixed_currency':
        return { kind: 'mixed-currency', cartCurrency: detail ?? '' };
      case 'quantity_limit':
        return { kind: 'quantity-limit', quantity: Number(detail) };
      case 'line_limit':
        return { kind: 'line-limit' };
      default:
        throw new Error(`cart add script answered ${String(state)}`);
    }
  }

  /** False when the cart has no such line. */
  async setQuantity(cartId: string, sku: string, quantity: number): Promise<boolean> {
    return (await this.run(setQuantityScript, [cartKey(cartId)], [sku, quantity, cartTtlMs])) === 1;
  }

  async remove(cartId: string, sku: string): Promise<boolean> {
    return Number(await this.run(removeScript, [cartKey(cartId)], [sku, cartTtlMs])) > 0;
  }

  /** False when the cart does not exist (expired, or never had a line). */
  async setPromo(cartId: string, code: string): Promise<boolean> {
    return (await this.run(setPromoScript, [cartKey(cartId)], [code, cartTtlMs])) === 1;
  }

  async clearPromo(cartId: string): Promise<boolean> {
    return Number(await this.run(clearPromoScript, [cartKey(cartId)], [cartTtlMs])) > 0;
  }

  /** Reads the cart; `touch` counts the read as activity and pushes the expiry forward. */
  async read(cartId: string, { touch }: { touch: boolean }): Promise<StoredCart | undefined> {
    const key = cartKey(cartId);
    if (touch) await this.redis.pexpire(key, cartTtlMs);
    const [fields, ttlMs] = await Promise.all([this.redis.hgetall(key), this.redis.pttl(key)]);
    if (Object.keys(fields).length === 0) return undefined;
    const lines: StoredLine[] = [];
    for (const [field, value] of Object.entries(fields)) {
      if (!field.startsWith('q:')) continue;
      const sku = field.slice(2);
      const snapshot = fields[`l:${sku}`];
      if (!snapshot) continue;
      lines.push({ sku, quantity: Number(value), ...(JSON.parse(snapshot) as LineSnapshot) });
    }
    lines.sort((a, b) => a.addedAt.localeCompare(b.addedAt) || a.sku.localeCompare(b.sku));
    return {
      cartId,
      lines,
      ...(fields.currency ? { currency: fields.currency } : {}),
      ...(fields.promo ? { promoCode: fields.promo } : {}),
      ttlMs: Math.max(0, ttlMs),
    };
  }

  /** Moves a guest cart's lines into a buyer's cart, once; the caller deletes the guest cart afterwards. */
  async merge(
    guest: StoredCart,
    intoCartId: string,
  ): Promise<{ kind: 'merged' | 'already'; merged: number; skipped: number }> {
    const args: (string | number)[] = [
      maxLinesPerCart,
      maxQuantityPerLine,
      cartTtlMs,
      mergeMarkerMs,
      guest.promoCode ?? '',
      guest.currency ?? '',
    ];
    for (const { sku, quantity, ...snapshot } of guest.lines) {
      args.push(sku, quantity, JSON.stringify(snapshot));
    }
    const reply = (await this.run(
      mergeScript,
      [cartKey(intoCartId), `${cartKey(intoCartId)}:merged:${guest.cartId}`],
      args,
    )) as string[];
    const [state, merged, skipped] = reply.map(String);
    return {
      kind: state === 'already' ? 'already' : 'merged',
      merged: Number(merged),
      skipped: Number(skipped),
    };
  }

  async delete(cartId: string): Promise<void> {
    await this.redis.del(cartKey(cartId));
  }
}
