import { condition, setHandler } from '@temporalio/workflow';
import type { TrackingStatus } from '../domain/parcel-tracking';
import { awaitedReturnStep } from '../domain/return-status';
import {
  type Inspection,
  type ReturnInput,
  type ReturnState,
  approveReturnUpdate,
  inspectReturnUpdate,
  opsReturnDecisionUpdate,
  rejectReturnUpdate,
  returnCarrierEventSignal,
  returnRecordedUpdate,
  returnStateQuery,
} from '../returns/return-process';

export interface Decision {
  approve: boolean;
  by: 'seller' | 'ops';
  note?: string;
}

/** Throws the validator's refusal unless every inspected line is one of the return's, once, within count. */
function checkInspection(state: ReturnState, result: Inspection): void {
  const seen = new Set<string>();
  for (const line of result.lines) {
    const returned = state.lines.find((l) => l.sku === line.sku);
    if (!returned) throw new Error(`${line.sku} is not part of this return`);
    if (seen.has(line.sku)) throw new Error(`${line.sku} is listed twice`);
    seen.add(line.sku);
    if (!Number.isInteger(line.acceptedQuantity) || line.acceptedQuantity < 0) {
      throw new Error(`${line.sku}: accepted quantity must be a whole number from 0`);
    }
    if (line.acceptedQuantity > returned.quantity) {
      throw new Error(
        `${line.sku}: ${line.acceptedQuantity} accepted but only ${returned.quantity} returned`,
      );
    }
  }
}

/**
 * A return's state and what it waits for from outside (a decision, an inspection, carrier events), with
 * the handlers that feed them. Each human step is refused unless the return's status awaits it (the rule
 * in domain/return-status.ts), and answers once the workflow has acted on it.
 */
export class ReturnProgress {
  readonly state: ReturnState;
  decision: Decision | undefined;
  inspection: Inspection | undefined;
  /** The return's document is written: the next request's "units left" check counts these units. */
  recorded = false;
  readonly parcelEvents: TrackingStatus[] = [];

  constructor(input: ReturnInput) {
    this.state = {
      returnId: input.returnId,
      orderId: input.orderId,
      sellerId: input.sellerId,
      customerId: input.customerId,
      status: 'requested',
      lines: input.lines.map((line) => ({ ...line })),
      reason: input.reason,
      photos: input.photos,
      dueBy: new Date(Date.now() + input.sellerDecisionSeconds * 1000).toISOString(),
    };
  }

  private awaited() {
    return awaitedReturnStep(this.state.status, this.state.escalatedStep);
  }

  private async decide(next: Decision): Promise<ReturnState> {
    this.decision = next;
    await condition(() => this.state.status !== 'requested' && this.state.status !== 'escalated');
    return this.state;
  }

  private sellerMayDecide(): void {
    if (this.awaited() !== 'seller-decision' || this.decision)
      throw new Error(`return is ${this.state.status}; not awaiting the seller's decision`);
  }

  private opsMayDecide(choice: string): void {
    if (choice !== 'approve' && choice !== 'reject') throw new Error('decision must be approve or reject');
    const step = this.awaited();
    if (this.decision || (step !== 'seller-decision' && step !== 'ops-decision'))
      throw new Error(`return is ${this.state.status}; not awaiting a decision`);
  }

  private mayInspect(result: Inspection): void {
    if (this.inspection || this.awaited() !== 'inspection')
      throw new Error(`return is ${this.state.status}; not awaiting inspection`);
    checkInspection(this.state, result);
  }

  /** Registers the query, the human steps' updates and the carrier's signal. */
  listen(): void {
    setHandler(returnStateQuery, () => this.state);
    setHandler(
      approveReturnUpdate,
      ({ note }) => this.decide({ approve: true, by: 'seller', ...(note ? { note } : {}) }),
      { validator: (_input: { note?: string }) => this.sellerMayDecide() },
    );
    setHandler(
      rejectReturnUpdate,
      ({ reason }) => this.decide({ approve: false, by: 'seller', note: reason }),
      {
        validator: (_input: { reason: string }) => this.sellerMayDecide(),
      },
    );
    setHandler(
      opsReturnDecisionUpdate,
      ({ decision, reason }) => this.decide({ approve: decision === 'approve', by: 'ops', note: reason }),
      {
        validator: ({ decision }: { decision: 'approve' | 'reject'; reason: string }) =>
          this.opsMayDecide(decision),
      },
    );
    setHandler(
      inspectReturnUpdate,
      async (result) => {
        this.inspection = result;
        await condition(() => this.state.status !== 'received' && this.state.status !== 'escalated');
        return this.state;
      },
      { validator: (result: Inspection) => this.mayInspect(result) },
    );
    setHandler(returnRecordedUpdate, async () => {
      await condition(() => this.recorded);
      return this.state;
    });
    setHandler(returnCarrierEventSignal, ({ status }) => {
      this.parcelEvents.push(status);
    });
  }
}
