import type { ShippingAddress } from '../../orders/documents';

/** A deliverable US address in a taxed state, for orders whose destination does not matter to the test. */
export const testShipTo: ShippingAddress = {
  name: 'Ada Buyer',
  line1: '1 Main St',
  city: 'Austin',
  region: 'TX',
  postalCode: '78701',
  country: 'US',
};
