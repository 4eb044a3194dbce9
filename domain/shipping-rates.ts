import { type Money, money } from './money';
import type { Destination } from './tax';

// Each seller ships its own parcel, so shipping is charged per seller: a flat rate by destination zone,
// free above a threshold. Rates are in the order's currency's minor units.
export interface ShippingRate {
  domestic: number;
  international: number;
  freeAbove: number;
}

export const defaultShippingRate: ShippingRate = { domestic: 499, international: 1499, freeAbove: 7500 };

export function shippingFor(
  sellerSubtotal: Money,
  destination: Destination,
  sellerCountry = 'US',
  rate: ShippingRate = defaultShippingRate,
): Money {
  if (sellerSubtotal.amount >= rate.freeAbove) return money(0, sellerSubtotal.currency);
  const amount = destination.country === sellerCountry ? rate.domestic : rate.international;
  return money(amount, sellerSubtotal.currency);
}
