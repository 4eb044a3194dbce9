import { showOutcome, showStep, showWaiting } from './ops-view';
import { formatMoney } from '../domain/money';
import type { ReturnInput, ReturnState } from '../returns/return-process';

/** What the Temporal UI says about a return at each status: whose move it is and until when. */
export function showReturnProgress(state: ReturnState, input: ReturnInput): void {
  const dueMs = state.dueBy ? Date.parse(state.dueBy) : undefined;
  const seller = `seller ${input.sellerId}`;
  switch (state.status) {
    case 'requested':
      return showWaiting({
        for: 'the seller to approve or reject the return',
        who: `${seller} (POST /seller/returns/${input.returnId}/approve or /reject)`,
        ...(dueMs === undefined ? {} : { untilMs: dueMs }),
        then: 'escalated to ops',
      });
    case 'escalated':
      return showWaiting({
        for: state.escalatedStep === 'inspection' ? 'an inspection by ops' : 'a decision by ops',
        who:
          state.escalatedStep === 'inspection'
            ? `ops (POST /seller/returns/${input.returnId}/inspection)`
            : `ops (POST /ops/returns/${input.returnId}/decision)`,
      });
    case 'approved':
      return showStep('buying the prepaid return label');
    case 'label_created':
      return showWaiting({
        for: 'the buyer to send the parcel back',
        who: `buyer ${input.customerId}; carrier ${state.carrier ?? ''} ${state.trackingNumber ?? ''}`.trim(),
        untilMs: Date.now() + input.shipBackSeconds * 1000,
        then: 'the return closes',
      });
    case 'in_transit':
      return showWaiting({
        for: 'the parcel to reach the seller',
        who: `carrier webhooks for ${state.trackingNumber ?? 'the parcel'}`,
      });
    case 'received':
      return showWaiting({
        for: 'the seller to inspect what arrived',
        who: `${seller} (POST /seller/returns/${input.returnId}/inspection)`,
        ...(dueMs === undefined ? {} : { untilMs: dueMs }),
        then: 'escalated to ops',
      });
    case 'refund_pending':
      return showStep('refunding the buyer and restocking the accepted units');
    case 'refunded':
      return showOutcome('refunded', { Refund: state.refund ? formatMoney(state.refund) : undefined });
    default:
      return showOutcome(state.status, { Reason: state.closeReason ?? state.decisionNote });
  }
}
