import type { Money } from '../domain/money';

// Every message the marketplace sends, by name. A workflow names a template and passes its data; the
// activity renders it, so wording changes never touch workflow code or its history.

export interface RenderedMessage {
  subject: string;
  text: string;
  /** Short enough for one SMS segment or two. */
  sms: string;
}

function formatMoney({ amount, currency }: Money): string {
  const sign = amount < 0 ? '-' : '';
  const abs = Math.abs(amount);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')} ${currency}`;
}

const template = <D>(render: (data: D) => RenderedMessage) => render;

export const notificationTemplates = {
  'return-requested': template((d: { returnId: string; orderId: string; dueBy: string }) => ({
    subject: `Return ${d.returnId} requested on order ${d.orderId}`,
    text: `A buyer asked to return items of order ${d.orderId}. Approve or reject return ${d.returnId} by ${d.dueBy}, or the marketplace decides.`,
    sms: `Return ${d.returnId} requested; decide by ${d.dueBy}.`,
  })),
  'return-approved': template((d: { returnId: string; labelUrl: string; trackingNumber: string }) => ({
    subject: `Return ${d.returnId} approved`,
    text: `Your return ${d.returnId} is approved. Print the prepaid label ${d.labelUrl} (tracking ${d.trackingNumber}) and send the items back.`,
    sms: `Return ${d.returnId} approved. Label: ${d.labelUrl}`,
  })),
  'return-rejected': template((d: { returnId: string; reason: string }) => ({
    subject: `Return ${d.returnId} declined`,
    text: `Your return ${d.returnId} was declined: ${d.reason}`,
    sms: `Return ${d.returnId} declined: ${d.reason}`,
  })),
  'return-escalated': template((d: { returnId: string; step: string }) => ({
    subject: `Return ${d.returnId} passed to the marketplace`,
    text: `The ${d.step} on return ${d.returnId} was not made in time, so the marketplace team now decides it.`,
    sms: `Return ${d.returnId}: ${d.step} passed to the marketplace.`,
  })),
  'return-received': template((d: { returnId: string; orderId: string }) => ({
    subject: `Return ${d.returnId} arrived`,
    text: `The parcel for return ${d.returnId} (order ${d.orderId}) was delivered to you. Inspect it and record what you accept.`,
    sms: `Return ${d.returnId} arrived; please inspect it.`,
  })),
  'return-refunded': template((d: { returnId: string; amount: Money }) => ({
    subject: `Return ${d.returnId} refunded`,
    text: `Return ${d.returnId} is complete: ${formatMoney(d.amount)} goes back to the original payment method.`,
    sms: `Return ${d.returnId} refunded: ${formatMoney(d.amount)}.`,
  })),
  'return-closed': template((d: { returnId: string; reason: string }) => ({
    subject: `Return ${d.returnId} closed`,
    text: `Return ${d.returnId} was closed without a refund: ${d.reason}`,
    sms: `Return ${d.returnId} closed: ${d.reason}`,
  })),
  'order-confirmed': template((d: { orderId: string; total: Money }) => ({
    subject: `Order ${d.orderId} confirmed`,
    text: `Thank you! Your order ${d.orderId} for ${formatMoney(d.total)} is confirmed.`,
    sms: `Order ${d.orderId} confirmed (${formatMoney(d.total)}).`,
  })),
  'order-shipped': template((d: { orderId: string; carrier: string; trackingNumber: string }) => ({
    subject: `Order ${d.orderId} shipped`,
    text: `Your order ${d.orderId} is on its way with ${d.carrier}, tracking number ${d.trackingNumber}.`,
    sms: `Order ${d.orderId} shipped: ${d.carrier} ${d.trackingNumber}.`,
  })),
  'order-delivered': template((d: { orderId: string }) => ({
    subject: `Order ${d.orderId} delivered`,
    text: `Your order ${d.orderId} was delivered. Enjoy!`,
    sms: `Order ${d.orderId} delivered.`,
  })),
  'order-cancelled': template((d: { orderId: string; reason: string }) => ({
    subject: `Order ${d.orderId} cancelled`,
    text: `Your order ${d.orderId} was cancelled: ${d.reason}. Any held payment has been released.`,
    sms: `Order ${d.orderId} cancelled: ${d.reason}.`,
  })),
  'seller-onboarding-reminder': template(
    (d: { businessName: string; onboardingUrl: string; reminder: number }) => ({
      subject: `Finish setting up ${d.businessName} on the marketplace`,
      text: `Your seller account is almost ready. Finish Stripe onboarding to start selling: ${d.onboardingUrl}`,
      sms: `Finish your seller onboarding: ${d.onboardingUrl}`,
    }),
  ),
  'seller-onboarding-abandoned': template((d: { businessName: string }) => ({
    subject: `${d.businessName}: seller onboarding closed`,
    text: 'We closed your seller application because onboarding was not finished. Contact support to reopen it.',
    sms: 'Your seller onboarding was closed because it was not finished.',
  })),
  'seller-approved': template((d: { businessName: string }) => ({
    subject: `${d.businessName} is approved`,
    text: 'Your seller account is approved. Once Stripe has verified your account you can publish products.',
    sms: 'Your seller account is approved.',
  })),
  'seller-rejected': template((d: { businessName: string; reason: string }) => ({
    subject: `${d.businessName}: seller application declined`,
    text: `We could not approve your seller account: ${d.reason}`,
    sms: 'Your seller application was declined.',
  })),
  'seller-restricted': template((d: { businessName: string; reason: string }) => ({
    subject: `${d.businessName}: selling paused`,
    text: `Stripe restricted your account (${d.reason}). Your products are hidden and payouts are paused until it is resolved.`,
    sms: 'Selling paused: Stripe restricted your account. Check your email.',
  })),
  'seller-reinstated': template((d: { businessName: string }) => ({
    subject: `${d.businessName}: selling resumed`,
    text: 'Stripe re-enabled your account. Your products are visible again and payouts resume.',
    sms: 'Selling resumed: your products are visible again.',
  })),
  'payout-failed': template((d: { payoutId: string; sellerId: string; amount: Money; reason: string }) => ({
    subject: `Payout ${d.payoutId} failed`,
    text: `Stripe refused the transfer of ${formatMoney(d.amount)} to seller ${d.sellerId}: ${d.reason}. The money stays in the seller's available balance and the next scheduled run pays it once the cause is fixed.`,
    sms: `Payout ${d.payoutId} failed: ${d.reason}`.slice(0, 300),
  })),
  'payout-statement': template((d: { period: string; amount: Money }) => ({
    subject: `Payout statement ${d.period}`,
    text: `Your payout for ${d.period} is ${formatMoney(d.amount)}.`,
    sms: `Payout ${d.period}: ${formatMoney(d.amount)}.`,
  })),
};

export type TemplateName = keyof typeof notificationTemplates;
export type TemplateData<T extends TemplateName> = Parameters<(typeof notificationTemplates)[T]>[0];

export function renderNotification<T extends TemplateName>(name: T, data: TemplateData<T>): RenderedMessage {
  const render = notificationTemplates[name] as ((data: TemplateData<T>) => RenderedMessage) | undefined;
  if (!render) throw new Error(`unknown notification template ${String(name)}`);
  return render(data);
}
