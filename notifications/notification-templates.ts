import { formatMoney, type Money } from '../domain/money';

// Every message the marketplace sends, by name. A workflow names a template and passes its data; the
// activity renders it, so wording changes never touch workflow code or its history.

export interface RenderedMessage {
  subject: string;
  text: string;
  /** Short enough for one SMS segment or two. */
  sms: string;
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
  'stock-discrepancy': template((d: { sku: string; reason: string }) => ({
    subject: `Stock of ${d.sku} needs a decision`,
    text: `Reconciliation found the stock ledger and Redis disagreeing on ${d.sku} (${d.reason}) and left both as they are. See GET /ops/stock/discrepancies, and repair with npm run repair:stock-ledger.`,
    sms: `Stock of ${d.sku} needs a decision (${d.reason}).`,
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
  'dispute-opened': template(
    (d: { disputeId: string; orderId: string; amount: Money; reason: string; dueBy: string }) => ({
      subject: `A buyer disputed the payment for order ${d.orderId}`,
      text: `The buyer's bank opened card dispute ${d.disputeId} (${d.reason}) for ${formatMoney(d.amount)} on order ${d.orderId}. That amount is held from your payouts until it is decided. Send your evidence (what was sold, your communication with the buyer, any documents) before ${d.dueBy}; we add the carrier and tracking number from our records and submit it to the card network.`,
      sms: `Order ${d.orderId} disputed (${formatMoney(d.amount)}); send evidence by ${d.dueBy}.`,
    }),
  ),
  'dispute-opened-ops': template(
    (d: {
      disputeId: string;
      orderId: string;
      sellerId: string;
      amount: Money;
      reason: string;
      dueBy: string;
    }) => ({
      subject: `Dispute ${d.disputeId} on order ${d.orderId}`,
      text: `Card dispute ${d.disputeId} (${d.reason}, ${formatMoney(d.amount)}) on order ${d.orderId}, seller ${d.sellerId}. Evidence is due at Stripe by ${d.dueBy}; it is submitted automatically before then unless you submit or accept it first.`,
      sms: `Dispute ${d.disputeId} on ${d.orderId}, due ${d.dueBy}.`,
    }),
  ),
  'dispute-unmatched': template((d: { disputeId: string; chargeId: string; amount: Money }) => ({
    subject: `Dispute ${d.disputeId} matches no order`,
    text: `Stripe dispute ${d.disputeId} on charge ${d.chargeId} (${formatMoney(d.amount)}) matches no recorded sub-order. Nothing was held; please handle it in the Stripe dashboard.`,
    sms: `Dispute ${d.disputeId} matches no order.`,
  })),
  'dispute-reminder': template((d: { disputeId: string; orderId: string; dueBy: string }) => ({
    subject: `Reminder: evidence for the dispute on order ${d.orderId}`,
    text: `We have not received your evidence for dispute ${d.disputeId} on order ${d.orderId}. It is due by ${d.dueBy}; otherwise we submit only our shipping records.`,
    sms: `Dispute ${d.disputeId}: evidence due ${d.dueBy}.`,
  })),
  'dispute-evidence-submitted': template((d: { disputeId: string; orderId: string; by: string }) => ({
    subject: `Evidence submitted for the dispute on order ${d.orderId}`,
    text: `The evidence for dispute ${d.disputeId} on order ${d.orderId} was submitted (${d.by}). The card network usually decides within 60 to 75 days.`,
    sms: `Dispute ${d.disputeId}: evidence submitted.`,
  })),
  'dispute-closed': template(
    (d: { disputeId: string; orderId: string; outcome: string; sellerDebit: Money }) => ({
      subject: `Dispute on order ${d.orderId}: ${d.outcome}`,
      text:
        d.outcome === 'won'
          ? `Dispute ${d.disputeId} on order ${d.orderId} was decided in your favour; the held amount is released to your balance.`
          : `Dispute ${d.disputeId} on order ${d.orderId} was lost; ${formatMoney(d.sellerDebit)} is taken from your balance (from your next payout if you were already paid).`,
      sms: `Dispute ${d.disputeId}: ${d.outcome}.`,
    }),
  ),
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
