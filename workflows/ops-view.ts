import { setCurrentDetails } from '@temporalio/workflow';
import { describeWait, detailsOf, type Wait } from '../domain/ops-wording';

// Keeps a running workflow's "current details" in the Temporal UI up to date. Current details are answered
// from the workflow's memory (the built-in metadata query), never written to history, so calling these
// changes no command and needs no patch.

/** The workflow is parked until someone acts or a deadline passes; say who and until when. */
export function showWaiting(wait: Wait): void {
  setCurrentDetails(describeWait(wait));
}

/** The workflow is working through a step (calling Stripe, buying a label): say which. */
export function showStep(step: string, facts: Record<string, string | number | undefined> = {}): void {
  setCurrentDetails(detailsOf({ Now: step, ...facts }));
}

/** The workflow has finished its business; say how it ended. */
export function showOutcome(outcome: string, facts: Record<string, string | number | undefined> = {}): void {
  setCurrentDetails(detailsOf({ Outcome: outcome, ...facts }));
}
