import { continueAsNew, patched, proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { MarketplaceActivities } from '../activities';
import { admissionsDue } from '../domain/flash-sale';
import type { FlashSaleInput, FlashSaleState } from './flash-sale-definitions';
import type { FlashSaleLine } from './flash-sale-state';

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

/** A new run of flashSaleWorkflow (named by its shape: importing it here would be an import loop). */
function continueTheSale(line: FlashSaleLine): Promise<never> {
  return continueAsNew<(input: FlashSaleInput) => Promise<FlashSaleState>>({
    sku: line.state.sku,
    terms: line.state.terms,
  });
}

/**
 * Admission in long-running activity runs, each beating on its own and reporting what happened: the
 * history grows by admissions, not by time. Returns when the sale is sold out.
 */
export async function admitInRuns(line: FlashSaleLine): Promise<FlashSaleState> {
  const { sku } = line.state;
  let carried = 0;
  for (let run = 0; ; run += 1) {
    const report = await admitFlashSaleBuyers({ sku, carried, reportAfterMs, returnAfterMs });
    carried = report.carried;
    line.record(report);
    if (report.soldOut) {
      line.state.status = 'sold_out';
      return line.state;
    }
    if (report.paused) {
      line.state.status = 'scheduled';
      // The new start reached Redis first; its signal follows at once. Waiting for it (not for the old
      // start, already past) keeps the sale from calling the activity in a loop meanwhile. Sales paused
      // before this wait existed went straight back to the activity, and replay that way.
      if (patched('flash-sale-pause-waits-for-terms')) await line.newTerms(idleBeatMs);
      await line.untilStart();
      line.state.status = 'admitting';
    }
    if (run >= admissionRunsPerRun || workflowInfo().continueAsNewSuggested) await continueTheSale(line);
  }
}

/** The first shape: one activity per beat, timed by the workflow. Kept for runs that began with it. */
export async function admitByBeats(line: FlashSaleLine): Promise<FlashSaleState> {
  let last = Date.now() - beatMs;
  let carried = 0;
  for (let beat = 0; ; beat += 1) {
    const due = admissionsDue(line.state.terms.admitPerSecond, Date.now() - last, carried);
    last = Date.now();
    carried = due.carried;
    const tick = await runFlashSaleTick({
      sku: line.state.sku,
      admit: due.admit,
      holdSeconds: line.state.terms.holdSeconds,
    });
    line.record(tick);
    if (tick.soldOut) {
      line.state.status = 'sold_out';
      return line.state;
    }
    if (beat >= beatsPerRun || workflowInfo().continueAsNewSuggested) await continueTheSale(line);
    await sleep(tick.waiting === 0 && tick.openHolds === 0 ? idleBeatMs : beatMs);
  }
}
