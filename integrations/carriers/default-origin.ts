import type { ShippingAddress } from '../../orders/documents';

/**
 * Where sellers ship from, and where returned parcels go, until seller addresses are part of onboarding.
 * Outbound labels and return labels both name it, so it sits with the carriers, below both.
 */
export const defaultOrigin: ShippingAddress = {
  name: 'Marketplace fulfilment',
  line1: '1 Warehouse Way',
  city: 'Reno',
  region: 'NV',
  postalCode: '89501',
  country: 'US',
};
