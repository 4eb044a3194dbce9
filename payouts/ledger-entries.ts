import type { SellerLedgerEntry } from '../domain/seller-ledger';
import { type Collections, isDuplicateKeyError } from '../integrations/collections';

/** Inserts an entry once: its _id is the business key, so a retried or replayed post changes nothing. */
export async function postLedgerEntry(collections: Collections, entry: SellerLedgerEntry): Promise<boolean> {
  try {
    await collections.sellerLedger.insertOne(entry);
    return true;
  } catch (error) {
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
}
