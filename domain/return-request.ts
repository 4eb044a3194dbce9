import type { RequestedLine } from './order-lines';
import { type ReturnPolicy, isWithinReturnWindow } from './return-window';
import type { ReturnStatus } from './return-status';

export interface DeliveredPart {
  status: string;
  deliveredAt?: Date;
  lines: Array<{ sku: string; quantity: number; category?: string }>;
}

export interface EarlierReturn {
  status: ReturnStatus;
  lines: Array<{ sku: string; quantity: number; acceptedQuantity?: number }>;
}

export type ReturnRefusal =
  | { kind: 'not-delivered'; detail: string }
  | { kind: 'not-in-order'; detail: string }
  | { kind: 'window-closed'; detail: string }
  | { kind: 'too-many-units'; detail: string };

/** Units still tied up by earlier returns: requested while open, accepted once settled, none if refused. */
export function unitsAlreadyReturned(returns: EarlierReturn[]): Record<string, number> {
  const units: Record<string, number> = {};
  for (const r of returns) {
    if (r.status === 'rejected' || r.status === 'cancelled') continue;
    for (const line of r.lines) {
      const count =
        r.status === 'refunded' || r.status === 'closed' ? (line.acceptedQuantity ?? 0) : line.quantity;
      units[line.sku] = (units[line.sku] ?? 0) + count;
    }
  }
  return units;
}

/** Whether a buyer may return these lines of a sub-order now; the first reason it may not, if any. */
export function refuseReturn(
  part: DeliveredPart,
  requested: RequestedLine[],
  earlier: EarlierReturn[],
  policy: ReturnPolicy,
  now: Date,
): ReturnRefusal | undefined {
  if (part.status !== 'delivered' || !part.deliveredAt) {
    return { kind: 'not-delivered', detail: `This part of the order is ${part.status}, not delivered yet` };
  }
  const returned = unitsAlreadyReturned(earlier);
  for (const line of requested) {
    const bought = part.lines.find((l) => l.sku === line.sku);
    if (!bought) return { kind: 'not-in-order', detail: `${line.sku} is not in this part of the order` };
    if (!isWithinReturnWindow(part.deliveredAt, bought.category ?? '', policy, now)) {
      return { kind: 'window-closed', detail: `The return window for ${line.sku} has closed` };
    }
    const left = bought.quantity - (returned[line.sku] ?? 0);
    if (line.quantity > left) {
      return {
        kind: 'too-many-units',
        detail: `${line.sku}: ${line.quantity} requested, ${Math.max(left, 0)} of ${bought.quantity} left to return`,
      };
    }
  }
  return undefined;
}
