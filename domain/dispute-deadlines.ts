// When a dispute's reminders go out and when the marketplace submits evidence on its own. Stripe's
// `evidence_details.due_by` is a hard deadline: evidence after it is refused and the dispute is lost, so
// the automatic submission happens a safety margin before it, and reminders go out before that.

export interface DisputeDeadlinePlan {
  /** Reminder times (ms since epoch), earliest first, only those still in the future. */
  reminders: number[];
  /** When the evidence is submitted if nobody did so before; undefined when Stripe gave no due date. */
  submitAt?: number;
}

export function disputeDeadlines(input: {
  now: number;
  dueBy?: number;
  /** How long before due_by each reminder goes out. */
  reminderLeadSeconds: number[];
  /** How long before due_by the marketplace submits on its own. */
  submitLeadSeconds: number;
}): DisputeDeadlinePlan {
  const { dueBy } = input;
  if (dueBy === undefined) return { reminders: [] };
  // Never earlier than now: a dispute that reaches us late is submitted at once.
  const submitAt = Math.max(input.now, dueBy - input.submitLeadSeconds * 1000);
  const reminders = [...new Set(input.reminderLeadSeconds.map((lead) => dueBy - lead * 1000))]
    .filter((at) => at > input.now && at < submitAt)
    .sort((a, b) => a - b);
  return { reminders, submitAt };
}
