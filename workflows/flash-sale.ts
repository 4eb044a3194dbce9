import {
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { MarketplaceActivities } from '../activities';
import { admissionsDue } from '../domain/flash-sale';
import {
  type FlashSaleInput,
  type FlashSaleState,
  flashSaleStateQuery,
  flashSaleTermsSignal,
} from './flash-sale-definitions';

const { runFlashSaleTick } = proxyActivities<MarketplaceActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '5 seconds' },
});

const beatMs = 250;
const idleBeatMs = 2000;
const beatsPerRun = 400;

/**
 * The admission side of one SKU's flash sale (`flash-sale-<sku>`): the single writer that serves the
 * line. Until the start it waits; then every beat it gives expired holds back and admits the next buyers at
 * the agreed pace, each with a hold. It ends when nothing is left to sell and no hold can come back.
 */
export async function flashSaleWorkflow(input: FlashSaleInput): Promise<FlashSaleState> {
  const state: FlashSaleState = {
    sku: input.sku,
    terms: input.terms,
    status: 'scheduled',
    admitted: 0,
    expired: 0,
    waiting: 0,
    openHolds: 0,
  };
  let termsChanged = false;
  setHandler(flashSaleTermsSignal, (terms) => {
    state.terms = terms;
    termsChanged = true;
  });
  setHandler(flashSaleStateQuery, () => state);

  for (;;) {
    const untilStart = Date.parse(state.terms.startsAt) - Date.now();
    if (untilStart <= 0) break;
    termsChanged = false;
    await condition(() => termsChanged, untilStart);
  }
  state.status = 'admitting';
  let last = Date.now() - beatMs;
  let carried = 0;
  for (let beat = 0; ; beat += 1) {
    const due = admissionsDue(state.terms.admitPerSecond, Date.now() - last, carried);
    last = Date.now();
    carried = due.carried;
    const tick = await runFlashSaleTick({
      sku: input.sku,
      admit: due.admit,
      holdSeconds: state.terms.holdSeconds,
    });
    Object.assign(state, {
      admitted: state.admitted + tick.held,
      expired: state.expired + tick.expired,
      waiting: tick.waiting,
      openHolds: tick.openHolds,
    });
    if (tick.soldOut) {
      state.status = 'sold_out';
      return state;
    }
    if (beat >= beatsPerRun || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof flashSaleWorkflow>({ sku: input.sku, terms: state.terms });
    }
    await sleep(tick.waiting === 0 && tick.openHolds === 0 ? idleBeatMs : beatMs);
  }
}
