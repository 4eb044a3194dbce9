import { ActivityFailure, proxyActivities } from '@temporalio/workflow';
import type { MarketplaceActivities } from '../activities';
import type { TemplateData, TemplateName } from '../notifications/notification-templates';
import type { DisputeState } from '../disputes/dispute-messages';

const act = proxyActivities<MarketplaceActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute', maximumAttempts: 5 },
});

type DisputeTemplate = Extract<TemplateName, `dispute-${string}`>;

/**
 * Emails the seller or ops about a dispute. The key names the dispute, the message, its recipient and the
 * step, so a replay or retry never sends it twice. A message that cannot be sent does not stop the
 * dispute: it is noted on the dispute's state, which ops read.
 */
export async function notifyDispute<T extends DisputeTemplate>(
  state: DisputeState,
  to: 'seller' | 'ops',
  template: T,
  data: TemplateData<T>,
  opsEmail: string,
  step = 'once',
): Promise<void> {
  try {
    const email =
      to === 'ops'
        ? opsEmail
        : state.sellerId
          ? (await act.sellerContact({ sellerId: state.sellerId })).email
          : undefined;
    if (!email) return;
    await act.sendEmail({
      to: email,
      template,
      data,
      idempotencyKey: `dispute-${state.disputeId}-${template}-${step}-${to}`,
    });
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    state.problem = `could not send ${template} to ${to}: ${error.cause?.message ?? error.message}`;
  }
}
