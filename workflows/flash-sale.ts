import { patched } from '@temporalio/workflow';
import type { FlashSaleInput, FlashSaleState } from './flash-sale-definitions';
import { FlashSaleLine } from './flash-sale-state';
import { admitByBeats, admitInRuns } from './flash-sale-steps';

/**
 * The admission side of one SKU's flash sale (`flash-sale-<sku>`): the single writer that serves the
 * line. Until the start it waits; then every beat (inside a long-running activity) it gives expired holds
 * back and admits the next buyers at the agreed pace, each with a hold. It ends when nothing is left to
 * sell and no hold can come back.
 */
export async function flashSaleWorkflow(input: FlashSaleInput): Promise<FlashSaleState> {
  const line = new FlashSaleLine(input);
  await line.untilStart();
  line.state.status = 'admitting';
  // The beat moved into one long-running activity: history by admissions, not by time. Runs of the sale
  // that began beating from the workflow finish their run that way; their next run takes this path.
  if (patched('flash-sale-admission-runs')) return admitInRuns(line);
  return admitByBeats(line);
}
