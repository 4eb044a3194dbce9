import type { Client } from '@temporalio/client';
import { readSellerBalances } from '../payouts/seller-balances';
import type { ReportingPeriod, ReportingPeriodKind } from '../domain/reporting-periods';
import type { ReturnPolicy } from '../domain/return-window';
import type { SellerBalances } from '../domain/seller-ledger';
import type { Collections } from '../integrations/collections';
import { disputeFigures, type DisputeFigures } from './dispute-rate';
import { nextPayout, type NextPayout } from './next-payout';
import { returnsRate, type ReturnsRate } from './returns-rate';
import { salesByPeriod, salesTotals, type PeriodSales } from './sales-by-period';
import { topProducts, type TopProduct } from './top-products';

export interface SellerDashboard {
  sellerId: string;
  period: ReportingPeriodKind;
  range: ReportingPeriod;
  sales: PeriodSales[];
  totals: ReturnType<typeof salesTotals>;
  topProducts: TopProduct[];
  returns: ReturnsRate;
  disputes: DisputeFigures;
  balances: SellerBalances;
  payout: NextPayout;
  asOf: Date;
}

export interface DashboardDeps {
  collections: Collections;
  temporal: Client;
  /** Where payout runs go; the schedule's own description needs it. */
  taskQueue: string;
  returnPolicy: ReturnPolicy;
}

/** Everything a seller's home page shows, each figure read from its own source of truth, in parallel. */
export async function sellerDashboard(
  deps: DashboardDeps,
  request: {
    sellerId: string;
    period: ReportingPeriodKind;
    periods: ReportingPeriod[];
    topLimit: number;
    asOf: Date;
  },
): Promise<SellerDashboard> {
  const first = request.periods[0];
  const last = request.periods[request.periods.length - 1];
  if (!first || !last) throw new RangeError('a dashboard needs at least one period');
  const range = { start: first.start, end: last.end };
  const { collections } = deps;
  const [sales, top, returns, disputes, balances, payout] = await Promise.all([
    salesByPeriod(collections, request.sellerId, request.periods),
    topProducts(collections, request.sellerId, range, request.topLimit),
    returnsRate(collections, request.sellerId, range),
    disputeFigures(collections, request.sellerId, range),
    readSellerBalances(collections, request.sellerId, request.asOf, deps.returnPolicy),
    nextPayout(deps, request.sellerId),
  ]);
  return {
    sellerId: request.sellerId,
    period: request.period,
    range,
    sales,
    totals: salesTotals(sales),
    topProducts: top,
    returns,
    disputes,
    balances,
    payout,
    asOf: request.asOf,
  };
}
