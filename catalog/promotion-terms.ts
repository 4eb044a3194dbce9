import type { Promotion } from '../domain/promotions';
import type { PromotionDoc } from './documents';

/** The terms a stored promo code grants (the document without who created it and when). */
export function promotionOf(doc: PromotionDoc): Promotion {
  return {
    code: doc._id,
    kind: doc.kind,
    ...(doc.percentBps !== undefined ? { percentBps: doc.percentBps } : {}),
    ...(doc.amount ? { amount: doc.amount } : {}),
    validFrom: doc.validFrom,
    validUntil: doc.validUntil,
    minSubtotal: doc.minSubtotal,
  };
}

/** Whether two stored codes grant the same thing (creation time and author aside). */
export function sameTerms(a: PromotionDoc, b: PromotionDoc): boolean {
  const terms = (doc: PromotionDoc) =>
    JSON.stringify([
      doc.kind,
      doc.percentBps ?? null,
      doc.amount ?? null,
      doc.validFrom.getTime(),
      doc.validUntil.getTime(),
      doc.minSubtotal,
    ]);
  return terms(a) === terms(b);
}
