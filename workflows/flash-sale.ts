import {
  condition,
  continueAsNew,
  patched,
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

const { admitFlashSaleBuyers } = proxyActivities<MarketplaceActivities>({
  // A run lasts up to returnAfterMs; the heartbeat (every beat) is what notices a lost worker.
  startToCloseTimeout: '7 minutes',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '5 seconds' },
});

const beatMs = 250;
const idleBeatMs = 2000;
const beatsPerRun = 400;
/** Admission runs per workflow run before continue-as-new: about 6 events each, so history stays short. */
const admissionRunsPerRun = 200;
/** While admitting, report at most this often: the history grows by reports, not by beats. */
const reportAfterMs = 2000;
/** With nothing to report, a run still ends now and then, so a worker deploy picks the sale up. */
const returnAfterMs = 5 * 60_000;

/**
 * The admission side of one SKU's flash sale (`flash-sale-<sku>`): the single writer that serves the
 * line. Until the start it waits; then every beat (inside a long-running activity) it gives expired holds
 * back and admits the next buyers at the agreed pace, each with a hold. It ends when nothing is left to
 * sell and no hold can come back.
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

  const untilStart = async () => {
    for (;;) {
      const wait = Date.parse(state.terms.startsAt) - Date.now();
      if (wait <= 0) return;
      termsChanged = false;
      await condition(() => termsChanged, wait);
    }
  };
  await untilStart();
  state.status = 'admitting';
  // The beat moved into one long-running activity: history by admissions, not by time. Runs of the sale
  // that began beating from the workflow finish their run that way; their next run takes this path.
  if (patched('flash-sale-admission-runs')) {
    let carried = 0;
    for (let run = 0; ; run += 1) {
      const report = await admitFlashSaleBuyers({ sku: input.sku, carried, reportAfterMs, returnAfterMs });
      carried = report.carried;
      Object.assign(state, {
        admitted: state.admitted + report.held,
        expired: state.expired + report.expired,
        waiting: report.waiting,
        openHolds: report.openHolds,
      });
      if (report.soldOut) {
        state.status = 'sold_out';
        return state;
      }
      if (report.paused) {
        state.status = 'scheduled';
        // The new start reached Redis first; its signal follows at once. Waiting for it (not for the old
        // start, already past) keeps the sale from calling the activity in a loop meanwhile.
        termsChanged = false;
        await condition(() => termsChanged, idleBeatMs);
        await untilStart();
        state.status = 'admitting';
      }
      if (run >= admissionRunsPerRun || workflowInfo().continueAsNewSuggested) {
        await continueAsNew<typeof flashSaleWorkflow>({ sku: input.sku, terms: state.terms });
      }
    }
  }
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
