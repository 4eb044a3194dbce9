import { proxyActivities } from '@temporalio/workflow';
import type { MarketplaceActivities } from '../activities';
import type { TemplateData, TemplateName } from '../notifications/notification-templates';
import type { ReturnState } from '../returns/return-process';

const act = proxyActivities<MarketplaceActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', maximumInterval: '5 minutes' },
});

type ReturnTemplate = Extract<TemplateName, `return-${string}`>;

/**
 * Emails the buyer or the seller about a step of a return. The key names the return, the message, its
 * recipient and the step, so a replay or retry never sends the same message twice.
 */
export async function notifyReturn<T extends ReturnTemplate>(
  state: ReturnState,
  to: 'buyer' | 'seller',
  template: T,
  data: TemplateData<T>,
  step: string = state.status,
): Promise<void> {
  const contact =
    to === 'buyer'
      ? await act.buyerContact({ customerId: state.customerId })
      : await act.sellerContact({ sellerId: state.sellerId });
  if (!contact.email) return;
  await act.sendEmail({
    to: contact.email,
    template,
    data,
    idempotencyKey: `return-${state.returnId}-${template}-${step}-${to}`,
  });
}
