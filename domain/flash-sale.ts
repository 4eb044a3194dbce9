// Flash-sale waiting room rules: pure, so the workflow (admission pace) and the API (what a buyer is told)
// share them and tests can drive them with any clock.

export interface FlashSaleTerms {
  /** ISO time admission begins; buyers may join the line before it. */
  startsAt: string;
  admitPerSecond: number;
  /** Units one buyer may hold in this sale; a buyer has one place in line per sale. */
  perBuyerLimit: number;
  /** How long an admitted buyer's hold lasts before its units go back to the line. */
  holdSeconds: number;
}

export type TicketState = 'waiting' | 'held' | 'ordered' | 'expired';

export interface Ticket {
  ticket: string;
  buyerId: string;
  position: number;
  quantity: number;
  /** The order this hold becomes at checkout: the hold is reserved under this id from the start. */
  orderId: string;
  state: TicketState;
  expiresAt?: number;
}

export interface LineProgress {
  /** Places in line already served (admitted with a hold, or passed over). */
  served: number;
  soldOut: boolean;
  startsAtMs: number;
  admitPerSecond: number;
}

export type TicketView =
  | {
      status: 'waiting';
      position: number;
      ahead: number;
      estimatedWaitSeconds: number;
      pollAfterMs: number;
    }
  | { status: 'held'; orderId: string; quantity: number; expiresAt: string }
  | { status: 'ordered'; orderId: string }
  | { status: 'expired' }
  | { status: 'sold_out' };

const minPollMs = 1000;
const maxPollMs = 15_000;

/**
 * What a buyer in line is told. Far-back buyers are asked to come back later (half their expected wait,
 * capped), so 10,000 people in line cost the API hundreds of polls a second, not tens of thousands.
 */
export function ticketView(ticket: Ticket, line: LineProgress, nowMs: number): TicketView {
  switch (ticket.state) {
    case 'held':
      return {
        status: 'held',
        orderId: ticket.orderId,
        quantity: ticket.quantity,
        expiresAt: new Date(ticket.expiresAt ?? nowMs).toISOString(),
      };
    case 'ordered':
      return { status: 'ordered', orderId: ticket.orderId };
    case 'expired':
      return { status: 'expired' };
    default: {
      if (line.soldOut) return { status: 'sold_out' };
      const ahead = Math.max(0, ticket.position - 1 - line.served);
      const untilStart = Math.max(0, line.startsAtMs - nowMs);
      const waitMs = untilStart + (ahead / Math.max(1, line.admitPerSecond)) * 1000;
      return {
        status: 'waiting',
        position: ticket.position,
        ahead,
        estimatedWaitSeconds: Math.ceil(waitMs / 1000),
        pollAfterMs: Math.round(Math.min(maxPollMs, Math.max(minPollMs, waitMs / 2))),
      };
    }
  }
}

/**
 * How many buyers to admit now: the rate times the time since the last admission, with the fraction
 * carried over, so a slow tick admits more next time and the pace holds whatever the tick length.
 */
export function admissionsDue(
  admitPerSecond: number,
  elapsedMs: number,
  carried: number,
): { admit: number; carried: number } {
  const owed = carried + (admitPerSecond * Math.max(0, elapsedMs)) / 1000;
  // A stalled worker must not release a stampede afterwards: at most one second's worth at once.
  const admit = Math.min(Math.floor(owed), Math.max(1, Math.ceil(admitPerSecond)));
  return { admit, carried: Math.min(owed - admit, 1) };
}
