import type { CommissionRule } from '../domain/commission';
import type { Collections } from '../integrations/collections';
import type { CommissionRuleDoc } from './documents';

// The marketplace's cut, set by ops per category, per seller, or both; the most specific rule wins when a
// sale is posted to the seller ledger (domain/commission.ts). A rule changes future sales only: posted
// commission stays.

/** The rules a sale is posted with. */
export async function commissionRules(collections: Collections): Promise<CommissionRule[]> {
  const docs = await collections.commissionRules.find({}).toArray();
  return docs.map(({ sellerId, category, kind, value }) => ({
    ...(sellerId ? { sellerId } : {}),
    ...(category ? { category } : {}),
    kind,
    value,
  }));
}

/** Every rule ops set, in scope order. */
export async function listCommissionRules(collections: Collections): Promise<CommissionRuleDoc[]> {
  return collections.commissionRules.find({}).sort({ _id: 1 }).toArray();
}

/** One rule per scope (`<sellerId|*>:<category|*>`), so setting it again replaces it: a repeat is safe. */
export async function setCommissionRule(
  collections: Collections,
  rule: CommissionRule,
  setBy: string,
): Promise<CommissionRuleDoc> {
  const doc: CommissionRuleDoc = {
    _id: `${rule.sellerId ?? '*'}:${rule.category ?? '*'}`,
    ...rule,
    setBy,
    updatedAt: new Date(),
  };
  const { _id, ...fields } = doc;
  await collections.commissionRules.replaceOne({ _id }, fields, { upsert: true });
  return doc;
}
