import { WorkflowNotFoundError } from '@temporalio/client';
import type { TrackingEvent } from '../integrations/carriers/carrier';
import { isDuplicateKeyError } from '../integrations/collections';
import type { Services } from '../integrations/services';
import { returnCarrierEventSignal, returnWorkflowId } from '../returns/return-process';
import { carrierEventSignal, sellerFulfillmentWorkflowId } from '../workflows/seller-fulfillment-definitions';

// A carrier's tracking event, handed to the workflow whose parcel it is: the sub-order's delivery for an
// outbound parcel, the return's for a parcel coming back. Out-of-order and repeated events are harmless there.

/** What became of an event: handed on, a repeat of one taken before, or about a parcel that is not ours. */
export type CarrierEventOutcome = 'taken' | 'duplicate' | 'unmatched';

/**
 * Takes a verified event once per event id and signals its workflow. If the signal cannot be sent
 * (Temporal unreachable) the event id is forgotten again, so the carrier's redelivery is processed rather
 * than dropped as a duplicate.
 */
export async function takeCarrierEvent(
  services: Services,
  event: TrackingEvent,
): Promise<CarrierEventOutcome> {
  const { carrier, collections, temporal } = services;
  const shipment = await collections.shipments.findOne({ _id: `${carrier.name}:${event.trackingNumber}` });
  // Unknown parcels are acknowledged so the carrier stops retrying; nothing of ours can change.
  if (!shipment) return 'unmatched';
  const claimId = `${carrier.name}:${event.eventId}`;
  try {
    await collections.carrierEvents.insertOne({ _id: claimId, receivedAt: new Date() });
  } catch (error) {
    if (isDuplicateKeyError(error)) return 'duplicate';
    throw error;
  }
  const tracking = { eventId: event.eventId, status: event.status };
  const handOn =
    shipment.kind === 'outbound'
      ? () =>
          temporal.workflow
            .getHandle(sellerFulfillmentWorkflowId(shipment.orderId, shipment.sellerId))
            .signal(carrierEventSignal, tracking)
      : shipment.returnId
        ? () =>
            temporal.workflow
              .getHandle(returnWorkflowId(shipment.returnId ?? ''))
              .signal(returnCarrierEventSignal, tracking)
        : undefined;
  try {
    await handOn?.();
  } catch (error) {
    // A late event for a sub-order or return that has already finished changes nothing.
    if (!(error instanceof WorkflowNotFoundError)) {
      await collections.carrierEvents.deleteOne({ _id: claimId });
      throw error;
    }
  }
  return 'taken';
}
