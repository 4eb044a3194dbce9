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

/** `sold_out`: the place was told no unit is left for it (see the Redis line); admission passes it over. */
export type TicketState = 'waiting' | 'held' | 'ordered' | 'expired' | 'sold_out';

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
  /** Units on the shelf now, in no hold. */
  onShelf: number;
  /** Holds given and neither checked out nor lapsed: each may still come back to the line. */
  openHolds: number;
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

const minPollMs = 500;
const maxPollMs = 15_000;
/**
 * A place behind every unit on the shelf is asked back a second after the shelf is expected to empty, so
 * the winners' checkouts go first, and places further back later still, at this many places a second: the
 * line's losers then ask at a bounded pace rather than all at once (1,000 places behind are 1 s later).
 */
const afterShelfEmptiesMs = 1000;
const behindShelfPollsPerSecond = 1000;
/** A backup place (the shelf is empty, a hold ahead may still lapse) waits on other buyers' checkouts. */
const backupPollMs = 2000;

/**
 * When a waiting buyer should poll again, sized by what can change its answer. A place the shelf's units
 * reach is asked back just after its expected admission (one beat late, so the hold is there). A place
 * behind every unit on the shelf cannot be admitted before the shelf empties, and then it is either told
 * sold out or kept as a backup for a hold that may lapse: it is asked back after that moment (later the
 * further back it is), not every second meanwhile. So each of 10,000 people in line for 100 units asks
 * once or twice (most are answered at the door).
 */
function pollAfterMs(ahead: number, line: LineProgress, untilStartMs: number): number {
  const beatMs = 1000 / Math.max(1, line.admitPerSecond);
  const wait =
    ahead < line.onShelf
      ? untilStartMs + (ahead + 1) * beatMs + 250
      : line.onShelf > 0
        ? untilStartMs +
          line.onShelf * beatMs +
          afterShelfEmptiesMs +
          ((ahead - line.onShelf) * 1000) / behindShelfPollsPerSecond
        : backupPollMs;
  return Math.round(Math.min(maxPollMs, Math.max(minPollMs, wait)));
}

/** What a buyer in line is told: held, ordered, sold out, or waiting with a position and when to ask again. */
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
    case 'sold_out':
      return { status: 'sold_out' };
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
        pollAfterMs: pollAfterMs(ahead, line, untilStart),
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
