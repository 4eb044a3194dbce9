import { ApplicationFailure } from '@temporalio/common';
import type { RequestedLine } from '../domain/order-lines';
import type { Allocation } from '../integrations/stock-counters';
import { appendLedger, claimHoldOutcome, ledgerEntries, ledgerHold } from './stock-ledger';
import { noteStockChanged, warningOf, type StockMoveDeps } from './stock-moves';

// An order's hold on stock, from reservation to its one outcome (released or sold). Redis moves the
// counters atomically; the ledger records each fact once; the outcome is claimed before either moves.

export interface HeldLine {
  sku: string;
  allocations: Allocation[];
}

/**
 * Gives a hold's units back, once, whoever asks and however often. The outcome is claimed in the database
 * first (a hold already sold is not released); Redis then moves the counters if this is the first release,
 * and the ledger entries are written by every caller, so a retry after a crash or a failed write still
 * records the release that an earlier attempt made in Redis.
 */
export async function releaseHold(deps: StockMoveDeps, holdId: string, sku: string): Promise<void> {
  const { collections, counters, now } = deps;
  if ((await claimHoldOutcome(collections, holdId, sku, 'released', now())) !== 'released') return;
  const outcome = await counters.release(sku, holdId);
  if (outcome.kind === 'unchanged') {
    // Redis says committed: only a sale decided before outcomes were claimed can get here; it stands.
    warningOf(deps)('release skipped: Redis says the hold ended otherwise', {
      holdId,
      sku,
      state: outcome.state,
    });
    return;
  }
  let reserved: Allocation[];
  if (outcome.kind === 'released' && outcome.allocations.length > 0) {
    reserved = outcome.allocations;
  } else {
    // Redis has no record of the hold (lost: flushed, restarted without its data; or never reserved), or
    // only the tombstone an earlier attempt of this release left when it found none. The
    // ledger decides: units it still counts as held go back, by a restore key that adds nothing twice;
    // units it already released were counted back when Redis was rebuilt from it.
    const hold = await ledgerHold(collections, holdId, sku);
    if (hold.state !== 'held') return;
    reserved = hold.reserved;
    for (const { warehouseId, quantity } of reserved) {
      await counters.adjust(sku, warehouseId, quantity, `restore:${holdId}:${warehouseId}`);
    }
  }
  const at = now();
  await appendLedger(collections, [
    ...ledgerEntries('reserve', holdId, sku, reserved, at),
    ...ledgerEntries('release', holdId, sku, reserved, at),
  ]);
}

export async function releaseLines(deps: StockMoveDeps, holdId: string, skus: string[]): Promise<void> {
  for (const sku of skus) await releaseHold(deps, holdId, sku);
  await noteStockChanged(deps, skus);
}

/** Turns a hold into a sale, once; a hold already released cannot be sold. */
export async function commitHold(deps: StockMoveDeps, holdId: string, sku: string): Promise<void> {
  const { collections, counters, now } = deps;
  const decided = await claimHoldOutcome(collections, holdId, sku, 'committed', now());
  if (decided !== 'committed') {
    throw ApplicationFailure.nonRetryable(`Hold ${holdId} on ${sku} is ${decided}`, 'HoldEnded');
  }
  const outcome = await counters.commit(sku, holdId);
  let reserved: Allocation[];
  if (outcome.kind === 'committed') {
    reserved = outcome.allocations;
  } else {
    // Redis may have lost the hold while the ledger still has it: the sale stands by the ledger.
    const hold = await ledgerHold(collections, holdId, sku);
    if (outcome.state !== 'none' || hold.reserved.length === 0) {
      throw ApplicationFailure.nonRetryable(`Hold ${holdId} on ${sku} is ${outcome.state}`, 'HoldEnded');
    }
    reserved = hold.reserved;
  }
  const at = now();
  await appendLedger(collections, [
    ...ledgerEntries('reserve', holdId, sku, reserved, at),
    ...ledgerEntries('commit', holdId, sku, reserved, at),
  ]);
}

/**
 * Holds every line or none. Each SKU is reserved by one atomic Redis script; if a line is short, the
 * hold is released on every line before the failure is reported.
 */
export async function reserveLines(
  deps: StockMoveDeps,
  input: { holdId: string; lines: RequestedLine[] },
): Promise<HeldLine[]> {
  const held: HeldLine[] = [];
  for (const line of input.lines) {
    const outcome = await deps.counters.reserve(line.sku, input.holdId, line.quantity);
    if (outcome.kind === 'held' || (outcome.kind === 'ended' && outcome.state === 'held')) {
      held.push({ sku: line.sku, allocations: outcome.allocations });
      continue;
    }
    // Every line of the request, not only those held: releasing a line never held leaves a tombstone, so
    // an earlier attempt of this same step that is still running (a timed-out local activity whose retry
    // failed here) cannot take stock for an order that has already failed.
    await releaseLines(
      deps,
      input.holdId,
      input.lines.map((l) => l.sku),
    );
    if (outcome.kind === 'insufficient') {
      throw ApplicationFailure.nonRetryable(
        `Only ${outcome.available} of ${line.sku} available, ${line.quantity} requested`,
        'OutOfStock',
        { sku: line.sku, requested: line.quantity, available: outcome.available },
      );
    }
    throw ApplicationFailure.nonRetryable(`Hold ${input.holdId} was already ${outcome.state}`, 'HoldEnded', {
      sku: line.sku,
      state: outcome.state,
    });
  }
  const at = deps.now();
  await appendLedger(
    deps.collections,
    held.flatMap((h) => ledgerEntries('reserve', input.holdId, h.sku, h.allocations, at)),
  );
  await noteStockChanged(
    deps,
    held.map((h) => h.sku),
  );
  return held;
}
