import {
  type Client,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { HttpProblem } from './problem';

// An update runs only once a worker has taken it; with every worker down (or the workflow's task queue
// abandoned) the call would wait forever. A request gives up after this and says so, and the caller may retry:
// an update that was accepted late is applied once, whoever asked.
const stepDeadlineMs = 15_000;

/**
 * Runs a workflow update on behalf of a request. A validator's refusal (wrong state for this step) is the
 * caller's 409 with the workflow's own reason; a workflow that does not exist is a 404; one that does not
 * answer in time is a 503.
 */
export async function runStep<T>(temporal: Client, what: string, step: () => Promise<T>): Promise<T> {
  try {
    return await temporal.withDeadline(Date.now() + stepDeadlineMs, step);
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) {
      throw new HttpProblem(
        409,
        'invalid-state',
        `Cannot ${what} now`,
        error.cause?.message ?? error.message,
      );
    }
    if (error instanceof WorkflowNotFoundError) throw new HttpProblem(404, 'not-found', `Nothing to ${what}`);
    if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
      throw new HttpProblem(
        503,
        'workflow-unavailable',
        `Cannot ${what} right now`,
        'The workflow did not answer in time; retry shortly',
      );
    }
    throw error;
  }
}
