import type { Units } from '../domain/return-refund';
import type { Inspection, ReturnInput, ReturnState } from '../returns/return-process';
import { notifyReturn } from './return-notifications';
import { type Decision, ReturnProgress } from './return-state';
import { ReturnSteps } from './return-steps';

/**
 * One buyer's return of items from a delivered sub-order: the seller approves or rejects it in time (else
 * ops decides), the buyer ships it back on a prepaid label, the seller inspects what arrived, and the
 * accepted units are refunded to the buyer's card and go back to stock. Which status may follow which is
 * the rule in domain/return-status.ts; the steps check every move against it.
 */
export async function returnWorkflow(input: ReturnInput): Promise<ReturnState> {
  const progress = new ReturnProgress(input);
  const { state } = progress;
  const steps = new ReturnSteps(input, progress);
  progress.listen();

  await steps.record();
  await notifyReturn(state, 'seller', 'return-requested', {
    returnId: input.returnId,
    orderId: input.orderId,
    dueBy: state.dueBy ?? '',
  });

  // 1. The seller decides in time, or ops takes over.
  await steps.awaitInTime(
    () => !!progress.decision,
    input.sellerDecisionSeconds,
    "seller's decision deadline",
    'decision',
  );
  const decided = progress.decision as Decision;
  const decisionFields = { decidedBy: decided.by, ...(decided.note ? { decisionNote: decided.note } : {}) };
  if (!decided.approve) {
    await steps.reject(decided, decisionFields);
    return state;
  }
  await steps.moveTo('approved', { ...decisionFields, dueBy: undefined, escalatedStep: undefined });

  // 2. A prepaid label from the buyer's address back to the seller.
  await steps.sendLabel();

  // 3. The parcel travels; what is not sent back in time closes the return.
  if (!(await steps.followParcel())) {
    await steps.close({ closeReason: 'the items were not sent back in time' });
    return state;
  }

  // 4. The seller inspects what arrived, in time, or ops takes over.
  await steps.moveTo('received', {
    dueBy: new Date(Date.now() + input.inspectionSeconds * 1000).toISOString(),
  });
  await notifyReturn(state, 'seller', 'return-received', {
    returnId: input.returnId,
    orderId: input.orderId,
  });
  await steps.awaitInTime(
    () => !!progress.inspection,
    input.inspectionSeconds,
    'inspection deadline',
    'inspection',
  );
  const inspection = progress.inspection as Inspection;
  const accepted: Units = {};
  for (const line of inspection.lines) accepted[line.sku] = line.acceptedQuantity;
  state.lines = state.lines.map((line) => ({ ...line, acceptedQuantity: accepted[line.sku] ?? 0 }));
  if (Object.values(accepted).every((count) => count === 0)) {
    await steps.close({
      dueBy: undefined,
      escalatedStep: undefined,
      closeReason: inspection.note ?? 'nothing was accepted at inspection',
    });
    return state;
  }
  await steps.moveTo('refund_pending', { dueBy: undefined, escalatedStep: undefined });

  // 5. Refund the accepted units' share, put them back in stock, and book it against the seller.
  const refund = await steps.refundAndRestock(accepted, inspection.note);
  await steps.moveTo('refunded', { refund });
  await notifyReturn(state, 'buyer', 'return-refunded', { returnId: input.returnId, amount: refund });
  await notifyReturn(state, 'seller', 'return-refunded', { returnId: input.returnId, amount: refund });
  return state;
}
