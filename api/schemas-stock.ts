import { z } from 'zod';
import { skuSchema } from './schemas';

// Stock as a seller sets and reads it, and the reconciliation report ops read.

const warehouseId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'warehouse: a lowercase slug');

export const setStockBody = z
  .object({ sku: skuSchema, warehouseId, available: z.number().int().min(0).max(10_000_000) })
  .strict()
  .openapi('SetStock');

export const stockView = z
  .object({
    productId: z.string(),
    skus: z.array(
      z.object({
        sku: z.string(),
        warehouses: z.record(z.string(), z.number().int()),
        ledger: z.record(z.string(), z.number().int()),
      }),
    ),
  })
  .openapi('Stock');

const stockByWarehouse = z.record(z.string(), z.number().int()).describe('Units per warehouse');

export const reconciliationReport = z
  .object({
    skusChecked: z.number().int(),
    at: z.string().describe('ISO 8601 date-time'),
    drifts: z.array(
      z
        .object({
          sku: z.string(),
          redis: stockByWarehouse,
          ledger: stockByWarehouse,
          repaired: z.boolean(),
          reason: z.enum(['missing', 'persistent', 'transient']),
        })
        .strict(),
    ),
  })
  .strict()
  .openapi('StockReconciliation');
