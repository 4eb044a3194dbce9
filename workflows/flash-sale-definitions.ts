import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { FlashSaleTerms } from '../domain/flash-sale';

// Shared by the API (which flags a SKU for a flash sale) and the sale's workflow.

export function flashSaleWorkflowId(sku: string): string {
  return `flash-sale-${sku}`;
}

export interface FlashSaleInput {
  sku: string;
  terms: FlashSaleTerms;
}

export interface FlashSaleState {
  sku: string;
  terms: FlashSaleTerms;
  status: 'scheduled' | 'admitting' | 'sold_out';
  admitted: number;
  expired: number;
  waiting: number;
  openHolds: number;
}

/** New terms for a running sale (ops flagged the SKU again): a new pace or start applies from now. */
export const flashSaleTermsSignal = defineSignal<[FlashSaleTerms]>('flashSaleTerms');
export const flashSaleStateQuery = defineQuery<FlashSaleState>('flashSaleState');
