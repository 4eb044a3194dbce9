// The stock ledger lives in inventory/stock-ledger.ts. This one line stays only because
// test/support/stock.ts (which this change may not edit) still imports it from here; point that import at
// inventory/stock-ledger and delete this file.
export { ledgerBalances } from '../inventory/stock-ledger';
